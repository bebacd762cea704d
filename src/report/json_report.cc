#include "report/json_report.h"

#include <nlohmann/json.hpp>

#include "backfill/plan_report.h"

namespace phase4::report {

namespace {

using Json = nlohmann::ordered_json;

Json MeanOrNull(int64_t samples, double mean) { return samples > 0 ? Json(mean) : Json(nullptr); }

Json SignalErrorJson(const SignalError& e) {
  Json j;
  j["samples"] = e.samples;
  j["mae_points_avg_last_10"] = MeanOrNull(e.samples, e.mae_last_10);
  j["mae_points_avg_season"] = MeanOrNull(e.samples, e.mae_season);
  return j;
}

}  // namespace

std::string FormatJsonReport(const PipelineReport& r) {
  Json j;
  j["start_date"] = FormatDate(r.start);
  j["end_date"] = FormatDate(r.end);
  j["warehouse"] = r.warehouse;
  j["game_dates"] = r.game_dates.size();
  if (!r.game_dates.empty()) {
    j["tables"] = Json::array();
    for (const auto* tables : {&r.phase3, &r.phase4})
      for (const TableRows& t : *tables)
        j["tables"].push_back({{"table", t.table->FullName()}, {"rows", t.total}});
    j["jobs"] = Json::array();
    for (size_t i = 0; i < r.jobs.size(); ++i) {
      const JobDates& d = r.jobs[i];
      const ledger::JobPlan& jp = r.plan.jobs[i];
      Json job = backfill::JobPlanCountsJson(jp);
      job["recorded"] = d.has_units ? Json{{"succeeded", d.successful},
                                           {"skipped", d.skipped},
                                           {"failed", d.failed},
                                           {"blocked", d.blocked}}
                                    : Json(nullptr);
      j["jobs"].push_back(std::move(job));
    }
    j["feature_quality"] = {{"rows", r.feature_rows},
                            {"scored_rows", r.scored_feature_rows},
                            {"mean", MeanOrNull(r.scored_feature_rows, r.mean_feature_quality)}};
    Json signal;
    signal["start_date"] = FormatDate(r.signal.start);
    signal["end_date"] = FormatDate(r.signal.end);
    signal.update(SignalErrorJson(r.signal.all));
    signal["months"] = Json::array();
    for (const SignalMonth& m : r.signal.months) {
      Json month{{"month", MonthLabel(m)}};
      month.update(SignalErrorJson(m.error));
      signal["months"].push_back(std::move(month));
    }
    j["signal"] = std::move(signal);
    j["problems"] = Json::array();
    for (const Problem& p : FailedAndBlocked(r))
      j["problems"].push_back({{"job", p.job->name},
                               {"date", FormatDate(p.unit->date)},
                               {"state", ledger::UnitActionName(p.unit->action)},
                               {"reason", p.unit->reason}});
  }
  // Stored errors may hold any bytes: ill-formed UTF-8 becomes U+FFFD.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace phase4::report
