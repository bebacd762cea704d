// The transactional outbox (decision 23): a successful live run announces
// its rows with a completion message (backfill-framework.md §5.5, topic
// `nba-phase4-precompute-complete`) written in the same transaction as the
// rows. Consumers list unacknowledged messages and acknowledge them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4::live {

inline constexpr const char* kCompletionTopic = "nba-phase4-precompute-complete";

struct CompletionInfo {
  std::string processor_name;  // job name
  std::string run_id;
  std::string correlation_id;  // the run id unless the trigger gave one
  Date game_date{};
  const TableSchema* output = nullptr;
  int64_t record_count = 0;
  double duration_seconds = 0;
  std::string trigger_source = "manual";
  bool dependency_check_passed = true;
};

// The message body: a JSON object with the §5.5 fields (nulls dropped).
std::string CompletionPayload(const CompletionInfo& info);
// The outbox that sits beside `output` (same dataset file).
const TableSchema& OutboxFor(const TableSchema& output);
// The outbox row for a completion message, to pass to ReplaceDate's `also`.
Warehouse::ExtraRow CompletionOutboxRow(const CompletionInfo& info);

struct OutboxMessage {
  std::string dataset;
  int64_t message_id = 0;
  std::string topic;
  std::string source_table;
  std::string data_date;
  std::string payload;
  std::string created_at;
  std::string acked_at;  // empty while unacknowledged
};

// Messages of every outbox, oldest first; unacknowledged only unless `all`.
Result<std::vector<OutboxMessage>> ListOutbox(Warehouse& wh, bool all);
// Acknowledges one message (`<dataset>:<id>`, or `<id>` when unambiguous).
// Acknowledging twice is harmless; an unknown id is an error.
Status AckOutbox(Warehouse& wh, const std::string& message_ref);

}  // namespace phase4::live
