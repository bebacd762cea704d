#include "scaleout/distributed_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <set>

#include "backfill/child_processes.h"
#include "backfill/unit_work.h"
#include "ledger/ledger.h"
#include "processors/registry.h"

namespace phase4::scaleout {

namespace {

using Clock = std::chrono::steady_clock;
using processors::ProcessorInfo;

UnitOutcome OutcomeOf(ClaimOutcome o) {
  switch (o) {
    case ClaimOutcome::kSucceeded:
      return UnitOutcome::kComputed;
    case ClaimOutcome::kUpToDate:
      return UnitOutcome::kUpToDate;
    case ClaimOutcome::kSkipped:
      return UnitOutcome::kSkipped;
    case ClaimOutcome::kFailed:
      return UnitOutcome::kFailed;
    case ClaimOutcome::kBlocked:
      return UnitOutcome::kBlocked;
  }
  return UnitOutcome::kFailed;
}

// The workers' own lines, at their level: each worker's start and summary
// (and, at --log-level debug, its units), its warnings and errors.
class WorkerLines : public JobEvents {
 public:
  explicit WorkerLines(RunConsole& console) : console_(console) {}
  void Started(int, int, const JobTally&) override {}
  void Settled(Date, UnitOutcome, int64_t, const std::string&) override {}
  void Ended(const JobTally&) override {}
  void Line(LineKind kind, const std::string& text) override {
    console_.Say(kind == LineKind::kError     ? LogLevel::kError
                 : kind == LineKind::kWarning ? LogLevel::kWarn
                                              : LogLevel::kInfo,
                 text);
  }

 private:
  RunConsole& console_;
};

// One job of the run as the queue shows it.
struct JobView {
  const ledger::JobPlan* plan = nullptr;
  JobEvents* sink = nullptr;
  JobTally tally;
  std::set<Date> pending;  // queued in this run, not yet seen settled
};

void Settle(JobView& job, Date d, UnitOutcome outcome, int64_t rows, const std::string& error) {
  if (!job.pending.erase(d)) return;
  job.tally.Add(d, outcome, rows, error);
  switch (outcome) {
    case UnitOutcome::kComputed:
      job.sink->Line(LineKind::kDetail,
                     fmt::format("{}: ✓ Success: {} rows written", FormatDate(d), rows));
      break;
    case UnitOutcome::kUpToDate:
      job.sink->Line(LineKind::kDetail,
                     fmt::format("{}: ✓ Up to date: inputs unchanged", FormatDate(d)));
      break;
    case UnitOutcome::kSkipped:
      job.sink->Line(LineKind::kDetail,
                     fmt::format("{}: ⏭ Bootstrap period skipped", FormatDate(d)));
      break;
    case UnitOutcome::kFailed:
      job.sink->Line(LineKind::kDetail, fmt::format("{}: ✗ Failed: {}", FormatDate(d), error));
      break;
    case UnitOutcome::kBlocked:
      job.sink->Line(LineKind::kDetail, fmt::format("{}: ⊘ Blocked: {}", FormatDate(d), error));
      break;
  }
  job.sink->Settled(d, outcome, rows, error);
}

// A unit the batch lost to a later run's batch: settled as the ledger
// records it (the queue was idle, so its record is its last attempt's).
Status SettleFromLedger(Warehouse& wh, JobView& job) {
  if (job.pending.empty()) return Status::OK();
  PHASE4_ASSIGN_OR_RETURN(
      ledger::UnitMap units,
      ledger::ReadUnits(wh, *job.plan->job, *job.pending.begin(), *job.pending.rbegin()));
  for (const auto& [d, r] : units) {
    if (!job.pending.count(d)) continue;
    switch (r.state) {
      case ledger::UnitState::kSucceeded:
        Settle(job, d, UnitOutcome::kComputed, r.rows_written, "");
        break;
      case ledger::UnitState::kSkipped:
        Settle(job, d, UnitOutcome::kSkipped, 0, "");
        break;
      case ledger::UnitState::kFailed:
        Settle(job, d, UnitOutcome::kFailed, 0, r.last_error);
        break;
      case ledger::UnitState::kBlocked:
        Settle(job, d, UnitOutcome::kBlocked, 0, r.last_error);
        break;
    }
  }
  return Status::OK();
}

}  // namespace

std::vector<QueuedUnit> QueuedUnitsOf(const ledger::Plan& plan) {
  std::vector<QueuedUnit> out;
  for (const ledger::JobPlan& jp : plan.jobs)
    for (const ledger::UnitPlan* u : jp.Todo())
      out.push_back(
          {jp.job->name, u->date, jp.job->order, jp.job->phase4_upstreams, u->upstream_pending});
  return out;
}

std::string NewBatchId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown");
  return fmt::format("run-all {}:{} {}", host, getpid(), NowTimestampUtc());
}

std::vector<std::string> WorkerArgs(const RunAllOptions& o) {
  return {o.self_exe,
          "--warehouse",
          o.warehouse,
          "--log-level",
          std::string(LogLevelName(o.log_level)),
          "worker",
          "--until-idle",
          "--lease-seconds",
          fmt::format("{}", o.lease_seconds)};
}

RunEnding RunWithWorkers(const RunAllOptions& o, Warehouse& wh, WorkQueue& queue,
                         const std::string& batch, const ledger::Plan& plan, RunConsole& console,
                         const std::map<std::string, JobEvents*>& sinks) {
  std::map<std::string, JobView, std::less<>> jobs;
  size_t queued = 0;
  for (const ledger::JobPlan& jp : plan.jobs) {
    JobView& v = jobs[jp.job->name];
    v.plan = &jp;
    v.sink = sinks.at(jp.job->name);
    v.tally = TallyBefore(jp);
    for (const ledger::UnitPlan* u : jp.Todo()) v.pending.insert(u->date);
    queued += v.pending.size();
    v.sink->Started(static_cast<int>(jp.units.size()), static_cast<int>(v.pending.size()), v.tally);
  }
  console.Say(
      LogLevel::kInfo,
      fmt::format("=== WORKERS: {} local `phase4 worker` processes claim the run's {} units "
                  "from the warehouse's work queue (batch '{}'); workers started on other "
                  "machines join in ===",
                  o.workers, queued, batch));
  WorkerLines lines(console);
  std::vector<Child> children(static_cast<size_t>(o.workers));
  for (Child& c : children) {
    c.sink = &lines;
    if (!StartChild(o.self_exe, WorkerArgs(o), c)) {
      console.Say(LogLevel::kError, "error: cannot start a worker process");
      break;
    }
  }
  std::erase_if(children, [](const Child& c) { return c.pid < 0; });
  // The batch's settlements, as the workers commit them (anyone's).
  int64_t sequence = 0;
  bool warned = false;
  auto last_poll = Clock::now() - std::chrono::seconds(1);
  auto follow = [&](bool now) {
    if (!now && Clock::now() - last_poll < std::chrono::milliseconds(250)) return;
    last_poll = Clock::now();
    auto settled = queue.SettledSince(batch, sequence);
    if (!settled.ok()) {
      if (!warned) console.Say(LogLevel::kWarn, "warning: " + settled.status().message());
      warned = true;
      return;
    }
    for (const SettledUnit& u : *settled) {
      sequence = u.sequence;
      if (auto it = jobs.find(u.job); it != jobs.end())
        Settle(it->second, u.date, OutcomeOf(u.outcome), u.rows, u.error);
    }
  };
  const int sig = PumpChildren(children, o.signal_received, console, [&] { follow(false); });
  follow(true);
  // Units another run's batch took over are settled as the ledger says,
  // once nothing is left in the queue.
  auto counts = queue.Counts();
  if (!sig && counts.ok() && counts->idle())
    for (auto& [name, v] : jobs)
      if (Status s = SettleFromLedger(wh, v); !s.ok())
        console.Say(LogLevel::kWarn, "warning: " + s.message());
  int worst = kExitOk;
  size_t unsettled = 0;
  for (const ledger::JobPlan& jp : plan.jobs) {
    JobView& v = jobs.at(jp.job->name);
    unsettled += v.pending.size();
    // Units never settled count as they were planned (as in a backfill).
    for (Date d : v.pending) {
      const ledger::UnitPlan* u = jp.Find(d);
      if (u && u->action == ledger::UnitAction::kFailed)
        v.tally.Add(d, UnitOutcome::kFailed, 0, u->reason);
      else if (u && u->action == ledger::UnitAction::kBlocked)
        v.tally.Add(d, UnitOutcome::kBlocked, 0, u->reason);
    }
    v.sink->Ended(v.tally);
    const int code = !v.pending.empty()                  ? (sig ? kExitInterrupted : kExitFatal)
                     : v.tally.failed || v.tally.blocked ? kExitDatesFailed
                                                         : kExitOk;
    SayJobEnded(console, *jp.job, code, sig != 0);
    worst = std::max(worst, code == kExitDatesFailed ? code : kExitOk);
  }
  std::vector<int> codes;
  bool storage = false;
  for (const Child& c : children) {
    codes.push_back(c.exit_code);
    storage = storage || c.exit_code == kExitStorage;
  }
  if (sig)
    return {kExitInterrupted,
            {fmt::format("Interrupted by signal {}; the workers stopped after their unit in flight "
                         "({} units not settled).",
                         sig, unsettled),
             fmt::format("Resume with: {}", ResumeCommand(o))}};
  if (unsettled)
    return {storage ? kExitStorage : kExitFatal,
            {fmt::format("Stopping: the workers ended (exit {}) with {} units of the run not "
                         "settled; their errors are above.",
                         fmt::join(codes, ", "), unsettled),
             fmt::format("Once the cause is resolved, resume with: {}", ResumeCommand(o))}};
  return FinishRun(o, worst);
}

}  // namespace phase4::scaleout
