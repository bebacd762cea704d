// What a replacement of one date changes (decision 12 with fewer writes): a
// re-run that recomputes a date whose rows are stored usually finds most of
// them the same (a one-game correction changes one player's rows). Only the
// rows that differ are written; a row that comes out the same stays as it
// is stored, run-time columns included, so its processed_at says when its
// values were computed and the downstream rows that copy it
// (source_*_last_updated) come out the same too (doc/ledger.md, "Rows that
// come out the same").
#pragma once

#include <cstddef>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4 {

class Warehouse;

struct DateDelta {
  // Parallel to the new rows: true when that row is stored exactly so.
  std::vector<bool> kept;
  // Stored rows of the date whose key the new rows do not have.
  std::vector<Row> gone;
  // The new rows that must be written.
  size_t changed() const;
};

// The columns a run sets to its own time (processed_at, created_at,
// updated_at): not part of what a row computes.
bool IsRunTimeColumn(const Column& column);

// Compares the finished rows of `date` (about to replace it) with the rows
// `wh` stores for that date now. A row whose every cell but the run-time
// columns equals, as stored (stored_value.h), the stored row of its key
// takes that row's run-time cells and is kept. The stored rows are compared
// as cells, never made into Values: a re-run reads every stored row of
// every date it recomputes.
Result<DateDelta> KeepUnchangedRows(Warehouse& wh, const TableSchema& table, Date date,
                                    std::vector<Row>& rows);

}  // namespace phase4
