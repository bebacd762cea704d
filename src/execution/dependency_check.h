// Decision 16: before a date is processed, the job checks that its inputs
// are there. Upstream Phase 4 tables must hold rows for D; the Phase 3 tables
// the processor names must hold rows for the previous game date (or for D).
#pragma once

#include <string>
#include <vector>

#include "calendar/season_calendar.h"
#include "common/status.h"
#include "processors/common/processor.h"
#include "execution/input_reader.h"
#include "warehouse/warehouse.h"

namespace phase4::execution {

struct DependencyReport {
  std::vector<std::string> missing_phase4;  // full table names without rows for D
  std::vector<std::string> missing_phase3;  // "<table> for <date>" descriptions
  // Empty when everything is present; otherwise the failure text:
  // `Missing critical dependencies: [a, b]` or `No data for date D: ...`.
  std::string error;
  bool ok() const { return error.empty(); }
};

// Counts nothing: each check is one indexed EXISTS query, except that an
// upstream Phase 4 table whose rows for D an in-process run-all holds in
// memory (`held`, may be null) is present without a query.
Result<DependencyReport> CheckDependencies(Warehouse& wh, const SeasonCalendar& calendar,
                                           const processors::ProcessorInfo& info, Date d,
                                           const UpstreamSource* held = nullptr);

// True when `table` has at least one row whose date column equals d.
Result<bool> HasRowsOn(Warehouse& wh, const TableSchema& table, Date d);

}  // namespace phase4::execution
