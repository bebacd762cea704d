// What a run reads for its processors (doc/processors.md, "Column
// projection"): of each Phase 3 table, the columns its jobs list plus the
// ones the season index needs; of each upstream Phase 4 table, the columns
// the taker lists plus date and key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "warehouse/schema.h"

namespace phase4::processors {
struct ProcessorInfo;
}  // namespace phase4::processors

namespace phase4::execution {

// What a season load reads of one Phase 3 table. Every cell of every row
// is digested (source_*_hash covers whole rows), but only `columns` (schema
// indexes, ascending) become Values in the rows and columnar copies; empty
// means every column.
struct TableRead {
  std::string table;  // full name, e.g. nba_analytics.player_game_summary
  std::vector<int> columns;
};

// The Phase 3 reads of `jobs` run on one season: every table in their
// phase3_inputs; for each, the union of the columns they list in
// phase3_columns (every column when one of them lists none for it) and the
// columns the season index reads itself (date, entity, key, processed_at and
// the filters of decisions 26/27). Fails on an unknown table or column.
Result<std::vector<TableRead>> Phase3Reads(const std::vector<const processors::ProcessorInfo*>& jobs);
// Every column of every Phase 3 table (tests, benchmarks).
std::vector<TableRead> WholeTables();

// The column indexes of `upstream` (a job in info.phase4_upstreams, whose
// output is `schema`) that the run layer reads for `info`: the listed
// info.upstream_columns plus the date and key columns, ascending; empty
// (meaning every column) when the job lists none. Fails on an unknown name.
Result<std::vector<int>> UpstreamColumnIndexes(const processors::ProcessorInfo& info, const TableSchema& schema,
                                               std::string_view upstream);

}  // namespace phase4::execution
