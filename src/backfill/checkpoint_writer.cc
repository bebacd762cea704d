#include "backfill/checkpoint_writer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace phase4::backfill {

namespace {

// A JSON string literal: quotes and escapes; invalid UTF-8 (error texts
// come from anywhere) is replaced, never thrown.
std::string JsonString(std::string_view text) {
  return nlohmann::ordered_json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// `"key": [dates]` at the document's first level, indented as dump(2) does.
void AppendDateArray(std::string& out, std::string_view key, const CheckpointDateList& dates) {
  out += "  \"";
  out += key;
  out += "\": ";
  dates.AppendJson(out);
}

}  // namespace

std::string CheckpointToJson(const CheckpointState& state, std::string_view updated_at) {
  std::string out;
  out.reserve(256 + 16 * static_cast<size_t>(state.processed()));
  auto field = [&out](std::string_view key, std::string_view json_value, bool last = false) {
    out += "  \"";
    out += key;
    out += "\": ";
    out += json_value;
    out += last ? "\n" : ",\n";
  };
  out += "{\n";
  field("job_name", JsonString(state.job_name()));
  field("start_date", JsonString(FormatDate(state.start_date())));
  field("end_date", JsonString(FormatDate(state.end_date())));
  auto last = state.last_successful_date();
  field("last_successful_date", last ? JsonString(FormatDate(*last)) : "null");
  AppendDateArray(out, "successful_dates", state.successful_list());
  out += ",\n";
  AppendDateArray(out, "failed_dates", state.failed_list());
  out += ",\n";
  AppendDateArray(out, "skipped_dates", state.skipped_list());
  out += ",\n";
  out += "  \"stats\": {\n";
  out += fmt::format(
      "    \"processed\": {},\n    \"successful\": {},\n    \"failed\": {},\n"
      "    \"skipped\": {},\n    \"total_days\": {}\n  }},\n",
      state.processed(), state.successful(), state.failed(), state.skipped(), state.total_days());
  if (state.failed_errors().empty()) {
    out += "  \"failed_errors\": {},\n";
  } else {
    out += "  \"failed_errors\": {\n";
    bool first = true;
    for (const auto& [d, text] : state.failed_errors()) {
      out += first ? "    " : ",\n    ";
      out += JsonString(FormatDate(d));
      out += ": ";
      out += JsonString(text);
      first = false;
    }
    out += "\n  },\n";
  }
  if (!state.warehouse_id().empty()) field("warehouse_id", JsonString(state.warehouse_id()));
  field("updated_at", JsonString(updated_at), /*last=*/true);
  out += "}\n";
  return out;
}

}  // namespace phase4::backfill
