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
#include "backfill/job_events.h"
#include "backfill/plan_report.h"
#include "backfill/progress.h"
#include "backfill/run_console.h"
#include "backfill/shared_seasons.h"
#include "backfill/unit_work.h"
#include "backfill/upstream_rows.h"
#include "common/bounded_queue.h"
#include "env/env.h"
#include "execution/dependency_check.h"
#include "execution/run_date.h"
#include "ledger/fingerprint.h"
#include "ledger/ledger.h"
#include "ledger/plan.h"
#include "live/run_history.h"
#include "phase3/schedule_store.h"
#include "processors/common/writer.h"
#include "processors/registry.h"
#include "tableio/csv.h"

namespace phase4::backfill {

namespace {

using processors::ProcessorInfo;

const std::string kRule80(80, '=');

using Outcome = PreparedOutcome;
using PreparedDate = PreparedUnit;

struct DateResult {
  Outcome kind;
  int64_t rows = 0;
  std::string error;
  bool storage = false;
};

class BackfillRun {
 public:
  BackfillRun(Warehouse& wh, const BackfillOptions& o, const ProcessorInfo& info,
              const SeasonCalendar& calendar, const ledger::Plan& plan,
              const ledger::JobPlan& job_plan)
      : wh_(wh),
        o_(o),
        info_(info),
        calendar_(calendar),
        job_plan_(job_plan),
        work_(info, calendar, *plan.fingerprinter, o.upstream_rows),
        history_(wh) {}

  // Writes a prepared unit on the main connection: the run history's start
  // row, the unit's rows and its ledger record in one transaction (decision
  // 12), the final row. A unit that writes no rows records only its state.
  DateResult WriteDate(PreparedDate& p) {
    switch (p.kind) {
      case Outcome::kUpToDate:
        return {Outcome::kUpToDate, 0, "", false};
      case Outcome::kSkippedBootstrap: {
        if (p.unit && p.unit->record && p.unit->record->state == ledger::UnitState::kSkipped)
          return {Outcome::kSkippedBootstrap, 0, "", false};
        Status s = ledger::RecordUnit(wh_, info_,
                                      SettledRecord(info_, p, ledger::UnitState::kSkipped, ""));
        if (!s.ok()) return {Outcome::kFailed, 0, s.message(), s.code() == Status::Code::kStorage};
        return {Outcome::kSkippedBootstrap, 0, "", false};
      }
      default:
        break;
    }
    if (p.storage) return {Outcome::kFailed, 0, p.error, true};
    const live::RunInfo run = HistoryRun(info_, p);
    auto run_id = history_.Start(run);
    if (!run_id.ok())
      return {Outcome::kFailed, 0, run_id.status().message(),
              run_id.status().code() == Status::Code::kStorage};
    DateResult r{p.kind, 0, p.error, false};
    if (p.kind == Outcome::kSuccess) {
      ledger::UnitRecord rec = SucceededRecord(info_, p, *run_id);
      auto unit_row = ledger::UnitRow(info_, rec);
      Status s = unit_row.ok()
                     ? (p.delta ? wh_.ReplaceDateDelta(*info_.output, p.date, p.rows, *p.delta,
                                                       {*unit_row})
                                : wh_.ReplaceDate(*info_.output, p.date, p.rows, {*unit_row}))
                           .WithContext(fmt::format("writing {} for {}", info_.output->FullName(),
                                                    FormatDate(p.date)))
                     : unit_row.status();
      if (s.ok()) {
        r.rows = rec.rows_written;
        // Committed: the downstream jobs of the run may take these rows.
        if (o_.upstream_rows) o_.upstream_rows->Publish(info_, p.date, std::move(p.rows));
      } else {
        r = {Outcome::kFailed, 0, s.message(), s.code() == Status::Code::kStorage};
      }
    } else {
      Status s =
          ledger::RecordUnit(wh_, info_,
                             SettledRecord(info_, p,
                                           p.kind == Outcome::kBlocked ? ledger::UnitState::kBlocked
                                                                       : ledger::UnitState::kFailed,
                                           *run_id));
      if (!s.ok()) r = {Outcome::kFailed, 0, s.message(), s.code() == Status::Code::kStorage};
    }
    (void)history_.Finish(*run_id, run, {std::string(HistoryStatus(r.kind)), r.rows, r.error});
    return r;
  }

  // Units are decided on a second connection by a preparing thread while
  // this thread writes the previous ones: on two cores the compute of D+1
  // overlaps the transaction of D. Units are written strictly in order, so
  // a crash loses at most the units computed but not yet written, which the
  // same command computes again.
  class Pipeline {
   public:
    Pipeline(BackfillRun& run, std::vector<const ledger::UnitPlan*> units) : queue_(kDepth) {
      auto read_wh = run.wh_.Connect();
      if (!read_wh.ok()) {
        open_error_ = read_wh.status().message();
        queue_.Close();
        return;
      }
      thread_ = std::thread(
          [this, &run, units = std::move(units), wh = std::move(read_wh).value()]() mutable {
            execution::InputReader reader(*wh, run.calendar_);
            if (run.o_.seasons) reader.ShareSeasons(run.o_.seasons);
            if (run.o_.upstream_rows) reader.ShareUpstreamRows(run.o_.upstream_rows);
            // What a season load reads for this job (a bad declaration fails
            // each date through InputsFor; the read-ahead is then skipped).
            const auto reads = execution::Phase3Reads({&run.info_});
            int read_ahead_from = 0;  // the season whose successor is being read ahead
            for (size_t i = 0; i < units.size(); ++i) {
              const Date d = units[i]->date;
              auto stopped = [&] { return stop_.load() || run.StopRequested(); };
              if (stopped()) break;
              std::string refused;
              if (!run.WaitForUpstreams(d, stopped, &refused, &stopped_because_)) break;
              PreparedDate prepared = run.work_.Prepare(*units[i], *wh, reader, refused);
              if (run.o_.upstream_rows) run.o_.upstream_rows->Passed(run.info_.name, d);
              // Once a season's inputs are loaded, the next season with a unit
              // to compute is read in the background while this one computes.
              const int season = SeasonYearOf(d);
              if (reader.loaded_season() == season && read_ahead_from != season) {
                read_ahead_from = season;
                auto next = std::find_if(units.begin() + static_cast<std::ptrdiff_t>(i),
                                         units.end(), [&](const ledger::UnitPlan* u) {
                                           return SeasonYearOf(u->date) > season &&
                                                  u->action != ledger::UnitAction::kBlocked &&
                                                  u->action != ledger::UnitAction::kSkipped;
                                         });
                if (next != units.end() && reads.ok())
                  reader.Prefetch(SeasonYearOf((*next)->date), *reads);
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
    // The next prepared unit, in order; nullopt at the end (or on an
    // interruption, or when the reading connection could not open).
    std::optional<PreparedDate> Next() { return queue_.Pop(); }
    const std::string& open_error() const { return open_error_; }
    // Why the units stopped before the end when an upstream job of an
    // in-process run-all ended without settling one (empty otherwise). Read
    // after Next() returned nullopt.
    const std::string& stopped_because() const { return stopped_because_; }

   private:
    // Units decided ahead at most: enough to absorb the uneven cost of
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
  // nothing) or `stopped()`. False on a stop; otherwise `refused` says why
  // an upstream unit of d did not succeed (empty when all did).
  // An upstream job that ended without settling d (it stopped, or could
  // not start) stops this job too, with `stopped_because` saying why: d was
  // not attempted upstream, so it is not this job's to record.
  bool WaitForUpstreams(Date d, const std::function<bool()>& stopped, std::string* refused,
                        std::string* stopped_because) {
    if (o_.seasons) o_.seasons->MoveTo(SeasonYearOf(d));
    if (!o_.board || calendar_.IsBootstrap(d)) return true;
    bool ended = false;
    std::optional<std::string> why = o_.board->WaitForUpstreams(info_, d, stopped, &ended);
    if (stopped()) return false;
    if (why && ended) {
      *stopped_because = fmt::format("{} cannot be computed: {}", FormatDate(d), *why);
      return false;
    }
    if (why) *refused = *why;
    return true;
  }

  // Settles the job's pending units in order; the result's units are the
  // job's tally (units never reached count as planned).
  BackfillResult Run(const std::vector<Date>& all_dates, Checkpoint* checkpoint) {
    std::vector<const ledger::UnitPlan*> todo = job_plan_.Todo();
    JobTally tally = TallyBefore(job_plan_);
    JobEvents& ev = *o_.events;
    if (tally.up_to_date > 0)
      ev.Line(LineKind::kNote,
              fmt::format("Resuming: {} of {} dates are up to date in the warehouse's ledger",
                          tally.up_to_date, all_dates.size()));
    // Upstream rows of dates before the first pending one are not for us.
    if (o_.upstream_rows && !todo.empty())
      o_.upstream_rows->Passed(info_.name, todo.front()->date - std::chrono::days{1});
    ev.Line(LineKind::kNote,
            fmt::format("Processing {} days (of {} total)", todo.size(), all_dates.size()));
    ev.Started(static_cast<int>(all_dates.size()), static_cast<int>(todo.size()), tally);
    const auto started = std::chrono::steady_clock::now();
    Pipeline pipeline(*this, todo);
    size_t n = 0;
    std::string storage_error;  // the storage failure that stopped the run
    std::optional<Date> storage_date;
    while (auto prepared = pipeline.Next()) {
      if (StopRequested()) break;
      Date d = prepared->date;
      ev.Line(LineKind::kDetail,
              fmt::format("Processing day {}/{}: {}", n + 1, todo.size(), FormatDate(d)));
      DateResult r = WriteDate(*prepared);
      if (r.kind == Outcome::kFailed && r.storage) {
        // Not the unit's fault: it is not recorded (the same command
        // resumes at it) and no later unit is tried.
        storage_error = r.error;
        storage_date = d;
        if (o_.storage_failed) *o_.storage_failed = true;
        break;
      }
      ++n;
      Status saved;
      UnitOutcome outcome = UnitOutcome::kFailed;
      switch (r.kind) {
        case Outcome::kSuccess:
          outcome = UnitOutcome::kComputed;
          ev.Line(LineKind::kDetail, fmt::format("  ✓ Success: {} rows written", r.rows));
          if (checkpoint) saved = checkpoint->MarkSuccess(d);
          break;
        case Outcome::kUpToDate:
          outcome = UnitOutcome::kUpToDate;
          ev.Line(LineKind::kDetail, "  ✓ Up to date: inputs unchanged");
          if (checkpoint) saved = checkpoint->MarkSuccess(d);
          break;
        case Outcome::kSkippedBootstrap:
          outcome = UnitOutcome::kSkipped;
          ev.Line(LineKind::kDetail,
                  fmt::format("  ⏭ Bootstrap period skipped: {}", FormatDate(d)));
          if (checkpoint) saved = checkpoint->MarkSkipped(d);
          break;
        case Outcome::kFailed:
          outcome = UnitOutcome::kFailed;
          ev.Line(LineKind::kDetail, fmt::format("  ✗ Failed: {}", r.error));
          if (checkpoint) saved = checkpoint->MarkFailed(d, r.error);
          break;
        case Outcome::kBlocked:
          outcome = UnitOutcome::kBlocked;
          ev.Line(LineKind::kDetail, fmt::format("  ⊘ Blocked: {}", r.error));
          if (checkpoint) saved = checkpoint->MarkFailed(d, "blocked: " + r.error);
          break;
      }
      tally.Add(d, outcome, r.rows, r.error);
      // Recorded in the ledger with its rows: downstream jobs may read it.
      if (o_.board)
        o_.board->Settle(info_.name, d,
                         outcome == UnitOutcome::kFailed || outcome == UnitOutcome::kBlocked);
      if (!saved.ok()) {
        ev.Ended(tally);
        return {Status::Storage("cannot save the checkpoint: " + saved.message()), tally};
      }
      ev.Settled(d, outcome, r.rows, r.error);
    }
    if (Status flushed = checkpoint ? checkpoint->Flush() : Status::OK(); !flushed.ok()) {
      ev.Ended(tally);
      return {Status::Storage("cannot save the checkpoint: " + flushed.message()), tally};
    }
    if (!pipeline.open_error().empty()) {
      ev.Ended(tally);
      // The job could not read its inputs at all: an error of the job,
      // whatever the connection's cause.
      return {Status::FailedPrecondition(pipeline.open_error()), tally};
    }
    const bool interrupted = n < todo.size();
    // Units never reached (an interruption) count as they were planned.
    for (size_t i = n; i < todo.size(); ++i) {
      if (todo[i]->action == ledger::UnitAction::kFailed)
        tally.Add(todo[i]->date, UnitOutcome::kFailed, 0, todo[i]->reason);
      else if (todo[i]->action == ledger::UnitAction::kBlocked)
        tally.Add(todo[i]->date, UnitOutcome::kBlocked, 0, todo[i]->reason);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    PrintSummary(all_dates, tally, seconds > 0 ? n / seconds : 0);
    ev.Ended(tally);
    if (storage_date) {
      BackfillResult stopped(Status::Storage(fmt::format("storage failure, stopped at {}: {}",
                                                         FormatDate(*storage_date), storage_error)),
                             tally);
      stopped.unrecorded_date = storage_date;
      return stopped;
    }
    if (interrupted && !pipeline.stopped_because().empty())
      return {Status::Aborted(fmt::format("Stopped: {}; the dates before it are done.",
                                          pipeline.stopped_because())),
              tally};
    if (interrupted)
      return {Status::Interrupted("Interrupted before all dates were processed; run the same "
                                  "command again to resume."),
              tally};
    if (tally.failed || tally.blocked)
      return {Status::Incomplete(
                  fmt::format("{} units failed and {} are blocked", tally.failed, tally.blocked)),
              tally};
    return {Status::OK(), tally};
  }

  // The operator document's summary block (decision 19), as the job's notes.
  void PrintSummary(const std::vector<Date>& all_dates, const JobTally& t, double rate) {
    std::vector<std::string> lines;
    lines.push_back(kRule80);
    lines.push_back(fmt::format("PHASE 4 BACKFILL SUMMARY - {}:", info_.name));
    if (o_.dates.empty())
      lines.push_back(
          fmt::format("  Date range: {} to {}", FormatDate(o_.start), FormatDate(o_.end)));
    else
      lines.push_back(fmt::format("  Dates: {} given with --dates", o_.dates.size()));
    lines.push_back(fmt::format("  Total days: {}", all_dates.size()));
    lines.push_back(fmt::format("  Successful: {} ({} computed in this run, {} already up to date)",
                                t.succeeded(), t.computed, t.up_to_date));
    lines.push_back(fmt::format("  Skipped (bootstrap): {}", t.skipped));
    lines.push_back(fmt::format("  Failed: {}", t.failed));
    lines.push_back(fmt::format("  Blocked: {}", t.blocked));
    // Of the dates that have work (not bootstrap), the share that is done.
    const int with_work = t.succeeded() + t.failed + t.blocked;
    if (with_work > 0)
      lines.push_back(fmt::format("  Success rate: {:.1f}%", 100.0 * t.succeeded() / with_work));
    lines.push_back(fmt::format("  Rows written this run: {}", t.rows_written));
    lines.push_back(fmt::format("  Rate: {:.1f} dates/s", rate));
    if (!t.failures.empty()) {
      lines.push_back("  Failed dates:");
      for (const auto& [d, err] : t.failures)
        lines.push_back(fmt::format("    {}: {}", FormatDate(d), err));
    }
    if (!t.blocks.empty()) {
      lines.push_back("  Blocked dates:");
      for (const auto& [d, err] : t.blocks)
        lines.push_back(fmt::format("    {}: {}", FormatDate(d), err));
    }
    lines.push_back(kRule80);
    for (const auto& l : lines) o_.events->Line(LineKind::kNote, l);
  }

 private:
  Warehouse& wh_;
  const BackfillOptions& o_;
  const ProcessorInfo& info_;
  const SeasonCalendar& calendar_;
  const ledger::JobPlan& job_plan_;
  UnitWork work_;
  live::RunHistory history_;
};

// The checkpoint file's view of the ledger over the range: the units up to
// date are successful, the bootstrap dates recorded skipped are skipped,
// failed and blocked units are failed with their error; the units a run
// would compute (missing, stale) are not listed.
CheckpointState LedgerView(const ledger::JobPlan& plan, Date start, Date end,
                           const std::string& warehouse_id) {
  CheckpointState s(plan.job->name, start, end, static_cast<int>(plan.units.size()));
  s.set_warehouse_id(warehouse_id);
  for (const auto& u : plan.units) {
    const ledger::UnitRecord* r = u.record ? &*u.record : nullptr;
    if (u.action == ledger::UnitAction::kUpToDate) {
      (void)s.MarkSuccess(u.date);
    } else if (r && r->state == ledger::UnitState::kSkipped &&
               u.action == ledger::UnitAction::kSkipped) {
      (void)s.MarkSkipped(u.date);
    } else if (r && r->state == ledger::UnitState::kFailed) {
      (void)s.MarkFailed(u.date, r->last_error);
    } else if (r && r->state == ledger::UnitState::kBlocked) {
      (void)s.MarkFailed(u.date, "blocked: " + r->last_error);
    }
  }
  return s;
}

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

std::filesystem::path JobLockPath(const Warehouse& wh, std::string_view job) {
  return wh.LockDirectory() / (std::string(job) + ".lock");
}

std::string BackfillCommand(const BackfillOptions& o) {
  std::string cmd = fmt::format("{} backfill {}", o.command_prefix, o.job);
  if (!o.dates.empty()) {
    std::vector<std::string> list;
    for (Date d : o.dates) list.push_back(FormatDate(d));
    cmd += fmt::format(" --dates {}", fmt::join(list, ","));
  } else {
    cmd += fmt::format(" --start-date {} --end-date {}", FormatDate(o.start), FormatDate(o.end));
    if (o.checkpoint_dir != kDefaultCheckpointDirectory)
      cmd += " --checkpoint-dir " + ShellQuote(o.checkpoint_dir);
  }
  return cmd + fmt::format(" --bootstrap-days {}", o.bootstrap_days);
}

namespace {

// The job without its retry command (RunBackfill adds it).
BackfillResult RunJob(Warehouse& wh, const BackfillOptions& options, std::FILE* out) {
  // Without a console of the caller's, the job's lines go to `out` as the
  // operator document prints them (progress every 10 dates, the summary).
  std::optional<RunConsole> own_console;
  BackfillOptions o = options;
  if (!o.events) {
    own_console.emplace(out, o.err, ConsoleMode::kLines, LogLevel::kInfo, nullptr,
                        /*many_jobs=*/false);
    o.events = &own_console->AddJob(0, o.job);
  }
  JobEvents& ev = *o.events;
  const ProcessorInfo* info = processors::FindProcessor(o.job);
  if (!info)
    return Status::Usage(
        fmt::format("unknown job '{}' (jobs: {})", o.job, processors::ProcessorNames()));
  auto calendar = phase3::ReadCalendar(wh, o.bootstrap_days);
  // Without a calendar the job cannot start, whatever kept it from being read.
  if (!calendar.ok()) return Status::FailedPrecondition(calendar.status().message());
  std::vector<Date> dates;
  if (!o.dates.empty()) {
    // --dates: exactly these game dates, recomputed; a date without games
    // is skipped with a message and writes nothing.
    for (Date d : o.dates) {
      if (calendar->IsGameDate(d))
        dates.push_back(d);
      else
        ev.Line(LineKind::kNote,
                fmt::format("Skipping {}: no games scheduled that day; nothing to compute.",
                            FormatDate(d)));
    }
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
    if (dates.empty()) {
      ev.Line(LineKind::kNote, "No game dates among the dates given; nothing to do.");
      return Status::OK();
    }
  } else {
    if (o.start > o.end) return Status::Usage("Start date must be before end date");
    dates = calendar->GameDates(o.start, o.end);
    if (dates.empty() && !o.status) {
      // An off-season range: nothing to compute, and nothing claimed done.
      // A checkpoint file that cannot be one is still refused.
      std::vector<std::string> warnings;
      auto file = Checkpoint::Inspect(o.checkpoint_dir, info->name, o.start, o.end, &warnings);
      if (!file.ok()) return file.status();
      ev.Line(LineKind::kNote, fmt::format("No game dates in range {} to {}; nothing to do.",
                                           FormatDate(o.start), FormatDate(o.end)));
      return Status::OK();
    }
  }
  auto warehouse_id = wh.Id();
  if (!warehouse_id.ok()) return warehouse_id.status();

  if (o.status) {
    // The operator document's block, from the ledger (the file is a view).
    // A file that cannot be a checkpoint (a symlink, a device, corrupt) is
    // still refused, as the next run would refuse it.
    std::vector<std::string> warnings;
    auto file = Checkpoint::Inspect(o.checkpoint_dir, info->name, o.start, o.end, &warnings);
    if (!file.ok()) return file.status();
    for (const auto& w : warnings) ev.Line(LineKind::kWarning, "warning: " + w);
    auto plan = ledger::MakePlan(wh, *calendar, ledger::PlanRequest{dates, {info->name}, false});
    if (!plan.ok()) return plan.status();
    CheckpointState view = LedgerView(plan->jobs.front(), o.start, o.end, *warehouse_id);
    BackfillResult result;
    if (!view.IsComplete(dates))
      result.status = Status::Incomplete(
          fmt::format("{} to {} is not complete", FormatDate(o.start), FormatDate(o.end)));
    result.checkpoint_status =
        BackfillStatus{Checkpoint::PathFor(o.checkpoint_dir, info->name, o.start, o.end),
                       std::move(view), std::move(dates)};
    return result;
  }

  // A job alone plans itself (run-all plans every job once).
  std::optional<ledger::Plan> own_plan;
  const bool recompute = o.no_resume || !o.dates.empty();
  if (!o.plan) {
    ledger::PlanRequest request{dates, {info->name}, recompute};
    auto made = ledger::MakePlan(wh, *calendar, request);
    if (!made.ok()) return made.status();
    own_plan = std::move(made).value();
  }
  const ledger::Plan& plan = o.plan ? *o.plan : *own_plan;
  const ledger::JobPlan* job_plan = plan.Find(info->name);
  if (!job_plan) return Status::FailedPrecondition("the run's plan lacks job " + info->name);
  if (o.dry_run) {
    if (o.json)
      fmt::print(out, "{}\n", PlanJson(plan, dates.front(), dates.back()));
    else if (!o.quiet)
      PrintPlan(plan, dates.front(), dates.back(), out, /*max_listed=*/SIZE_MAX);
    return PlanStatus(plan);
  }

  // One run per job and warehouse at a time.
  Env* env = Env::Default();
  // A failure to create the directory shows as the lock's own error.
  (void)env->CreateDirs(JobLockPath(wh, info->name).parent_path());
  auto lock = env->LockFile(JobLockPath(wh, info->name),
                            fmt::format("job {} of warehouse {}", info->name, wh.location()));
  if (!lock.ok()) return lock.status();
  BackfillRun run(wh, o, *info, *calendar, plan, *job_plan);
  if (!o.dates.empty()) return run.Run(dates, nullptr);

  Checkpoint::Options copts;
  copts.resume = !o.no_resume;
  copts.background_saves = true;
  auto checkpoint = Checkpoint::Open(o.checkpoint_dir, info->name, o.start, o.end,
                                     static_cast<int>(dates.size()), copts);
  if (!checkpoint.ok()) return checkpoint.status();
  for (const auto& w : checkpoint->warnings()) ev.Line(LineKind::kWarning, "warning: " + w);
  if (checkpoint->resumed() && checkpoint->state().warehouse_id() != *warehouse_id)
    ev.Line(LineKind::kWarning,
            fmt::format("warning: checkpoint {} belongs to {}; it is rewritten from this "
                        "warehouse's ledger",
                        checkpoint->path().string(),
                        checkpoint->state().warehouse_id().empty()
                            ? std::string("no warehouse (written before the ledger)")
                            : "another warehouse (" + checkpoint->state().warehouse_id() + ")"));
  // The file becomes the ledger's view before anything runs.
  if (Status s = checkpoint->Replace(LedgerView(*job_plan, o.start, o.end, *warehouse_id)); !s.ok())
    return s;
  std::vector<Date> pending;
  for (const auto* u : job_plan->Todo()) pending.push_back(u->date);
  // The dates this run will settle; the others are done (or none is, when
  // the job ends before this point: the board then refuses them all).
  if (o.board) o.board->Plan(info->name, pending);
  ev.Line(LineKind::kNote,
          fmt::format("Phase 4 precompute backfill: {} ({}/{}), {} to {}, {} game dates",
                      info->name, info->order, processors::AllProcessors().size(),
                      FormatDate(o.start), FormatDate(o.end), dates.size()));
  ev.Line(LineKind::kNote, fmt::format("Checkpoint: {}", checkpoint->path().string()));
  if (pending.empty()) {
    const JobTally before = TallyBefore(*job_plan);
    ev.Started(static_cast<int>(dates.size()), 0, before);
    ev.Line(LineKind::kNote,
            fmt::format("COMPLETE: every game date of {} to {} is already processed; nothing to "
                        "do.",
                        FormatDate(o.start), FormatDate(o.end)));
    ev.Line(LineKind::kNote, "(Use --no-resume to process the range again.)");
    ev.Ended(before);
    return {Status::OK(), before};
  }
  return run.Run(dates, &*checkpoint);
}

}  // namespace

BackfillResult RunBackfill(Warehouse& wh, const BackfillOptions& options, std::FILE* out) {
  BackfillResult result = RunJob(wh, options, out);
  // What is left is retried by the same command; a usage error, a held lock
  // or an error of the job needs the operator first.
  switch (result.status.code()) {
    case Status::Code::kIncomplete:
    case Status::Code::kInterrupted:
    case Status::Code::kStorage:
      result.retry_command = BackfillCommand(options);
      break;
    default:
      break;
  }
  return result;
}

}  // namespace phase4::backfill
