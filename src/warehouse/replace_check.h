// What every backend refuses of a date's replacement before it writes
// anything, so that both take the same calls (warehouse.h, ReplaceDate).
#pragma once

#include <vector>

#include "common/status.h"
#include "warehouse/date_delta.h"
#include "warehouse/schema.h"
#include "warehouse/warehouse.h"

namespace phase4 {

// A table without a date column to replace by, or extra rows of another
// dataset (on SQLite another file: not one transaction).
Status CheckReplacement(const TableSchema& table, const std::vector<Warehouse::ExtraRow>& also);

// The same, for ReplaceDateDelta: and a delta that is not one flag per row.
Status CheckDeltaReplacement(const TableSchema& table, const std::vector<Row>& rows,
                             const DateDelta& delta, const std::vector<Warehouse::ExtraRow>& also);

}  // namespace phase4
