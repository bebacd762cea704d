#include "warehouse/schema.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace phase4 {

int TableSchema::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<std::string>& AllDatasets() {
  static const std::vector<std::string> d{"nba_raw",          "nba_analytics", "nba_precompute",
                                          "nba_predictions",  "nba_reference", "nba_processing",
                                          "nba_orchestration"};
  return d;
}

const std::vector<const TableSchema*>& Phase3ChangeTrackedTables() {
  static const std::vector<const TableSchema*> t = [] {
    std::vector<const TableSchema*> v{&ScheduleSchema()};
    for (const TableSchema* p : Phase3Tables()) v.push_back(p);
    return v;
  }();
  return t;
}

const std::vector<const TableSchema*>& AllTables() {
  // Rebuilt when a processor registered since gave Phase4Tables() one more
  // table (the registry only grows); read without a lock otherwise, as
  // every job's threads ask.
  static std::mutex mu;
  static std::vector<const TableSchema*> all;
  static std::atomic<size_t> phase4_tables{0};
  const std::vector<const TableSchema*>& phase4 = Phase4Tables();
  if (phase4_tables.load(std::memory_order_acquire) == phase4.size()) return all;
  std::lock_guard lock(mu);
  if (phase4_tables.load(std::memory_order_relaxed) == phase4.size()) return all;
  all = {&ScheduleSchema()};
  for (auto* s : Phase3Tables()) all.push_back(s);
  for (auto* s : phase4) all.push_back(s);
  for (auto* s : {&ProcessorRunHistorySchema(), &PrecomputeOutboxSchema(),
                  &PredictionsOutboxSchema(), &PrecomputeUnitsSchema(), &PredictionsUnitsSchema(),
                  &RawDigestsSchema(), &AnalyticsDigestsSchema(), &RawChangesSchema(),
                  &AnalyticsChangesSchema(), &WarehouseInfoSchema()})
    all.push_back(s);
  phase4_tables.store(phase4.size(), std::memory_order_release);
  return all;
}

const TableSchema* FindTable(std::string_view name) {
  const TableSchema* found = nullptr;
  for (auto* s : AllTables()) {
    if (s->FullName() == name) return s;
    if (s->name == name) {
      if (found) return nullptr;  // ambiguous bare name (e.g. outbox)
      found = s;
    }
  }
  return found;
}

RowBuilder& RowBuilder::Set(std::string_view column, Value v) {
  int i = schema_->ColumnIndex(column);
  if (i < 0) {  // a programming error: the column list is static
    std::fprintf(stderr, "RowBuilder: no column %.*s in %s\n", static_cast<int>(column.size()),
                 column.data(), schema_->FullName().c_str());
    std::abort();
  }
  row_[static_cast<size_t>(i)] = std::move(v);
  return *this;
}

}  // namespace phase4
