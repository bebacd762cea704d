#include "live/outbox.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace phase4::live {

std::string CompletionPayload(const CompletionInfo& c) {
  nlohmann::ordered_json j;
  j["processor_name"] = c.processor_name;
  j["phase"] = "phase_4_precompute";
  j["execution_id"] = c.run_id;
  j["correlation_id"] = c.correlation_id.empty() ? c.run_id : c.correlation_id;
  j["game_date"] = FormatDate(c.game_date);
  j["output_table"] = c.output->name;
  j["output_dataset"] = c.output->dataset;
  j["status"] = "success";
  j["record_count"] = c.record_count;
  j["records_failed"] = 0;
  j["timestamp"] = NowTimestampUtc();
  j["duration_seconds"] = c.duration_seconds;
  j["trigger_source"] = c.trigger_source;
  j["metadata"] = {{"dependency_check_passed", c.dependency_check_passed},
                   {"is_incremental", false}};
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

const TableSchema& OutboxFor(const TableSchema& output) {
  return output.dataset == PredictionsOutboxSchema().dataset ? PredictionsOutboxSchema()
                                                             : PrecomputeOutboxSchema();
}

Warehouse::ExtraRow CompletionOutboxRow(const CompletionInfo& c) {
  const TableSchema& outbox = OutboxFor(*c.output);
  RowBuilder b(outbox);
  b.Set("topic", std::string(kCompletionTopic))
      .Set("source_table", c.output->FullName())
      .Set("data_date", FormatDate(c.game_date))
      .Set("payload", CompletionPayload(c))
      .Set("created_at", NowTimestampUtc());
  return {&outbox, b.Build()};
}

Result<std::vector<OutboxMessage>> ListOutbox(Warehouse& wh, bool all) {
  std::vector<OutboxMessage> out;
  for (const TableSchema* t : {&PrecomputeOutboxSchema(), &PredictionsOutboxSchema()}) {
    PHASE4_ASSIGN_OR_RETURN(std::vector<Row> rows, wh.OutboxMessages(*t, all));
    auto text = [&](const Row& r, const char* column) {
      return AsText(r[static_cast<size_t>(t->ColumnIndex(column))]).value_or("");
    };
    for (const Row& r : rows)
      out.push_back({t->dataset,
                     AsInt(r[static_cast<size_t>(t->ColumnIndex("message_id"))]).value_or(0),
                     text(r, "topic"), text(r, "source_table"), text(r, "data_date"),
                     text(r, "payload"), text(r, "created_at"), text(r, "acked_at")});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return out;
}

Status AckOutbox(Warehouse& wh, const std::string& ref) {
  std::string dataset;
  std::string id_text = ref;
  if (auto colon = ref.find(':'); colon != std::string::npos) {
    dataset = ref.substr(0, colon);
    id_text = ref.substr(colon + 1);
  }
  int64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoll(id_text, &used);
    if (used != id_text.size()) throw std::invalid_argument(id_text);
  } catch (const std::exception&) {
    return Status::InvalidInput(
        fmt::format("'{}' is not a message id (<dataset>:<id> or <id>)", ref));
  }
  int matches = 0;
  const TableSchema* target = nullptr;
  for (const TableSchema* t : {&PrecomputeOutboxSchema(), &PredictionsOutboxSchema()}) {
    if (!dataset.empty() && t->dataset != dataset) continue;
    PHASE4_ASSIGN_OR_RETURN(bool found, wh.OutboxHasMessage(*t, id));
    if (found) {
      ++matches;
      target = t;
    }
  }
  if (matches == 0) return Status::NotFound(fmt::format("no outbox message {}", ref));
  if (matches > 1)
    return Status::InvalidInput(fmt::format(
        "message id {} exists in both outboxes; name it as nba_precompute:{} or nba_predictions:{}",
        id, id, id));
  return wh.AckOutboxMessage(*target, id, NowTimestampUtc());
}

}  // namespace phase4::live
