#include "backfill/orchestrator.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "backfill/backfill_job.h"
#include "backfill/child_processes.h"
#include "backfill/date_board.h"
#include "backfill/job_events.h"
#include "backfill/plan_report.h"
#include "backfill/run_console.h"
#include "backfill/run_log.h"
#include "backfill/shared_seasons.h"
#include "backfill/upstream_rows.h"
#include "calendar/season_calendar.h"
#include "common/exit_codes.h"
#include "ledger/plan.h"
#include "phase3/schedule_store.h"
#include "processors/registry.h"
#include "warehouse/integrity.h"
#include "warehouse/work_queue.h"

namespace phase4::backfill {

using processors::ProcessorInfo;

std::vector<std::vector<const ProcessorInfo*>> ExecutionStages() {
  std::map<std::string, int> stage_of;
  std::vector<std::vector<const ProcessorInfo*>> stages;
  // AllProcessors() is in execution order, so upstreams come first.
  for (const ProcessorInfo* p : processors::AllProcessors()) {
    int stage = 0;
    for (const auto& up : p->phase4_upstreams)
      if (auto it = stage_of.find(up); it != stage_of.end())
        stage = std::max(stage, it->second + 1);
    stage_of[p->name] = stage;
    if (static_cast<int>(stages.size()) <= stage) stages.resize(static_cast<size_t>(stage) + 1);
    stages[static_cast<size_t>(stage)].push_back(p);
  }
  return stages;
}

namespace {

std::vector<std::string> JobArgs(const RunAllOptions& o, const ProcessorInfo& p) {
  std::vector<std::string> a{o.self_exe};
  if (!o.warehouse.empty()) a.insert(a.end(), {"--warehouse", o.warehouse});
  a.insert(a.end(), {"backfill", p.name, "--start-date", FormatDate(o.start), "--end-date",
                     FormatDate(o.end), "--bootstrap-days", std::to_string(o.bootstrap_days)});
  if (!o.checkpoint_dir.empty()) a.insert(a.end(), {"--checkpoint-dir", o.checkpoint_dir});
  if (o.no_resume) a.push_back("--no-resume");
  // The child reports as events, which this process shows and logs.
  a.push_back("--events");
  return a;
}

}  // namespace

std::string ResumeCommand(const RunAllOptions& o) {
  std::string cmd = "phase4";
  if (!o.warehouse.empty()) cmd += " --warehouse " + ShellQuote(o.warehouse);
  cmd +=
      fmt::format(" run-all --start-date {} --end-date {}", FormatDate(o.start), FormatDate(o.end));
  if (o.start_from != 1) cmd += fmt::format(" --start-from {}", o.start_from);
  cmd += fmt::format(" --bootstrap-days {}", o.bootstrap_days);
  if (!o.checkpoint_dir.empty() && o.checkpoint_dir != kDefaultCheckpointDirectory)
    cmd += " --checkpoint-dir " + ShellQuote(o.checkpoint_dir);
  if (o.separate_processes) cmd += " --separate-processes";
  if (o.workers >= 0) cmd += fmt::format(" --workers {}", o.workers);
  if (o.workers >= 0 && o.lease_seconds != kDefaultLeaseSeconds)
    cmd += fmt::format(" --lease-seconds {}", o.lease_seconds);
  if (o.workers >= 0 && o.max_attempts != kDefaultMaxAttempts)
    cmd += fmt::format(" --max-attempts {}", o.max_attempts);
  return cmd;
}

void SayJobEnded(RunConsole& console, const ProcessorInfo& job, const Status& ended, int exit_code,
                 bool stopped) {
  if (ended.ok())
    console.Say(LogLevel::kInfo, fmt::format("✓ #{} {} completed", job.order, job.name));
  else if (ended.code() == Status::Code::kIncomplete && !stopped)
    console.Say(LogLevel::kWarn,
                fmt::format("✗ #{} {} finished with failed or blocked dates (exit {})", job.order,
                            job.name, exit_code));
  else
    console.Say(LogLevel::kError, fmt::format("✗ #{} {} {} (exit {})", job.order, job.name,
                                              stopped ? "stopped" : "failed", exit_code));
}

RunEnding FinishRun(const RunAllOptions& o, bool units_left) {
  if (!units_left) return {Status::OK(), {"Phase 4 Backfill Complete!"}};
  const std::string why = "Some dates failed or are blocked (listed above); the others are done.";
  return {
      Status::Incomplete(why),
      {why, "To retry exactly what is left, run the same command again:", "  " + ResumeCommand(o)}};
}

namespace {

// An ending whose status says its first line (the reason).
RunEnding Ending(Status (*status)(std::string), std::vector<std::string> lines) {
  return {status(lines.front()), std::move(lines)};
}

// Run-all's own failures, outside its jobs, end it as a storage failure or
// as an error: a warehouse busy here is no job's lock (exit 75 is for a
// job refused by another run's lock).
Status RunFailure(const Status& s) {
  return s.code() == Status::Code::kBusy ? Status::FailedPrecondition(s.message()) : s;
}

// Says how each job ended, and how the run ends: `stop` is set when it must
// stop here (a job could not run, its storage failed, or a signal came);
// jobs whose units failed or are blocked do not stop the others.
RunEnding ReportJobs(std::vector<Child>& children, int sig, const RunAllOptions& o,
                     RunConsole& console, bool* stop) {
  const Status* fatal = nullptr;  // the first job that could not run
  bool units_left = false, storage = false;
  for (auto& c : children) {
    SayJobEnded(console, *c.info, c.ended, c.exit_code, sig != 0);
    const Status::Code code = c.ended.code();
    if (code == Status::Code::kIncomplete && !sig) {
      units_left = true;
    } else if (!c.ended.ok()) {
      storage = storage || code == Status::Code::kStorage;
      if (!fatal && code != Status::Code::kIncomplete) fatal = &c.ended;
    }
  }
  *stop = true;
  if (sig)
    return Ending(
        Status::Interrupted,
        {fmt::format("Interrupted by signal {}; the jobs stopped after their current date.", sig),
         fmt::format("Resume with: {}", ResumeCommand(o))});
  if (storage)
    // Environmental: every job stopped after its date in flight, none of
    // them recorded it; nothing about the data needs fixing.
    return Ending(
        Status::Storage,
        {"Stopping: the warehouse's storage failed (the job's error above names the file); "
         "every job stopped after its current date.",
         fmt::format("Once the cause is fixed, resume with: {}", ResumeCommand(o))});
  if (fatal)
    // A held lock stays what it is; any other job error stops the run as one.
    return Ending(
        fatal->code() == Status::Code::kBusy ? Status::Busy : Status::FailedPrecondition,
        {"Stopping: a job could not run (its error is above).",
         fmt::format("Once the error above is resolved, resume with: {}", ResumeCommand(o))});
  *stop = false;
  return {units_left ? Status::Incomplete("some units failed or are blocked") : Status::OK(), {}};
}

// The operator document's order: one child process per job, stage after
// stage, the jobs of a stage together.
RunEnding RunByStage(const RunAllOptions& o, RunConsole& console,
                     const std::map<std::string, JobEvents*>& sinks) {
  bool units_left = false;
  for (const auto& stage : ExecutionStages()) {
    std::vector<Child> children;
    for (const ProcessorInfo* p : stage)
      if (p->order >= o.start_from) {
        Child c;
        c.info = p;
        c.sink = sinks.at(p->name);
        children.push_back(std::move(c));
      }
    if (children.empty()) continue;
    std::vector<std::string> labels;
    for (auto& c : children) labels.push_back(fmt::format("#{} {}", c.info->order, c.info->name));
    if (children.size() > 1)
      console.Say(LogLevel::kInfo, fmt::format("=== PARALLEL PHASE: Running {} concurrently ===",
                                               fmt::join(labels, " and ")));
    else
      console.Say(LogLevel::kInfo, fmt::format("=== Running {} ===", labels[0]));
    for (auto& c : children) {
      if (!StartChild(o.self_exe, JobArgs(o, *c.info), c)) {
        console.Say(LogLevel::kError, fmt::format("error: cannot start the {} job", c.info->name));
        for (auto& started : children)
          if (started.pid > 0) kill(started.pid, SIGTERM);
        PumpChildren(children, o.signal_received, console);
        return {Status::FailedPrecondition(fmt::format("cannot start the {} job", c.info->name)),
                {}};
      }
    }
    int sig = PumpChildren(children, o.signal_received, console);
    for (auto& c : children) c.ended = JobStatusOfExit(c.exit_code);
    bool stop = false;
    RunEnding ending = ReportJobs(children, sig, o, console, &stop);
    if (stop) return ending;
    units_left = units_left || ending.status.code() == Status::Code::kIncomplete;
  }
  return FinishRun(o, units_left);
}

// One job of a pipelined run, on its own connection, reporting into
// `events` (a stream into `f`).
BackfillResult RunPipelinedJob(const RunAllOptions& o, const ProcessorInfo& p,
                               const ledger::Plan& plan, DateBoard& board,
                               SharedSeasonsUser& seasons, UpstreamRows& upstream,
                               std::atomic<bool>& storage_failed, JobEvents& events, std::FILE* f) {
  auto wh = Warehouse::Open(o.warehouse, /*create=*/false);
  if (!wh.ok()) {
    if (wh.status().code() == Status::Code::kStorage) storage_failed = true;
    return RunFailure(wh.status());
  }
  BackfillOptions b;
  b.job = p.name;
  b.start = o.start;
  b.end = o.end;
  b.no_resume = o.no_resume;
  b.bootstrap_days = o.bootstrap_days;
  if (!o.checkpoint_dir.empty()) b.checkpoint_dir = o.checkpoint_dir;
  b.command_prefix = "phase4 --warehouse " + ShellQuote(o.warehouse);
  b.stop_requested = o.stop_requested;
  b.events = &events;
  b.board = &board;
  b.seasons = &seasons;
  b.upstream_rows = &upstream;
  b.storage_failed = &storage_failed;
  b.plan = &plan;
  return RunBackfill(**wh, b, f);
}

// Every job at once in this process, each date of a job computed once its
// upstream jobs have written that date (DateBoard), all reading one copy of
// each season (SharedSeasons). Same rows as RunByStage, without reading
// each season once per job.
std::vector<const ProcessorInfo*> RunJobs(const RunAllOptions& o) {
  std::vector<const ProcessorInfo*> jobs;
  for (const ProcessorInfo* p : processors::AllProcessors())
    if (p->order >= o.start_from) jobs.push_back(p);
  return jobs;
}

// The seasons a pipelined run reads, once for all its jobs: those of the
// units it will compute (a re-run of one season after a correction reads
// that season only), from `wh`, which is the seasons' from now on.
Result<std::unique_ptr<SharedSeasons>> PipelinedSeasons(const RunAllOptions& o, Warehouse& wh,
                                                        const SeasonCalendar& calendar,
                                                        const ledger::Plan& plan) {
  PHASE4_ASSIGN_OR_RETURN(std::vector<execution::TableRead> reads,
                          execution::Phase3Reads(RunJobs(o)));
  std::set<int> todo_seasons;
  for (const auto& job : plan.jobs)
    for (const ledger::UnitPlan* u : job.Todo()) todo_seasons.insert(SeasonYearOf(u->date));
  return std::make_unique<SharedSeasons>(
      wh, calendar, std::move(reads), std::vector<int>(todo_seasons.begin(), todo_seasons.end()));
}

RunEnding RunPipelined(const RunAllOptions& o, SharedSeasons& seasons, const ledger::Plan& plan,
                       RunConsole& console, const std::map<std::string, JobEvents*>& sinks) {
  const std::vector<const ProcessorInfo*> jobs = RunJobs(o);
  auto fail = [&console](const Status& s) {
    console.Say(LogLevel::kError, "error: " + s.message());
    return RunEnding{RunFailure(s), {}};
  };
  auto upstream = UpstreamRows::Create(jobs);
  if (!upstream.ok()) return fail(upstream.status());
  std::vector<std::string> labels, names;
  for (const ProcessorInfo* p : jobs) {
    labels.push_back(fmt::format("#{} {}", p->order, p->name));
    names.push_back(p->name);
  }
  console.Say(LogLevel::kInfo,
              fmt::format("=== PIPELINED: Running {} together; each date of a job runs once its "
                          "upstream jobs have written that date ===",
                          fmt::join(labels, ", ")));

  DateBoard board(names);
  std::atomic<bool> storage_failed{false};
  // Every pipe first, so that a failure leaves no job started.
  std::vector<Child> children(jobs.size());
  std::vector<std::FILE*> outputs;
  for (size_t i = 0; i < jobs.size(); ++i) {
    int fds[2];
    std::FILE* f = pipe(fds) == 0 ? fdopen(fds[1], "w") : nullptr;
    if (!f) {
      for (size_t k = 0; k < i; ++k) {
        std::fclose(outputs[k]);
        close(children[k].fd);
      }
      return fail(Status::IoError(fmt::format("cannot start the {} job: no pipe", jobs[i]->name)));
    }
    setvbuf(f, nullptr, _IOFBF, 1 << 16);
    children[i].info = jobs[i];
    children[i].sink = sinks.at(jobs[i]->name);
    children[i].fd = fds[0];
    outputs.push_back(f);
  }
  // Every job joins the shared seasons before any of them takes one.
  std::vector<std::unique_ptr<SharedSeasonsUser>> users;
  for (size_t i = 0; i < jobs.size(); ++i) users.push_back(seasons.Join());
  for (size_t i = 0; i < jobs.size(); ++i) {
    Child& c = children[i];
    c.thread = std::thread([&o, &plan, &board, &c, &upstream, &storage_failed, f = outputs[i],
                            user = std::move(users[i])]() mutable {
      EventStreamWriter events(f);
      const BackfillResult result =
          RunPipelinedJob(o, *c.info, plan, board, *user, **upstream, storage_failed, events, f);
      // The job's ending goes into its stream like a job process's would.
      SayJobResult(result, events);
      c.ended = result.status;
      c.exit_code = ExitCodeFor(result.status);
      // However the job ended (its checkpoint's last save is done), the
      // other jobs no longer wait for its dates or its seasons, and its
      // upstream jobs no longer hold rows for it.
      board.End(c.info->name);
      (*upstream)->Leave(c.info->name);
      user.reset();
      std::fclose(f);
    });
  }
  int sig = PumpChildren(children, o.signal_received, console);
  bool stop = false;
  RunEnding ending = ReportJobs(children, sig, o, console, &stop);
  return stop ? ending : FinishRun(o, ending.status.code() == Status::Code::kIncomplete);
}

// --workers 0: the units are queued; workers started elsewhere do them.
void SayQueued(const RunAllOptions& o, const ledger::Plan& plan, const Warehouse& wh,
               const std::string& batch, size_t queued, std::FILE* out) {
  int up_to_date = 0;
  for (const auto& jp : plan.jobs) up_to_date += jp.up_to_date;
  if (o.json) {
    fmt::print(out, "{}\n",
               nlohmann::ordered_json{{"command", "run-all"},
                                      {"start_date", FormatDate(o.start)},
                                      {"end_date", FormatDate(o.end)},
                                      {"exit_code", kExitOk},
                                      {"workers", 0},
                                      {"batch", batch},
                                      {"queued", queued},
                                      {"up_to_date", up_to_date}}
                   .dump(2));
  } else if (!o.quiet) {
    fmt::print(out,
               "Queued {} units ({} already up to date) in the work queue of {} as batch '{}'.\n"
               "They wait for workers: on any machine that reaches the warehouse, run\n"
               "  phase4 --warehouse {} worker --until-idle\n"
               "`phase4 status` shows the workers and the queue.\n",
               queued, up_to_date, wh.location(), batch, ShellQuote(o.warehouse));
  }
}

}  // namespace

RunAllResult RunAll(const RunAllOptions& o, std::FILE* out, const WorkerRun* workers) {
  int count = static_cast<int>(processors::AllProcessors().size());
  if (o.start_from < 1 || o.start_from > count)
    return Status::Usage(
        fmt::format("--start-from must be between 1 and {} (the processor numbers)", count));
  if (o.start > o.end) return Status::Usage("Start date must be before end date");
  // A damaged file would be trusted (a resume would say COMPLETE over it) or
  // fail every date with a misleading error: refused before anything is
  // written to it. The check reads every file on threads of its own while
  // the run reads what it needs to plan and its first season; a failure on
  // the way is reported as the damage when there is damage.
  SoundnessCheck sound(o.warehouse);
  auto refuse = [&sound](const std::vector<std::string>& datasets) -> std::optional<Status> {
    Status s = sound.Wait(datasets);
    if (s.ok()) return std::nullopt;
    return Status::Storage(s.message());
  };
  auto fail = [&refuse](const Status& s) -> RunAllResult {
    if (auto refused = refuse(AllDatasets())) return *refused;
    return RunFailure(s);
  };
  auto wh = Warehouse::Open(o.warehouse, /*create=*/false);
  if (!wh.ok()) return fail(wh.status());
  // --workers: the work queue first, so that a SQLite warehouse is refused
  // before anything is planned.
  std::unique_ptr<WorkQueue> queue;
  if (o.workers >= 0) {
    if (!workers)
      return Status::Usage("--workers: this run-all was started without worker support");
    auto opened = (*wh)->OpenWorkQueue();
    if (!opened.ok()) {
      // A SQLite warehouse has no queue: --workers was asked of the wrong one.
      if ((*wh)->backend() == "sqlite") return Status::Usage(opened.status().message());
      return fail(opened.status());
    }
    queue = std::move(opened).value();
  }
  auto calendar = phase3::ReadCalendar(**wh, o.bootstrap_days);
  if (!calendar.ok()) return fail(calendar.status());
  // One plan for every job of the run, from the ledger: what each job will
  // compute, and what its upstream jobs will have produced by then.
  ledger::PlanRequest request;
  request.dates = calendar->GameDates(o.start, o.end);
  if (request.dates.empty()) {
    // An off-season range: nothing to compute, and nothing claimed done.
    if (o.json)
      fmt::print(out, "{}\n",
                 nlohmann::ordered_json{{"command", "run-all"},
                                        {"start_date", FormatDate(o.start)},
                                        {"end_date", FormatDate(o.end)},
                                        {"exit_code", kExitOk},
                                        {"game_dates", 0},
                                        {"jobs", nlohmann::ordered_json::array()}}
                     .dump(2));
    else if (!o.quiet)
      fmt::print(out, "No game dates in range {} to {}; nothing to do.\n", FormatDate(o.start),
                 FormatDate(o.end));
    return Status::OK();
  }
  request.recompute_all = o.no_resume;
  for (const ProcessorInfo* p : processors::AllProcessors())
    if (p->order >= o.start_from) request.run_jobs.insert(p->name);
  // The plan digests the Phase 3 dates marked changed while the check
  // runs; the digests are stored beside the Phase 3 tables (doc/ledger.md)
  // once the check passed those files.
  request.defer_digest_store = true;
  auto plan = ledger::MakePlan(**wh, *calendar, request);
  if (!plan.ok()) return fail(plan.status());
  if (auto refused = refuse({"nba_raw", "nba_analytics"})) return *refused;
  if (Status s = ledger::StoreDigestRefresh(**wh, *plan->unstored_digests); !s.ok()) return fail(s);
  if (o.start_from > 1) {
    // The jobs before N are not run, so theirs must be done already.
    ledger::PlanRequest before{request.dates, {}, false};
    for (const ProcessorInfo* p : processors::AllProcessors())
      if (p->order < o.start_from) before.run_jobs.insert(p->name);
    auto earlier = ledger::MakePlan(**wh, *calendar, before);
    if (!earlier.ok()) return fail(earlier.status());
    std::vector<std::string> not_done;
    for (const auto& jp : earlier->jobs) {
      const int left = jp.missing + jp.failed + jp.stale + jp.blocked;
      if (left)
        not_done.push_back(fmt::format("#{} {} ({} missing, {} failed, {} stale, {} blocked)",
                                       jp.job->order, jp.job->name, jp.missing, jp.failed, jp.stale,
                                       jp.blocked));
    }
    if (!not_done.empty())
      return Status::FailedPrecondition(fmt::format(
          "--start-from {} skips jobs whose units in this range are not up to date: "
          "{}\n  Run without --start-from (it computes exactly what is left), or see "
          "`phase4 plan --start-date {} --end-date {}`.",
          o.start_from, fmt::join(not_done, "; "), FormatDate(o.start), FormatDate(o.end)));
  }
  std::unique_ptr<SharedSeasons> seasons;
  if (!o.dry_run && !queue && !o.separate_processes) {
    auto pipelined = PipelinedSeasons(o, **wh, *calendar, *plan);
    if (!pipelined.ok()) return fail(pipelined.status());
    seasons = std::move(pipelined).value();
    seasons->ReadAhead();  // the first season, while the check finishes
  }
  // Nothing is written to a file the check has not passed.
  if (auto refused = refuse(AllDatasets())) return *refused;
  if (o.dry_run) {
    // The plan is the dry run (doc/ledger.md, "Plans").
    if (o.json)
      fmt::print(out, "{}\n", PlanJson(*plan, o.start, o.end));
    else if (!o.quiet)
      PrintPlan(*plan, o.start, o.end, out);
    return PlanStatus(*plan);
  }
  std::string batch;
  if (queue) {
    // The units the run would settle, for the workers of any machine.
    batch = workers->NewBatchId();
    const auto units = workers->UnitsOf(*plan);
    if (Status s = queue->Enqueue({batch, o.bootstrap_days, o.max_attempts}, units); !s.ok())
      return fail(s);
    if (o.workers == 0) {
      SayQueued(o, *plan, **wh, batch, units.size(), out);
      return Status::OK();
    }
  }
  const std::string checkpoint_dir =
      o.checkpoint_dir.empty() ? std::string(kDefaultCheckpointDirectory) : o.checkpoint_dir;
  auto log =
      RunLog::Open(o.log_file.empty() ? DefaultLogPath(checkpoint_dir, "run-all", o.start, o.end)
                                      : std::filesystem::path(o.log_file),
                   o.log_level);
  if (!log.ok()) return fail(log.status());
  RunAllResult result;
  result.log = std::move(log).value();
  result.console =
      std::make_unique<RunConsole>(out, stderr, ChooseConsoleMode(o.quiet, o.json, o.terminal),
                                   o.log_level, result.log.get(), /*many_jobs=*/true);
  RunConsole& console = *result.console;
  console.Say(LogLevel::kInfo,
              fmt::format("Phase 4 backfill: {} to {}", FormatDate(o.start), FormatDate(o.end)));
  console.Say(LogLevel::kInfo, fmt::format("  Start from: Processor #{}", o.start_from));
  console.Say(
      LogLevel::kInfo,
      fmt::format("  No resume: {}", o.no_resume ? "--no-resume" : "No (will use the ledger)"));
  console.Say(LogLevel::kInfo,
              fmt::format("  Jobs: {}",
                          queue ? fmt::format("{} worker processes over the warehouse's work queue",
                                              o.workers)
                          : o.separate_processes ? "one process per job, stage by stage"
                                                 : "pipelined in this process "
                                                   "(--separate-processes: one process per job)"));
  console.Say(LogLevel::kInfo, fmt::format("  Log: {}", result.log->path().string()));
  std::map<std::string, JobEvents*> sinks;
  for (const ProcessorInfo* p : processors::AllProcessors())
    if (p->order >= o.start_from) sinks[p->name] = &console.AddJob(p->order, p->name);
  RunEnding ending = queue ? workers->Run(o, **wh, *queue, batch, *plan, console, sinks)
                     : o.separate_processes ? RunByStage(o, console, sinks)
                                            : RunPipelined(o, *seasons, *plan, console, sinks);
  result.status = std::move(ending.status);
  result.lines = std::move(ending.lines);
  if (!result.status.ok()) result.retry_command = ResumeCommand(o);
  // Every write of the run went through SQLite's transactions into files
  // found sound: they are sealed as they are now, once closed, so that the
  // next run hashes them instead of scanning them (warehouse/file_seal.h).
  // Not after a storage failure, which may have left damage, nor after an
  // unexpected error.
  using Code = Status::Code;
  const Code code = result.status.code();
  if (code == Code::kOk || code == Code::kIncomplete || code == Code::kInterrupted ||
      code == Code::kBusy) {
    seasons.reset();
    queue.reset();
    wh->reset();
    if (Status s = sound.Seal(); !s.ok())
      fmt::print(stderr, "warning: {} (the next run checks every file)\n", s.message());
  }
  return result;
}

}  // namespace phase4::backfill
