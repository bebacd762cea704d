#include "scaleout/distributed_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <set>

#include "backfill/child_processes.h"
#include "backfill/unit_work.h"
#include "common/exit_codes.h"
#include "ledger/ledger.h"
#include "processors/registry.h"

namespace phase4::scaleout {

namespace {

using Clock = std::chrono::steady_clock;
using processors::ProcessorInfo;

backfill::UnitOutcome OutcomeOf(ClaimOutcome o) {
  switch (o) {
    case ClaimOutcome::kSucceeded:
      return backfill::UnitOutcome::kComputed;
    case ClaimOutcome::kUpToDate:
      return backfill::UnitOutcome::kUpToDate;
    case ClaimOutcome::kSkipped:
      return backfill::UnitOutcome::kSkipped;
    case ClaimOutcome::kFailed:
      return backfill::UnitOutcome::kFailed;
    case ClaimOutcome::kBlocked:
      return backfill::UnitOutcome::kBlocked;
  }
  return backfill::UnitOutcome::kFailed;
}

// The workers' own lines, at their level: each worker's start and summary
// (and, at --log-level debug, its units), its warnings and errors.
class WorkerLines : public backfill::JobEvents {
 public:
  explicit WorkerLines(backfill::RunConsole& console) : console_(console) {}
  void Started(int, int, const backfill::JobTally&) override {}
  void Settled(Date, backfill::UnitOutcome, int64_t, const std::string&) override {}
  void Ended(const backfill::JobTally&) override {}
  void Line(backfill::LineKind kind, const std::string& text) override {
    console_.Say(kind == backfill::LineKind::kError     ? backfill::LogLevel::kError
                 : kind == backfill::LineKind::kWarning ? backfill::LogLevel::kWarn
                                                        : backfill::LogLevel::kInfo,
                 text);
  }

 private:
  backfill::RunConsole& console_;
};

// One job of the run as the queue shows it.
struct JobView {
  const ledger::JobPlan* plan = nullptr;
  backfill::JobEvents* sink = nullptr;
  backfill::JobTally tally;
  std::set<Date> pending;  // queued in this run, not yet seen settled
};

void Settle(JobView& job, Date d, backfill::UnitOutcome outcome, int64_t rows,
            const std::string& error) {
  if (!job.pending.erase(d)) return;
  job.tally.Add(d, outcome, rows, error);
  switch (outcome) {
    case backfill::UnitOutcome::kComputed:
      job.sink->Line(backfill::LineKind::kDetail,
                     fmt::format("{}: ✓ Success: {} rows written", FormatDate(d), rows));
      break;
    case backfill::UnitOutcome::kUpToDate:
      job.sink->Line(backfill::LineKind::kDetail,
                     fmt::format("{}: ✓ Up to date: inputs unchanged", FormatDate(d)));
      break;
    case backfill::UnitOutcome::kSkipped:
      job.sink->Line(backfill::LineKind::kDetail,
                     fmt::format("{}: ⏭ Bootstrap period skipped", FormatDate(d)));
      break;
    case backfill::UnitOutcome::kFailed:
      job.sink->Line(backfill::LineKind::kDetail,
                     fmt::format("{}: ✗ Failed: {}", FormatDate(d), error));
      break;
    case backfill::UnitOutcome::kBlocked:
      job.sink->Line(backfill::LineKind::kDetail,
                     fmt::format("{}: ⊘ Blocked: {}", FormatDate(d), error));
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
        Settle(job, d, backfill::UnitOutcome::kComputed, r.rows_written, "");
        break;
      case ledger::UnitState::kSkipped:
        Settle(job, d, backfill::UnitOutcome::kSkipped, 0, "");
        break;
      case ledger::UnitState::kFailed:
        Settle(job, d, backfill::UnitOutcome::kFailed, 0, r.last_error);
        break;
      case ledger::UnitState::kBlocked:
        Settle(job, d, backfill::UnitOutcome::kBlocked, 0, r.last_error);
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

std::vector<std::string> WorkerArgs(const backfill::RunAllOptions& o) {
  return {o.self_exe,
          "--warehouse",
          o.warehouse,
          "--log-level",
          std::string(backfill::LogLevelName(o.log_level)),
          "worker",
          "--until-idle",
          "--lease-seconds",
          fmt::format("{}", o.lease_seconds)};
}

backfill::RunEnding RunWithWorkers(const backfill::RunAllOptions& o, Warehouse& wh,
                                   WorkQueue& queue, const std::string& batch,
                                   const ledger::Plan& plan, backfill::RunConsole& console,
                                   const std::map<std::string, backfill::JobEvents*>& sinks) {
  std::map<std::string, JobView, std::less<>> jobs;
  size_t queued = 0;
  for (const ledger::JobPlan& jp : plan.jobs) {
    JobView& v = jobs[jp.job->name];
    v.plan = &jp;
    v.sink = sinks.at(jp.job->name);
    v.tally = backfill::TallyBefore(jp);
    for (const ledger::UnitPlan* u : jp.Todo()) v.pending.insert(u->date);
    queued += v.pending.size();
    v.sink->Started(static_cast<int>(jp.units.size()), static_cast<int>(v.pending.size()), v.tally);
  }
  console.Say(
      backfill::LogLevel::kInfo,
      fmt::format("=== WORKERS: {} local `phase4 worker` processes claim the run's {} units "
                  "from the warehouse's work queue (batch '{}'); workers started on other "
                  "machines join in ===",
                  o.workers, queued, batch));
  WorkerLines lines(console);
  std::vector<backfill::Child> children(static_cast<size_t>(o.workers));
  for (backfill::Child& c : children) {
    c.sink = &lines;
    if (!backfill::StartChild(o.self_exe, WorkerArgs(o), c)) {
      console.Say(backfill::LogLevel::kError, "error: cannot start a worker process");
      break;
    }
  }
  std::erase_if(children, [](const backfill::Child& c) { return c.pid < 0; });
  // The batch's settlements, as the workers commit them (anyone's).
  int64_t sequence = 0;
  bool warned = false;
  auto last_poll = Clock::now() - std::chrono::seconds(1);
  auto follow = [&](bool now) {
    if (!now && Clock::now() - last_poll < std::chrono::milliseconds(250)) return;
    last_poll = Clock::now();
    auto settled = queue.SettledSince(batch, sequence);
    if (!settled.ok()) {
      if (!warned) console.Say(backfill::LogLevel::kWarn, "warning: " + settled.status().message());
      warned = true;
      return;
    }
    for (const SettledUnit& u : *settled) {
      sequence = u.sequence;
      if (auto it = jobs.find(u.job); it != jobs.end())
        Settle(it->second, u.date, OutcomeOf(u.outcome), u.rows, u.error);
    }
  };
  const int sig =
      backfill::PumpChildren(children, o.signal_received, console, [&] { follow(false); });
  follow(true);
  // Units another run's batch took over are settled as the ledger says,
  // once nothing is left in the queue.
  auto counts = queue.Counts();
  if (!sig && counts.ok() && counts->idle())
    for (auto& [name, v] : jobs)
      if (Status s = SettleFromLedger(wh, v); !s.ok())
        console.Say(backfill::LogLevel::kWarn, "warning: " + s.message());
  bool units_left = false;
  size_t unsettled = 0;
  for (const ledger::JobPlan& jp : plan.jobs) {
    JobView& v = jobs.at(jp.job->name);
    unsettled += v.pending.size();
    // Units never settled count as they were planned (as in a backfill).
    for (Date d : v.pending) {
      const ledger::UnitPlan* u = jp.Find(d);
      if (u && u->action == ledger::UnitAction::kFailed)
        v.tally.Add(d, backfill::UnitOutcome::kFailed, 0, u->reason);
      else if (u && u->action == ledger::UnitAction::kBlocked)
        v.tally.Add(d, backfill::UnitOutcome::kBlocked, 0, u->reason);
    }
    v.sink->Ended(v.tally);
    // The job's ending as if it had run alone: units never settled are an
    // interruption or an error of the workers.
    const Status ended =
        !v.pending.empty()
            ? (sig ? Status::Interrupted("interrupted with units not settled")
                   : Status::FailedPrecondition("the workers ended with units not settled"))
        : v.tally.failed || v.tally.blocked ? Status::Incomplete("some units failed or are blocked")
                                            : Status::OK();
    backfill::SayJobEnded(console, *jp.job, ended, ExitCodeFor(ended), sig != 0);
    units_left = units_left || ended.code() == Status::Code::kIncomplete;
  }
  std::vector<int> codes;
  bool storage = false;
  for (const backfill::Child& c : children) {
    codes.push_back(c.exit_code);
    storage = storage || c.exit_code == kExitStorage;
  }
  if (sig) {
    const std::string why = fmt::format(
        "Interrupted by signal {}; the workers stopped after their unit in flight "
        "({} units not settled).",
        sig, unsettled);
    return {Status::Interrupted(why),
            {why, fmt::format("Resume with: {}", backfill::ResumeCommand(o))}};
  }
  if (unsettled) {
    const std::string why = fmt::format(
        "Stopping: the workers ended (exit {}) with {} units of the run not settled; "
        "their errors are above.",
        fmt::join(codes, ", "), unsettled);
    return {storage ? Status::Storage(why) : Status::FailedPrecondition(why),
            {why, fmt::format("Once the cause is resolved, resume with: {}",
                              backfill::ResumeCommand(o))}};
  }
  return backfill::FinishRun(o, units_left);
}

namespace {

class DistributedWorkerRun final : public backfill::WorkerRun {
 public:
  std::string NewBatchId() const override { return scaleout::NewBatchId(); }
  std::vector<QueuedUnit> UnitsOf(const ledger::Plan& plan) const override {
    return QueuedUnitsOf(plan);
  }
  backfill::RunEnding Run(const backfill::RunAllOptions& o, Warehouse& wh, WorkQueue& queue,
                          const std::string& batch, const ledger::Plan& plan,
                          backfill::RunConsole& console,
                          const std::map<std::string, backfill::JobEvents*>& sinks) const override {
    return RunWithWorkers(o, wh, queue, batch, plan, console, sinks);
  }
};

}  // namespace

const backfill::WorkerRun& WorkersForRunAll() {
  static const DistributedWorkerRun run;
  return run;
}

}  // namespace phase4::scaleout
