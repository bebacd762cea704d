// `phase4 process JOB --analysis-date D`: runs one processor for one date in
// live mode (decision 23, src/live/live_run.h) or, with --backfill-mode, the
// way a backfill does. JOB `all` runs the five in execution order for D in
// one process, sharing one read of the season's inputs (the nightly run),
// and stops at the first that does not succeed.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "calendar/season_calendar.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "live/live_run.h"
#include "phase3/schedule_store.h"
#include "execution/input_reader.h"
#include "processors/common/season_inputs.h"
#include "processors/registry.h"
#include "warehouse/warehouse.h"

namespace phase4::cli {

namespace {

struct ProcessOptions {
  std::string job;
  std::string analysis_date;
  bool backfill_mode = false;
  bool skip_downstream_trigger = false;
  bool no_strict = false;
  int bootstrap_days = kDefaultBootstrapDays;
};

// Prints the outcome of one processor's run; returns its exit status.
int ReportOutcome(const live::LiveResult& r, const std::string& label,
                  const SeasonCalendar& calendar, Date date, int bootstrap_days) {
  using Outcome = live::LiveResult::Outcome;
  switch (r.outcome) {
    case Outcome::kSuccess:
      fmt::print("{}: {} rows written\n", label, r.rows);
      return 0;
    case Outcome::kBootstrap: {
      const Date opening = calendar.OpeningNight(SeasonYearOf(date));
      fmt::print(
          "{}: Bootstrap period skipped (day {} of the first {} days from opening night {}); "
          "nothing written\n",
          label, DaysBetween(opening, date), bootstrap_days, FormatDate(opening));
      return 0;
    }
    case Outcome::kBlocked:
      ReportError(fmt::format("{}: BLOCKED: {}", label, r.message));
      return 1;
    case Outcome::kRejected:
    case Outcome::kFailed:
      break;
  }
  ReportError(fmt::format("{}: {}", label, r.message));
  return 1;
}

int RunProcess(const ProcessOptions& o, const GlobalOptions& g) {
  std::vector<const processors::ProcessorInfo*> jobs;
  if (o.job == "all") {
    jobs = processors::AllProcessors();
  } else if (const processors::ProcessorInfo* info = processors::FindProcessor(o.job)) {
    jobs.push_back(info);
  } else {
    ReportError(
        fmt::format("unknown job '{}' (jobs: {}, or all)", o.job, processors::ProcessorNames()));
    return 1;
  }
  std::optional<Date> date = ParseDate(o.analysis_date);
  if (!date) {
    ReportError(fmt::format("invalid --analysis-date '{}' (expected YYYY-MM-DD)", o.analysis_date));
    return 1;
  }
  std::unique_ptr<Warehouse> wh = OpenWarehouseOrReport(g, /*create=*/false);
  if (!wh) return 1;
  auto calendar = phase3::ReadCalendar(*wh, o.bootstrap_days);
  if (!calendar.ok()) {
    ReportError("reading the schedule: " + calendar.status().message());
    return 1;
  }
  const int season = SeasonYearOf(*date);
  if (auto warning = calendar->OpeningNightWarning(season))
    fmt::print(stderr, "warning: {}\n", *warning);

  live::LiveOptions options;
  options.backfill_mode = o.backfill_mode;
  options.skip_downstream_trigger = o.skip_downstream_trigger;
  options.strict_mode = !o.no_strict;
  options.today = TodayUtc();
  // $PHASE4_TODAY replaces the clock (replays, tests).
  if (const char* today = std::getenv("PHASE4_TODAY"); today && *today) {
    auto t = ParseDate(today);
    if (!t) {
      ReportError(fmt::format("PHASE4_TODAY='{}' is not a date (YYYY-MM-DD)", today));
      return 1;
    }
    options.today = *t;
  }
  execution::InputReader reader(*wh, *calendar, *date);
  if (jobs.size() > 1 && !calendar->IsBootstrap(*date)) {
    // Every table any of the jobs reads, with the columns any of them
    // reads, loaded at once (in parallel).
    auto reads = execution::Phase3Reads(jobs);
    auto loaded = reads.ok() ? reader.Season(SeasonYearOf(*date), *reads)
                             : Result<const processors::SeasonInputs*>(reads.status());
    if (!loaded.ok()) {
      ReportError(fmt::format("reading the inputs of {}: {}", FormatDate(*date),
                              loaded.status().message()));
      return 1;
    }
  }
  for (const processors::ProcessorInfo* info : jobs) {
    live::LiveResult r = live::RunLive(reader, *info, *date, options, stdout);
    const std::string label = fmt::format("{} {}", info->name, FormatDate(*date));
    if (int status = ReportOutcome(r, label, *calendar, *date, o.bootstrap_days); status != 0)
      return status;
  }
  return 0;
}

}  // namespace

void AddProcessCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto o = std::make_shared<ProcessOptions>();
  CLI::App* cmd = app.add_subcommand("process", "Run one Phase 4 processor for one date");
  cmd->add_option("job", o->job, "Job name (" + processors::ProcessorNames() + ", or all)")
      ->required();
  cmd->add_option("--analysis-date", o->analysis_date, "Date to process, YYYY-MM-DD")->required();
  cmd->add_flag("--backfill-mode", o->backfill_mode,
                "Backfill mode: no historical-date rejection, no alerts, no completion message");
  cmd->add_flag("--skip-downstream-trigger", o->skip_downstream_trigger,
                "Do not publish the completion message");
  cmd->add_flag("--no-strict", o->no_strict, "Skip the defensive checks");
  cmd->add_option("--bootstrap-days", o->bootstrap_days,
                  "Bootstrap period length in days (default 7)")
      ->check(CLI::Range(0, 60));
  cmd->footer(
      "Live mode (the nightly run): checks the inputs of the date, computes the job's rows, "
      "writes them with the unit's ledger record, and publishes the completion message unless "
      "--backfill-mode or --skip-downstream-trigger.\n"
      "Examples:\n"
      "  phase4 process team_defense_zone_analysis --analysis-date 2024-01-15\n"
      "  phase4 process all --analysis-date 2024-01-15 --backfill-mode\n"
      "Exit status: 0 written (or a bootstrap date skipped), 64 usage error, 1 the date failed "
      "or any other error.");
  cmd->callback([o, &g, action] { *action = [o, &g] { return RunProcess(*o, g); }; });
}

}  // namespace phase4::cli
