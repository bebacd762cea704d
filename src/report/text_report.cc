#include "report/text_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "tableio/csv.h"

namespace phase4::report {

namespace {

// A stored reason on one line of the list.
std::string OneLine(std::string_view text) {
  std::string line = tableio::EscapeInvalidUtf8(text);
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

void AppendSignal(const SignalCheck& s, std::string* out) {
  if (s.all.samples == 0) {
    *out += fmt::format("Signal check, {} to {}: no player-games in range; no signal check\n",
                        FormatDate(s.start), FormatDate(s.end));
    return;
  }
  *out += fmt::format("Signal check, {} to {} ({} player-games):\n", FormatDate(s.start),
                      FormatDate(s.end), s.all.samples);
  *out += fmt::format("  MAE of points_avg_last_10 as a prediction of points: {:.3f}\n",
                      s.all.mae_last_10);
  *out += fmt::format("  MAE of points_avg_season  as a prediction of points: {:.3f}\n",
                      s.all.mae_season);
  if (auto gain = LastTenGainPct(s.all))
    *out += fmt::format("  points_avg_last_10 is {:.1f}% {} than the season average\n",
                        std::abs(*gain), *gain >= 0 ? "better" : "worse");
  *out += fmt::format("  {:<9} {:>13} {:>12} {:>11}\n", "month", "player-games", "MAE last_10",
                      "MAE season");
  for (const SignalMonth& m : s.months) {
    if (m.error.samples == 0)
      *out += fmt::format("  {:<9} {:>13}\n", MonthLabel(m), "none");
    else
      *out += fmt::format("  {:<9} {:>13} {:>12.3f} {:>11.3f}\n", MonthLabel(m), m.error.samples,
                          m.error.mae_last_10, m.error.mae_season);
  }
}

}  // namespace

std::string FormatTextReport(const PipelineReport& r, size_t max_problems) {
  const std::string rule(72, '=');
  std::string out = rule + "\nPHASE 4 PIPELINE REPORT\n" + rule + "\n";
  if (r.game_dates.empty()) {
    out +=
        fmt::format("{} to {}: no game dates in range\n", FormatDate(r.start), FormatDate(r.end)) +
        rule + "\n";
    return out;
  }
  out += fmt::format("{} to {}: {} game dates\n", FormatDate(r.start), FormatDate(r.end),
                     r.game_dates.size());
  out += "Rows per table in the range:\n";
  for (const auto* tables : {&r.phase3, &r.phase4})
    for (const TableRows& t : *tables)
      out += fmt::format("  {:<48} {:>10}\n", t.table->FullName(), t.total);
  out += "Dates per job (from the unit ledger; stale and missing: what a run would do):\n";
  out += fmt::format("  {:<30} {:>10} {:>8} {:>7} {:>7} {:>6} {:>7}\n", "job", "processed",
                     "skipped", "failed", "blocked", "stale", "missing");
  for (size_t i = 0; i < r.jobs.size(); ++i) {
    const JobDates& j = r.jobs[i];
    const ledger::JobPlan& jp = r.plan.jobs[i];
    if (!j.has_units)
      out += fmt::format("  {:<30} {:>10}\n", j.job, "not run");
    else
      out += fmt::format("  {:<30} {:>10} {:>8} {:>7} {:>7} {:>6} {:>7}\n", j.job, j.successful,
                         j.skipped, j.failed, j.blocked, jp.stale, jp.missing);
  }
  if (r.scored_feature_rows == 0)
    out += "Feature quality: no scored feature rows in range\n";
  else
    out += fmt::format("Mean feature quality: {:.2f} over {} feature rows\n",
                       r.mean_feature_quality, r.feature_rows);
  AppendSignal(r.signal, &out);
  const std::vector<Problem> problems = FailedAndBlocked(r);
  if (!problems.empty()) {
    out += fmt::format("Failed and blocked units ({}):\n", problems.size());
    for (size_t i = 0; i < problems.size() && i < max_problems; ++i) {
      const Problem& p = problems[i];
      out +=
          fmt::format("  #{} {} {} {}: {}\n", p.job->order, p.job->name, FormatDate(p.unit->date),
                      UnitActionName(p.unit->action), OneLine(p.unit->reason));
    }
    if (problems.size() > max_problems)
      out += fmt::format("  ... and {} more (`phase4 status` lists them all)\n",
                         problems.size() - max_problems);
  }
  out += rule + "\n";
  return out;
}

}  // namespace phase4::report
