// Operational tables: run history (decision 24), the completion-message
// outboxes (decision 23), the unit ledger, the Phase 3 change tracking the
// ledger's input fingerprints read, and the warehouse's identity.
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

namespace {
// The ledger lives in the same database file as the output tables whose
// units it records, for the same reason as the outbox: a unit's state
// commits with its rows.
TableSchema MakeUnits(const char* dataset) {
  return TableSchema{dataset,
                     "phase4_units",
                     {TextNN("job"), DateNN("game_date"), TextNN("state"), IntNN("attempts"),
                      Text("last_error"), Text("run_id"), IntNN("rows_written"),
                      Text("input_fingerprint"), Text("input_parts"), Text("output_fingerprint"),
                      Text("code_version"),
                      Float("duration_seconds"), TimestampNN("first_attempt_at"),
                      TimestampNN("updated_at")},
                     {"game_date", "job"},  // date first: no second index (sqlite_warehouse.cc)
                     "game_date",
                     "The unit ledger: one row per (Phase 4 job, game date), doc/ledger.md",
                     /*clustered=*/true};
}

// Per Phase 3 table and game date, a digest of the date's rows; and the
// dates changed since their digest was taken, marked by triggers on the
// Phase 3 tables (whoever writes them). Both live beside the tables they
// describe, so a trigger writes within its own file.
TableSchema MakeDigests(const char* dataset) {
  return TableSchema{dataset,
                     "phase3_digests",
                     {TextNN("table_name"), DateNN("game_date"), IntNN("row_count"),
                      TextNN("digest"), TimestampNN("changed_at")},
                     {"table_name", "game_date"},
                     "game_date",
                     "Digest of each Phase 3 table's rows per game date (doc/ledger.md)"};
}
TableSchema MakeChanges(const char* dataset) {
  return TableSchema{dataset,
                     "phase3_changes",
                     // `version` grows with every write a trigger sees: a refresh clears a
                     // mark only if it is still the version it read.
                     {TextNN("table_name"), DateNN("game_date"), IntNN("version")},
                     {"table_name", "game_date"},
                     "game_date",
                     "Phase 3 dates changed since their digest was taken (filled by triggers)"};
}
}  // namespace

const TableSchema& PrecomputeUnitsSchema() {
  static const TableSchema s = MakeUnits("nba_precompute");
  return s;
}
const TableSchema& PredictionsUnitsSchema() {
  static const TableSchema s = MakeUnits("nba_predictions");
  return s;
}
const TableSchema* UnitsSchemaFor(const TableSchema& output) {
  if (output.dataset == PrecomputeUnitsSchema().dataset) return &PrecomputeUnitsSchema();
  if (output.dataset == PredictionsUnitsSchema().dataset) return &PredictionsUnitsSchema();
  return nullptr;
}

const TableSchema& RawDigestsSchema() {
  static const TableSchema s = MakeDigests("nba_raw");
  return s;
}
const TableSchema& AnalyticsDigestsSchema() {
  static const TableSchema s = MakeDigests("nba_analytics");
  return s;
}
const TableSchema& RawChangesSchema() {
  static const TableSchema s = MakeChanges("nba_raw");
  return s;
}
const TableSchema& AnalyticsChangesSchema() {
  static const TableSchema s = MakeChanges("nba_analytics");
  return s;
}

const TableSchema& WarehouseInfoSchema() {
  static const TableSchema s{"nba_reference",
                             "warehouse_info",
                             {TextNN("key"), TextNN("value")},
                             {"key"},
                             "",
                             "Facts about this warehouse (its id, created by init)"};
  return s;
}

}  // namespace phase4
