#include "execution/phase3_reads.h"

#include <fmt/format.h>

#include <algorithm>

#include "processors/common/phase3_tables.h"
#include "processors/common/processor.h"

namespace phase4::execution {

Result<std::vector<TableRead>> Phase3Reads(const std::vector<const processors::ProcessorInfo*>& jobs) {
  std::vector<TableRead> reads;
  std::vector<bool> whole;  // parallel to reads: some job reads every column
  for (const processors::ProcessorInfo* job : jobs) {
    for (const auto& table : job->phase3_inputs) {
      const processors::TableSpec* spec = processors::FindPhase3Table(table);
      if (!spec)
        return Status::InvalidInput(
            fmt::format("{}: not a Phase 3 input table: {}", job->name, table));
      auto it = std::find_if(reads.begin(), reads.end(),
                             [&](const TableRead& r) { return r.table == spec->name; });
      if (it == reads.end()) {
        reads.push_back({std::string(spec->name), processors::SeasonIndexColumns(*spec)});
        whole.push_back(false);
        it = reads.end() - 1;
      }
      const size_t at = static_cast<size_t>(it - reads.begin());
      auto listed = job->phase3_columns.find(spec->name);
      if (listed == job->phase3_columns.end()) {
        whole[at] = true;
        continue;
      }
      for (const auto& name : listed->second) {
        const int c = spec->schema().ColumnIndex(name);
        if (c < 0)
          return Status::InvalidInput(
              fmt::format("{}: Phase 3 table {} has no column {}", job->name, spec->name, name));
        it->columns.push_back(c);
      }
    }
  }
  for (size_t i = 0; i < reads.size(); ++i) {
    auto& columns = reads[i].columns;
    if (whole[i]) {
      columns.clear();
      continue;
    }
    std::sort(columns.begin(), columns.end());
    columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  }
  return reads;
}

std::vector<TableRead> WholeTables() {
  std::vector<TableRead> reads;
  for (const TableSchema* t : Phase3Tables()) reads.push_back({t->FullName(), {}});
  return reads;
}

Result<std::vector<int>> UpstreamColumnIndexes(const processors::ProcessorInfo& info, const TableSchema& schema,
                                               std::string_view upstream) {
  auto listed = info.upstream_columns.find(upstream);
  if (listed == info.upstream_columns.end()) return std::vector<int>{};
  std::vector<std::string> names = listed->second;
  names.push_back(schema.date_column);
  names.insert(names.end(), schema.primary_key.begin(), schema.primary_key.end());
  std::vector<int> columns;
  for (const auto& name : names) {
    int c = schema.ColumnIndex(name);
    if (c < 0)
      return Status::InvalidInput(
          fmt::format("{}: upstream {} has no column {}", info.name, schema.FullName(), name));
    columns.push_back(c);
  }
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  return columns;
}

}  // namespace phase4::execution
