// What `phase4 report` shows, gathered once for a range of dates and then
// printed as text, JSON or an HTML page (text_report.h, json_report.h,
// html_report.h): the units of every job from the ledger's plan, the rows
// of the Phase 3 and Phase 4 tables per date, the feature quality per date
// and the signal check by month. Every figure is for the range asked for.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.h"
#include "calendar/season_calendar.h"
#include "common/status.h"
#include "ledger/plan.h"
#include "report/signal_check.h"
#include "warehouse/warehouse.h"

namespace phase4::report {

// A table's rows per value of its date column within the range.
struct TableRows {
  const TableSchema* table = nullptr;
  std::map<Date, int64_t> per_date;  // dates without rows absent
  int64_t total = 0;
};

// A job's units by their recorded state in the ledger.
struct JobDates {
  std::string job;
  bool has_units = false;  // the ledger has a unit of the job in the range
  int successful = 0, skipped = 0, failed = 0, blocked = 0;
};

// ml_feature_store_v2's feature_quality_score on one date.
struct DailyQuality {
  Date date{};
  int64_t rows = 0;
  int64_t scored = 0;  // rows with a score (the mean skips NULLs, as AVG does)
  double mean = 0;     // meaningful when scored > 0
};

// A unit's state as the report names it: the plan's action, with "up to
// date" called "succeeded", the word an operator looks for.
std::string_view StateName(ledger::UnitAction action);
// Every action, in the order a legend lists them.
const std::vector<ledger::UnitAction>& LegendOrder();

struct PipelineReport {
  Date start{}, end{};
  std::string warehouse;         // its location, any password redacted
  std::vector<Date> game_dates;  // of the range, bootstrap dates included
  // The plan of every job over the game dates (request.all_jobs, as
  // `phase4 status`): the grid of units and their reasons.
  ledger::Plan plan;
  std::vector<JobDates> jobs;  // in execution order
  std::vector<TableRows> phase3, phase4;
  std::vector<DailyQuality> quality;  // dates with feature rows, ascending
  int64_t feature_rows = 0, scored_feature_rows = 0;
  double mean_feature_quality = 0;  // meaningful when scored_feature_rows > 0
  SignalCheck signal;
};

// `start`/`end`: the range of every figure but the signal check's, which
// covers `signal_start`/`signal_end` (the same range unless asked
// otherwise). With no game date in the range, only `start`, `end`,
// `warehouse` and `game_dates` are set.
Result<PipelineReport> BuildPipelineReport(Warehouse& wh, const SeasonCalendar& calendar,
                                           Date start, Date end, Date signal_start,
                                           Date signal_end);

// The units not up to date that a run cannot simply compute: failed and
// blocked, job by job in execution order, then by date.
struct Problem {
  const processors::ProcessorInfo* job = nullptr;
  const ledger::UnitPlan* unit = nullptr;
};
std::vector<Problem> FailedAndBlocked(const PipelineReport& r);

}  // namespace phase4::report
