#include "processors/ml_feature_store/ml_feature_store.h"
#include "report/pipeline_report.h"

#include "processors/registry.h"

namespace phase4::report {

namespace {

Result<std::vector<TableRows>> RowsPerDate(Warehouse& wh,
                                           const std::vector<const TableSchema*>& tables,
                                           Date start, Date end) {
  std::vector<TableRows> out;
  for (const TableSchema* t : tables) {
    TableRows rows;
    rows.table = t;
    PHASE4_ASSIGN_OR_RETURN(rows.per_date, wh.CountRowsPerDate(*t, start, end));
    for (const auto& [d, n] : rows.per_date) rows.total += n;
    out.push_back(std::move(rows));
  }
  return out;
}

// The recorded states of a job's units (what was done, not what a run
// would do now).
JobDates RecordedDates(const ledger::JobPlan& jp) {
  JobDates j;
  j.job = jp.job->name;
  for (const ledger::UnitPlan& u : jp.units) {
    if (!u.record) continue;
    j.has_units = true;
    j.successful += u.record->state == ledger::UnitState::kSucceeded;
    j.skipped += u.record->state == ledger::UnitState::kSkipped;
    j.failed += u.record->state == ledger::UnitState::kFailed;
    j.blocked += u.record->state == ledger::UnitState::kBlocked;
  }
  return j;
}

Status ReadQuality(Warehouse& wh, Date start, Date end, PipelineReport* r) {
  const TableSchema& features = processors::MlFeatureStoreSchema();
  const int quality = features.ColumnIndex("feature_quality_score");
  const int date = features.ColumnIndex("game_date");
  PHASE4_ASSIGN_OR_RETURN(std::vector<Row> rows,
                          wh.SelectRows(features, start, end, {date, quality}));
  std::map<Date, std::pair<DailyQuality, double>> by_date;  // with the sum of scores
  double sum = 0;
  for (const Row& row : rows) {
    auto d = ParseDate(AsText(row[static_cast<size_t>(date)]).value_or(""));
    if (!d) continue;  // the date column is NOT NULL; a bad cell counts nowhere
    auto& [day, day_sum] = by_date[*d];
    day.date = *d;
    ++day.rows;
    ++r->feature_rows;
    if (auto q = AsReal(row[static_cast<size_t>(quality)])) {
      ++day.scored;
      day_sum += *q;
      ++r->scored_feature_rows;
      sum += *q;
    }
  }
  for (auto& [d, entry] : by_date) {
    auto& [day, day_sum] = entry;
    if (day.scored > 0) day.mean = day_sum / static_cast<double>(day.scored);
    r->quality.push_back(day);
  }
  if (r->scored_feature_rows > 0)
    r->mean_feature_quality = sum / static_cast<double>(r->scored_feature_rows);
  return Status::OK();
}

}  // namespace

std::string_view StateName(ledger::UnitAction action) {
  return action == ledger::UnitAction::kUpToDate ? "succeeded" : ledger::UnitActionName(action);
}

const std::vector<ledger::UnitAction>& LegendOrder() {
  using A = ledger::UnitAction;
  static const std::vector<A> order{A::kUpToDate, A::kFailed,  A::kBlocked,
                                    A::kStale,    A::kSkipped, A::kMissing};
  return order;
}

Result<PipelineReport> BuildPipelineReport(Warehouse& wh, const SeasonCalendar& calendar,
                                           Date start, Date end, Date signal_start,
                                           Date signal_end) {
  PipelineReport r;
  r.start = start;
  r.end = end;
  r.warehouse = wh.location();
  r.game_dates = calendar.GameDates(start, end);
  if (r.game_dates.empty()) return r;
  ledger::PlanRequest request;
  request.dates = r.game_dates;
  request.all_jobs = true;
  PHASE4_ASSIGN_OR_RETURN(r.plan, ledger::MakePlan(wh, calendar, request));
  for (const ledger::JobPlan& jp : r.plan.jobs) r.jobs.push_back(RecordedDates(jp));
  PHASE4_ASSIGN_OR_RETURN(r.phase3, RowsPerDate(wh, Phase3Tables(), start, end));
  PHASE4_ASSIGN_OR_RETURN(r.phase4, RowsPerDate(wh, Phase4Tables(), start, end));
  PHASE4_RETURN_IF_ERROR(ReadQuality(wh, start, end, &r));
  PHASE4_ASSIGN_OR_RETURN(r.signal, CheckSignal(wh, signal_start, signal_end));
  return r;
}

std::vector<Problem> FailedAndBlocked(const PipelineReport& r) {
  std::vector<Problem> out;
  for (const ledger::JobPlan& jp : r.plan.jobs)
    for (const ledger::UnitPlan& u : jp.units)
      if (u.action == ledger::UnitAction::kFailed || u.action == ledger::UnitAction::kBlocked)
        out.push_back({jp.job, &u});
  return out;
}

}  // namespace phase4::report
