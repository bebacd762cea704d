// Column blocks shared by the Phase 4 output tables (zone-processors.md
// §1.2-1.3, decisions 8-13, 28-34): each processor declares its table in its
// own folder (<name>_schema.cc) from the warehouse's column shorthands and
// these blocks.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "warehouse/schema_columns.h"

namespace phase4::processors {

// The parts, in order, as one column list.
std::vector<Column> Concat(std::initializer_list<std::vector<Column>> parts);
// Source tracking, three columns per dependency (zone-processors.md §1.2).
std::vector<Column> SourceTracking(const std::string& prefix);
// The 14-column completeness / circuit-breaker / bootstrap block
// (zone-processors.md §1.3), shared by all five tables.
std::vector<Column> CompletenessBlock();
// Early-season pair: the flag is FALSE, never NULL, on normal rows (decision 30).
std::vector<Column> EarlySeason();

}  // namespace phase4::processors
