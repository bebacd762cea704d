// Table schemas: every table the warehouse holds, declared once.
//
// The DDL, the CSV importer and exporter, the writers and the verifier all
// read these declarations; a table's columns are never spelled twice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "warehouse/value.h"

namespace phase4 {

enum class ColumnType {
  kInt,        // INTEGER
  kReal,       // REAL; `scale` gives the declared decimals (NUMERIC(p,s)), -1 for FLOAT64
  kText,       // TEXT
  kDate,       // TEXT `YYYY-MM-DD`
  kBool,       // INTEGER 0/1; CSV true/false
  kTimestamp,  // TEXT, ISO 8601 UTC
  kJson,       // TEXT holding a JSON document (arrays, objects)
};

struct Column {
  std::string name;
  ColumnType type;
  int scale = -1;  // decimals for kReal columns declared NUMERIC(p, scale)
  bool not_null = false;
};

struct TableSchema {
  std::string dataset;  // e.g. nba_analytics
  std::string name;     // e.g. player_game_summary
  std::vector<Column> columns;
  std::vector<std::string> primary_key;  // column names; a second row with the same key is refused
  std::string date_column;               // partition-like date key, empty if none
  std::string description;               // one line, for docs and reports
  // SQLite: the rows live in the primary key's B-tree (WITHOUT ROWID), so a
  // write touches one B-tree, not a table and its key index. For small rows
  // written one at a time in the transactions of other tables (the ledger).
  bool clustered = false;

  std::string FullName() const { return dataset + "." + name; }
  // Index of the column, or -1.
  int ColumnIndex(std::string_view column) const;
  const Column& column(int i) const { return columns[static_cast<size_t>(i)]; }
  size_t size() const { return columns.size(); }
};

// Schema of one table by full name (`dataset.table`) or by bare table name
// when unambiguous; nullptr when unknown.
const TableSchema* FindTable(std::string_view name);
// Every table, in creation order: the schedule, the Phase 3 tables, the
// Phase 4 tables (Phase4Tables()), then the operational tables.
const std::vector<const TableSchema*>& AllTables();
// The datasets, in creation order.
const std::vector<std::string>& AllDatasets();

// Phase 2 / Phase 3 inputs (schema_phase3.cc).
const TableSchema& ScheduleSchema();                   // nba_raw.nbac_schedule
const TableSchema& PlayerGameSummarySchema();          // nba_analytics.player_game_summary
const TableSchema& TeamOffenseGameSummarySchema();     // nba_analytics.team_offense_game_summary
const TableSchema& TeamDefenseGameSummarySchema();     // nba_analytics.team_defense_game_summary
const TableSchema& UpcomingPlayerGameContextSchema();  // nba_analytics.upcoming_player_game_context
const TableSchema& UpcomingTeamGameContextSchema();    // nba_analytics.upcoming_team_game_context
// The five Phase 3 tables, in the order verify-phase3 reports them.
const std::vector<const TableSchema*>& Phase3Tables();

// Operational tables (schema_ops.cc).
const TableSchema& ProcessorRunHistorySchema();  // nba_reference.processor_run_history
// Completion-message outboxes, one beside each output dataset's tables.
const TableSchema& PrecomputeOutboxSchema();   // nba_precompute.outbox
const TableSchema& PredictionsOutboxSchema();  // nba_predictions.outbox
// The unit ledger, one beside each output dataset's tables (doc/ledger.md).
const TableSchema& PrecomputeUnitsSchema();   // nba_precompute.phase4_units
const TableSchema& PredictionsUnitsSchema();  // nba_predictions.phase4_units
// The ledger in the dataset of `output` (nullptr for a dataset without one).
const TableSchema* UnitsSchemaFor(const TableSchema& output);
// Phase 3 change tracking: digests per (table, game date) and the dates
// changed since, beside the tables they describe.
const TableSchema& RawDigestsSchema();        // nba_raw.phase3_digests
const TableSchema& AnalyticsDigestsSchema();  // nba_analytics.phase3_digests
const TableSchema& RawChangesSchema();        // nba_raw.phase3_changes
const TableSchema& AnalyticsChangesSchema();  // nba_analytics.phase3_changes
// nba_reference.warehouse_info: key/value facts, e.g. the warehouse id.
const TableSchema& WarehouseInfoSchema();
// The tables whose writes are tracked per date for the ledger's input
// fingerprints (triggers fill the phase3_changes of their dataset): the
// schedule and the five Phase 3 tables.
const std::vector<const TableSchema*>& Phase3ChangeTrackedTables();

// The Phase 4 output tables, one per registered processor, in execution
// order. Each processor declares its table in its own folder
// (processors/<name>/<name>_schema.cc); this list is defined by the
// processor registry (processors/registry.cc), so the warehouse creates
// exactly the tables of the processors registered, without naming them.
const std::vector<const TableSchema*>& Phase4Tables();

// Builds a row for a schema by column name. Setting an unknown column is a
// programming error (asserts); unset columns stay NULL.
class RowBuilder {
 public:
  explicit RowBuilder(const TableSchema& schema) : schema_(&schema), row_(schema.size()) {}
  RowBuilder& Set(std::string_view column, Value v);
  Row Build() { return std::move(row_); }
  Row& row() { return row_; }

 private:
  const TableSchema* schema_;
  Row row_;
};

}  // namespace phase4
