#include "backfill/backfill_job.h"

#include <fmt/format.h>

#include <chrono>
#include <map>

#include "backfill/checkpoint.h"
#include "backfill/dependency_check.h"
#include "backfill/progress.h"
#include "live/run_history.h"
#include "phase3/schedule_store.h"
#include "processors/registry.h"
#include "processors/run.h"

namespace phase4 {

namespace {

using processors::ProcessorInfo;

const std::string kRule80(80, '=');

// Where each date ended up, for the summary.
struct Tally {
  int successful = 0, failed = 0, skipped = 0;
  int64_t rows_written = 0;
  std::map<Date, std::string> failures;  // date -> error text
};

// What a date's processing produced.
struct DateResult {
  enum Kind { kSuccess, kSkippedBootstrap, kFailed } kind;
  int64_t rows = 0;
  std::string error;
};

class BackfillRun {
 public:
  BackfillRun(Warehouse& wh, const BackfillOptions& o, const ProcessorInfo& info,
              const SeasonCalendar& calendar, std::FILE* out)
      : wh_(wh),
        o_(o),
        info_(info),
        calendar_(calendar),
        out_(out),
        reader_(wh, calendar),
        history_(wh) {}

  // Processes one date (not in dry-run mode).
  DateResult ProcessDate(Date d) {
    if (calendar_.IsBootstrap(d)) return {DateResult::kSkippedBootstrap, 0, ""};
    live::RunInfo run{
        info_.name, "phase_4_precompute", d, "backfill",
        R"({"backfill_mode":true,"skip_downstream_trigger":true,"strict_mode":false})"};
    auto run_id = history_.Start(run);
    auto finish = [&](const DateResult& r) {
      if (run_id.ok())
        (void)history_.Finish(
            *run_id, run, {r.kind == DateResult::kSuccess ? "success" : "failed", r.rows, r.error});
      return r;
    };
    if (!run_id.ok()) return {DateResult::kFailed, 0, run_id.status().message()};
    auto deps = CheckDependencies(wh_, calendar_, info_, d);
    if (!deps.ok()) return finish({DateResult::kFailed, 0, deps.status().message()});
    if (!deps->ok()) return finish({DateResult::kFailed, 0, deps->error});
    processors::RunOptions ro;
    ro.backfill_mode = true;  // decision 15
    ro.skip_downstream_trigger = true;
    ro.strict_mode = false;
    auto outcome = processors::RunProcessorDate(reader_, info_, d, ro);
    if (!outcome.ok()) return finish({DateResult::kFailed, 0, outcome.status().message()});
    return finish({DateResult::kSuccess, outcome->rows_written, ""});
  }

  int Run(const std::vector<Date>& all_dates, Checkpoint* checkpoint) {
    std::vector<Date> todo = checkpoint ? checkpoint->PendingDates(all_dates) : all_dates;
    Tally tally;
    if (checkpoint) {
      const auto& s = checkpoint->state();
      tally.successful = s.successful();
      tally.failed = s.failed();
      tally.skipped = s.skipped();
      tally.failures = s.failed_errors();
      // Failed dates about to be retried leave the tally until they end again.
      for (Date d : todo)
        if (tally.failures.erase(d)) --tally.failed;
    }
    if (checkpoint && checkpoint->resumed() && todo.size() < all_dates.size())
      fmt::print(out_, "Resuming from checkpoint {} (last success: {})\n",
                 checkpoint->path().string(),
                 checkpoint->LastSuccessfulDate() ? FormatDate(*checkpoint->LastSuccessfulDate())
                                                  : "none");
    fmt::print(out_, "Processing {} days (of {} total)\n", todo.size(), all_dates.size());
    ProgressReporter progress(static_cast<int>(todo.size()), out_, o_.live_bar);
    bool interrupted = false;
    int n = 0;
    for (Date d : todo) {
      if (o_.stop_requested && o_.stop_requested->load()) {
        interrupted = true;
        break;
      }
      ++n;
      progress.Line(fmt::format("Processing day {}/{}: {}", n, todo.size(), FormatDate(d)));
      DateResult r = ProcessDate(d);
      Status saved;
      switch (r.kind) {
        case DateResult::kSuccess:
          ++tally.successful;
          tally.rows_written += r.rows;
          progress.Line(fmt::format("  ✓ Success: {} rows written", r.rows));
          if (checkpoint) saved = checkpoint->MarkSuccess(d);
          break;
        case DateResult::kSkippedBootstrap:
          ++tally.skipped;
          progress.Line(fmt::format("  ⏭ Bootstrap period skipped: {}", FormatDate(d)));
          if (checkpoint) saved = checkpoint->MarkSkipped(d);
          break;
        case DateResult::kFailed:
          ++tally.failed;
          tally.failures[d] = r.error;
          progress.Line(fmt::format("  ✗ Failed: {}", r.error));
          if (checkpoint) saved = checkpoint->MarkFailed(d, r.error);
          break;
      }
      if (!saved.ok()) {
        progress.Finish();
        fmt::print(stderr, "error: cannot save the checkpoint: {}\n", saved.message());
        return kExitFatal;
      }
      progress.DateDone(tally.successful, tally.failed, tally.skipped);
    }
    progress.Finish();
    PrintSummary(all_dates, tally, progress.rate_per_second());
    if (interrupted) {
      fmt::print(
          out_,
          "Interrupted before all dates were processed; run the same command again to resume.\n");
      return kExitFatal;
    }
    return tally.failed ? kExitDatesFailed : kExitOk;
  }

  void PrintSummary(const std::vector<Date>& all_dates, const Tally& t, double rate) {
    fmt::print(out_, "{}\n", kRule80);
    fmt::print(out_, "PHASE 4 BACKFILL SUMMARY - {}:\n", info_.name);
    if (o_.dates.empty())
      fmt::print(out_, "  Date range: {} to {}\n", FormatDate(o_.start), FormatDate(o_.end));
    else
      fmt::print(out_, "  Dates: {} given with --dates\n", o_.dates.size());
    fmt::print(out_, "  Total days: {}\n", all_dates.size());
    fmt::print(out_, "  Successful: {}\n", t.successful);
    fmt::print(out_, "  Skipped (bootstrap): {}\n", t.skipped);
    fmt::print(out_, "  Failed: {}\n", t.failed);
    int attempted = t.successful + t.failed;
    if (attempted > 0)
      fmt::print(out_, "  Success rate: {:.1f}%\n", 100.0 * t.successful / attempted);
    fmt::print(out_, "  Rows written this run: {}\n", t.rows_written);
    fmt::print(out_, "  Rate: {:.1f} dates/s\n", rate);
    if (!t.failures.empty()) {
      fmt::print(out_, "  Failed dates:\n");
      std::vector<std::string> list;
      for (const auto& [d, err] : t.failures) {
        fmt::print(out_, "    {}: {}\n", FormatDate(d), err);
        list.push_back(FormatDate(d));
      }
      fmt::print(out_, "To retry failed days, use --dates parameter:\n");
      fmt::print(out_, "  {} backfill {} --dates {}\n", o_.command_prefix, info_.name,
                 fmt::join(list, ","));
    }
    fmt::print(out_, "{}\n", kRule80);
  }

  int DryRun(const std::vector<Date>& dates) {
    fmt::print(out_, "DRY RUN - checking the inputs of {} for {} dates (nothing is written)\n",
               info_.name, dates.size());
    int ready = 0, missing = 0, bootstrap = 0;
    for (Date d : dates) {
      if (calendar_.IsBootstrap(d)) {
        ++bootstrap;
        fmt::print(out_, "  {}: Bootstrap period skipped\n", FormatDate(d));
        continue;
      }
      auto deps = CheckDependencies(wh_, calendar_, info_, d);
      if (!deps.ok()) {
        fmt::print(stderr, "error: {}\n", deps.status().message());
        return kExitFatal;
      }
      if (deps->ok()) {
        ++ready;
        fmt::print(out_, "  {}: ✓ inputs available\n", FormatDate(d));
      } else {
        ++missing;
        fmt::print(out_, "  {}: ✗ {}\n", FormatDate(d), deps->error);
      }
    }
    fmt::print(out_, "Dry run: {} dates ready, {} missing inputs, {} bootstrap\n", ready, missing,
               bootstrap);
    return kExitOk;
  }

 private:
  Warehouse& wh_;
  const BackfillOptions& o_;
  const ProcessorInfo& info_;
  const SeasonCalendar& calendar_;
  std::FILE* out_;
  processors::InputReader reader_;
  live::RunHistory history_;
};

}  // namespace

int RunBackfill(Warehouse& wh, const BackfillOptions& o, std::FILE* out) {
  const ProcessorInfo* info = processors::FindProcessor(o.job);
  if (!info) {
    fmt::print(stderr, "error: unknown job '{}' (jobs: {})\n", o.job, processors::ProcessorNames());
    return kExitFatal;
  }
  auto calendar = ReadCalendar(wh, o.bootstrap_days);
  if (!calendar.ok()) {
    fmt::print(stderr, "error: {}\n", calendar.status().message());
    return kExitFatal;
  }
  BackfillRun run(wh, o, *info, *calendar, out);

  if (!o.dates.empty()) {
    // --dates: exactly these dates, in the order given; no checkpoint.
    if (o.dry_run) return run.DryRun(o.dates);
    return run.Run(o.dates, nullptr);
  }
  if (o.start > o.end) {
    fmt::print(stderr, "error: Start date must be before end date\n");
    return kExitFatal;
  }
  std::vector<Date> dates = calendar->GameDates(o.start, o.end);
  if (o.status) {
    std::vector<std::string> warnings;
    auto state = Checkpoint::Inspect(o.checkpoint_dir, info->name, o.start, o.end, &warnings);
    if (!state.ok()) {
      fmt::print(stderr, "error: {}\n", state.status().message());
      return kExitFatal;
    }
    fmt::print(
        out, "{}",
        FormatCheckpointStatus(Checkpoint::PathFor(o.checkpoint_dir, info->name, o.start, o.end),
                               info->name, o.start, o.end, *state, dates));
    return kExitOk;
  }
  if (o.dry_run) return run.DryRun(dates);

  Checkpoint::Options copts;
  copts.resume = !o.no_resume;
  auto checkpoint = Checkpoint::Open(o.checkpoint_dir, info->name, o.start, o.end,
                                     static_cast<int>(dates.size()), copts);
  if (!checkpoint.ok()) {
    fmt::print(stderr, "error: {}\n", checkpoint.status().message());
    return kExitFatal;
  }
  for (const auto& w : checkpoint->warnings()) fmt::print(stderr, "warning: {}\n", w);
  fmt::print(out, "Phase 4 precompute backfill: {} ({}/{}), {} to {}, {} game dates\n", info->name,
             info->order, processors::AllProcessors().size(), FormatDate(o.start),
             FormatDate(o.end), dates.size());
  fmt::print(out, "Checkpoint: {}\n", checkpoint->path().string());
  if (checkpoint->IsComplete(dates)) {
    fmt::print(out, "COMPLETE: every game date of {} to {} is already processed; nothing to do.\n",
               FormatDate(o.start), FormatDate(o.end));
    fmt::print(out, "(Use --no-resume to process the range again.)\n");
    return kExitOk;
  }
  return run.Run(dates, &*checkpoint);
}

}  // namespace phase4
