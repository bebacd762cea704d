// The unit ledger: one row per (Phase 4 job, game date) in the warehouse,
// written in the same transaction as the unit's rows, so that it can never
// disagree with the data (doc/ledger.md). Every command that runs a
// processor records into it; plans, resumes and `phase4 status` read it.
//
// The ledger of a job lives in its output table's dataset
// (nba_precompute.phase4_units, nba_predictions.phase4_units): SQLite
// commits atomically per file.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "ledger/unit.h"
#include "processors/common/processor.h"
#include "warehouse/warehouse.h"

namespace phase4::ledger {

using UnitMap = std::map<Date, UnitRecord>;

// The ledger table of a job (its output dataset's).
Result<const TableSchema*> LedgerTableOf(const processors::ProcessorInfo& job);

// The units of `job` with start <= date <= end (every date when unset).
Result<UnitMap> ReadUnits(Warehouse& wh, const processors::ProcessorInfo& job,
                          std::optional<Date> start = std::nullopt,
                          std::optional<Date> end = std::nullopt);
// One unit, or nullopt when it was never recorded.
Result<std::optional<UnitRecord>> ReadUnit(Warehouse& wh, const processors::ProcessorInfo& job,
                                           Date d);

// The record as a row to commit with the unit's rows (replacing the old).
Result<Warehouse::ExtraRow> UnitRow(const processors::ProcessorInfo& job, const UnitRecord& r);
// Records a unit that writes no rows (failed, blocked, skipped) in a
// transaction of its own.
Status RecordUnit(Warehouse& wh, const processors::ProcessorInfo& job, const UnitRecord& r);

}  // namespace phase4::ledger
