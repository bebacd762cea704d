// Operational tables: run history (decision 24) and the completion-message
// outboxes (decision 23).
#include "warehouse/schema_columns.h"

namespace phase4 {

using namespace cols;

const TableSchema& ProcessorRunHistorySchema() {
  // Two rows per run: `row_kind` 'start' then 'final'. The final row's
  // status is the run's status; a run with only a start row did not finish.
  static const TableSchema s{
      "nba_reference",
      "processor_run_history",
      {TextNN("run_id"), TextNN("row_kind"), TextNN("processor_name"), TextNN("phase"),
       DateCol("data_date"), TextNN("status"), TextNN("mode"), TimestampNN("started_at"),
       Timestamp("finished_at"), Float("duration_seconds"), Int("records_processed"),
       Text("error_message"), Json("options"), Int("process_id"), Text("host")},
      {"run_id", "row_kind"},
      "data_date",
      "One start row and one final row per processor run"};
  return s;
}

namespace {
// The outbox lives in the same database file as the output table whose
// completion it announces, so the message commits atomically with the rows
// (SQLite commits atomically per file in WAL mode).
TableSchema MakeOutbox(const char* dataset) {
  return TableSchema{dataset,
                     "outbox",
                     {IntNN("message_id"),  // INTEGER PRIMARY KEY: assigned on insert
                      TextNN("topic"), TextNN("source_table"), DateCol("data_date"),
                      JsonNN("payload"), TimestampNN("created_at"), Timestamp("acked_at")},
                     {"message_id"},
                     "data_date",
                     "Completion messages waiting for their consumers"};
}
}  // namespace

const TableSchema& PrecomputeOutboxSchema() {
  static const TableSchema s = MakeOutbox("nba_precompute");
  return s;
}
const TableSchema& PredictionsOutboxSchema() {
  static const TableSchema s = MakeOutbox("nba_predictions");
  return s;
}

}  // namespace phase4
