#include "backfill/backfill_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <thread>

#include "backfill/checkpoint.h"
#include "backfill/date_board.h"
#include "backfill/dependency_check.h"
#include "backfill/progress.h"
#include "common/bounded_queue.h"
#include "live/run_history.h"
#include "phase3/schedule_store.h"
#include "processors/common/shared_seasons.h"
#include "processors/common/upstream_rows.h"
#include "processors/common/writer.h"
#include "processors/registry.h"
#include "processors/run.h"
#include "tableio/csv.h"

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
  // Failed because the warehouse's storage failed, not the date's data: the
  // run stops and the date is not recorded.
  bool storage = false;
};

// A date computed and ready to write (kSuccess), or already decided
// (skipped, or failed with `error`).
struct PreparedDate {
  Date date{};
  DateResult::Kind kind = DateResult::kFailed;
  std::vector<Row> rows;  // finished rows, for kSuccess
  std::string error;
  std::string started_at;  // when the date's computation began
  bool storage = false;    // as DateResult::storage
};

class BackfillRun {
 public:
  BackfillRun(Warehouse& wh, const BackfillOptions& o, const ProcessorInfo& info,
              const SeasonCalendar& calendar, std::FILE* out)
      : wh_(wh), o_(o), info_(info), calendar_(calendar), out_(out), history_(wh) {}

  // Computes one date (not in dry-run mode) on the reading connection: the
  // dependency check, the inputs, the processor and the finishing of its
  // rows (data_hash, rounding, processed_at). Nothing is written here.
  PreparedDate PrepareDate(Date d, Warehouse& read_wh, processors::InputReader& reader) {
    PreparedDate p{d, DateResult::kFailed, {}, "", NowTimestampUtc()};
    if (calendar_.IsBootstrap(d)) {
      p.kind = DateResult::kSkippedBootstrap;
      return p;
    }
    auto deps = CheckDependencies(read_wh, calendar_, info_, d, o_.upstream_rows);
    if (!deps.ok() || !deps->ok()) {
      p.error = EscapeInvalidUtf8(deps.ok() ? deps->error : deps.status().message());
      p.storage = !deps.ok() && deps.status().code() == Status::Code::kStorage;
      return p;
    }
    auto rows = processors::ComputeDate(reader, info_, d);
    Status s = rows.ok()
                   ? processors::FinalizeRows(info_, d, *rows, NowTimestampUtc())
                   : rows.status().WithContext(fmt::format("{} {}", info_.name, FormatDate(d)));
    if (!s.ok()) {
      // Errors may quote stored Phase 3 text, which a damaged warehouse can
      // fill with any bytes; the log and the checkpoint get valid UTF-8.
      p.error = EscapeInvalidUtf8(s.message());
      p.storage = s.code() == Status::Code::kStorage;
      return p;
    }
    p.kind = DateResult::kSuccess;
    p.rows = std::move(rows).value();
    return p;
  }

  // Writes a prepared date on the main connection: the run history's start
  // row, the date's rows in one transaction (decision 12), the final row.
  DateResult WriteDate(PreparedDate& p) {
    if (p.kind == DateResult::kSkippedBootstrap) return {DateResult::kSkippedBootstrap, 0, ""};
    live::RunInfo run{
        info_.name,
        "phase_4_precompute",
        p.date,
        "backfill",
        R"({"backfill_mode":true,"skip_downstream_trigger":true,"strict_mode":false})",
        p.started_at};
    auto run_id = history_.Start(run);
    if (!run_id.ok())
      return {DateResult::kFailed, 0, run_id.status().message(),
              run_id.status().code() == Status::Code::kStorage};
    DateResult r{p.kind, 0, p.error, p.storage};
    if (p.kind == DateResult::kSuccess) {
      Status s = wh_.ReplaceDate(*info_.output, p.date, p.rows)
                     .WithContext(fmt::format("writing {} for {}", info_.output->FullName(),
                                              FormatDate(p.date)));
      if (s.ok()) {
        r.rows = static_cast<int64_t>(p.rows.size());
        // Committed: the downstream jobs of the run may take these rows.
        if (o_.upstream_rows) o_.upstream_rows->Publish(info_, p.date, std::move(p.rows));
      } else {
        r = {DateResult::kFailed, 0, s.message(), s.code() == Status::Code::kStorage};
      }
    }
    (void)history_.Finish(*run_id, run,
                          {r.kind == DateResult::kSuccess ? "success" : "failed", r.rows, r.error});
    return r;
  }

  // Dates are computed on a second connection by a preparing thread while
  // this thread writes the previous ones: on two cores the compute of D+1
  // overlaps the transaction and checkpoint fsync of D. Dates are written
  // and checkpointed strictly in order, so a crash loses at most the dates
  // computed but not yet written, which a resume recomputes.
  class Pipeline {
   public:
    Pipeline(BackfillRun& run, std::vector<Date> dates) : queue_(kDepth) {
      auto read_wh = run.wh_.Connect();
      if (!read_wh.ok()) {
        open_error_ = read_wh.status().message();
        queue_.Close();
        return;
      }
      thread_ = std::thread([this, &run, dates = std::move(dates),
                             wh = std::move(read_wh).value()]() mutable {
        processors::InputReader reader(*wh, run.calendar_);
        if (run.o_.seasons) reader.ShareSeasons(run.o_.seasons);
        if (run.o_.upstream_rows) reader.ShareUpstreamRows(run.o_.upstream_rows);
        // What a season load reads for this job (a bad declaration fails
        // each date through InputsFor; the read-ahead is then skipped).
        const auto reads = processors::Phase3Reads({&run.info_});
        int read_ahead_from = 0;  // the season whose successor is being read ahead
        for (size_t i = 0; i < dates.size(); ++i) {
          auto stopped = [&] { return stop_.load() || run.StopRequested(); };
          if (stopped()) break;
          if (!run.WaitForUpstreams(dates[i], stopped, &stopped_because_)) break;
          PreparedDate prepared = run.PrepareDate(dates[i], *wh, reader);
          if (run.o_.upstream_rows) run.o_.upstream_rows->Passed(run.info_.name, dates[i]);
          // Once a season's inputs are loaded, the next season of the
          // range is read in the background while this one computes.
          const int season = SeasonYearOf(dates[i]);
          if (reader.loaded_season() == season && read_ahead_from != season) {
            read_ahead_from = season;
            auto next = std::find_if(dates.begin() + static_cast<std::ptrdiff_t>(i), dates.end(),
                                     [&](Date d) { return SeasonYearOf(d) > season; });
            if (next != dates.end() && reads.ok()) reader.Prefetch(SeasonYearOf(*next), *reads);
          }
          if (!queue_.Push(std::move(prepared))) break;
        }
        queue_.Close();
      });
    }
    ~Pipeline() {
      stop_ = true;
      queue_.Close();
      if (thread_.joinable()) thread_.join();
    }
    // The next prepared date, in order; nullopt at the end (or on an
    // interruption, or when the reading connection could not open).
    std::optional<PreparedDate> Next() { return queue_.Pop(); }
    const std::string& open_error() const { return open_error_; }
    // Why the dates stopped before the end when an upstream job of an
    // in-process run-all did not settle one (empty otherwise). Read after
    // Next() returned nullopt.
    const std::string& stopped_because() const { return stopped_because_; }

   private:
    // Dates computed ahead at most: enough to absorb the uneven cost of
    // dates (a season's first date waits for its inputs) on either side.
    static constexpr size_t kDepth = 16;
    BoundedQueue<PreparedDate> queue_;
    std::atomic<bool> stop_{false};
    std::string open_error_;
    std::string stopped_because_;
    std::thread thread_;
  };

  bool StopRequested() const {
    return (o_.stop_requested && o_.stop_requested->load()) ||
           (o_.storage_failed && o_.storage_failed->load());
  }

  // In an in-process run-all: announces d's season to the shared seasons,
  // then waits until the upstream jobs have settled d (bootstrap dates read
  // nothing) or `stopped()`. False when d is not to be computed; `why` then
  // says why, unless it was a stop.
  bool WaitForUpstreams(Date d, const std::function<bool()>& stopped, std::string* why) {
    if (o_.seasons) o_.seasons->MoveTo(SeasonYearOf(d));
    if (!o_.board || calendar_.IsBootstrap(d)) return true;
    std::optional<std::string> refused = o_.board->WaitForUpstreams(info_, d, stopped);
    if (refused && !stopped())
      *why = fmt::format("{} cannot be computed: {}", FormatDate(d), *refused);
    return !refused;
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
    // Upstream rows of dates before the first pending one are not for us.
    if (o_.upstream_rows && !todo.empty())
      o_.upstream_rows->Passed(info_.name, todo.front() - std::chrono::days{1});
    fmt::print(out_, "Processing {} days (of {} total)\n", todo.size(), all_dates.size());
    ProgressReporter progress(static_cast<int>(todo.size()), out_, o_.live_bar);
    Pipeline pipeline(*this, todo);
    int n = 0;
    std::string storage_error;  // the storage failure that stopped the run
    std::optional<Date> storage_date;
    while (auto prepared = pipeline.Next()) {
      if (StopRequested()) break;
      Date d = prepared->date;
      ++n;
      progress.Line(fmt::format("Processing day {}/{}: {}", n, todo.size(), FormatDate(d)));
      DateResult r = WriteDate(*prepared);
      if (r.kind == DateResult::kFailed && r.storage) {
        // Not the date's fault: it is not recorded (the same command
        // resumes at it) and no later date is tried.
        storage_error = r.error;
        storage_date = d;
        if (o_.storage_failed) *o_.storage_failed = true;
        --n;
        break;
      }
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
        fmt::print(o_.err, "error: cannot save the checkpoint: {}\n", saved.message());
        return kExitStorage;
      }
      progress.DateDone(tally.successful, tally.failed, tally.skipped);
    }
    progress.Finish();
    // The checkpoint saves in the background: the summary is printed once
    // the last one is durable.
    if (Status flushed = checkpoint ? checkpoint->Flush() : Status::OK(); !flushed.ok()) {
      fmt::print(o_.err, "error: cannot save the checkpoint: {}\n", flushed.message());
      return kExitStorage;
    }
    if (!pipeline.open_error().empty()) {
      fmt::print(o_.err, "error: {}\n", pipeline.open_error());
      return kExitFatal;
    }
    bool interrupted = n < static_cast<int>(todo.size());
    PrintSummary(all_dates, tally, progress.rate_per_second());
    if (storage_date) {
      // One message for the run; the summary (stdout) comes first in a
      // shared log.
      std::fflush(out_);
      fmt::print(o_.err,
                 "error: storage failure, stopped at {}: {}\n"
                 "  {} was not recorded; fix the cause (free space, permissions, or restore the "
                 "file) and run the same command again to resume from it.\n",
                 FormatDate(*storage_date), storage_error, FormatDate(*storage_date));
      return kExitStorage;
    }
    if (interrupted && !pipeline.stopped_because().empty()) {
      fmt::print(out_, "Stopped: {}; the dates before it are done.\n", pipeline.stopped_because());
      return kExitFatal;
    }
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
      // Every option that changes what a date does: --dates never reads a
      // checkpoint, but the bootstrap period decides which dates are skipped.
      fmt::print(out_, "  {} backfill {} --dates {} --bootstrap-days {}\n", o_.command_prefix,
                 info_.name, fmt::join(list, ","), o_.bootstrap_days);
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
        fmt::print(o_.err, "error: {}\n", deps.status().message());
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
  live::RunHistory history_;
};

}  // namespace

std::string ShellQuote(const std::string& arg) {
  bool safe = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_-./:=,@%+", c);
  });
  if (safe) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int RunBackfill(Warehouse& wh, const BackfillOptions& o, std::FILE* out) {
  const ProcessorInfo* info = processors::FindProcessor(o.job);
  if (!info) {
    fmt::print(o.err, "error: unknown job '{}' (jobs: {})\n", o.job, processors::ProcessorNames());
    return kExitFatal;
  }
  auto calendar = ReadCalendar(wh, o.bootstrap_days);
  if (!calendar.ok()) {
    fmt::print(o.err, "error: {}\n", calendar.status().message());
    return kExitFatal;
  }
  BackfillRun run(wh, o, *info, *calendar, out);

  if (!o.dates.empty()) {
    // --dates: exactly these dates, in the order given; no checkpoint.
    if (o.dry_run) return run.DryRun(o.dates);
    return run.Run(o.dates, nullptr);
  }
  if (o.start > o.end) {
    fmt::print(o.err, "error: Start date must be before end date\n");
    return kExitFatal;
  }
  std::vector<Date> dates = calendar->GameDates(o.start, o.end);
  if (o.status) {
    std::vector<std::string> warnings;
    auto state = Checkpoint::Inspect(o.checkpoint_dir, info->name, o.start, o.end, &warnings);
    if (!state.ok()) {
      fmt::print(o.err, "error: {}\n", state.status().message());
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
  copts.background_saves = true;
  if (o.board)
    copts.on_saved = [board = o.board, job = info->name](Date d, bool failed) {
      board->Settle(job, d, failed);
    };
  auto checkpoint = Checkpoint::Open(o.checkpoint_dir, info->name, o.start, o.end,
                                     static_cast<int>(dates.size()), copts);
  if (!checkpoint.ok()) {
    fmt::print(o.err, "error: {}\n", checkpoint.status().message());
    return kExitFatal;
  }
  for (const auto& w : checkpoint->warnings()) fmt::print(o.err, "warning: {}\n", w);
  // The dates this run will settle; the others are done (or none is, when
  // the job ends before this point: the board then refuses them all).
  if (o.board) o.board->Plan(info->name, checkpoint->PendingDates(dates));
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
