// run-all (decision 21): every backfill job over one range, in the order the
// processors' declared upstreams impose, shown on one console (live block
// or progress lines, run_console.h) and logged in one file (run_log.h). Two ways, same rows
// (doc/backfill.md, "Pipelined run-all"):
//  * pipelined (the default): every job runs in this process at once, on
//    its own threads, connections, checkpoint and lock; a job computes date
//    D once its upstream jobs have written D (DateBoard), and all jobs read
//    one copy of each season's Phase 3 inputs (SharedSeasons). A job's
//    failed date stops its downstream jobs before that date.
//  * stage by stage (--separate-processes, and every --dry-run): each job
//    is a child `phase4 backfill` process; jobs whose upstreams are all done
//    run concurrently (#1 and #2), the rest in order, and the chain stops
//    when a job exits non-zero.
// SIGINT/SIGTERM stop every job after its current date and print how to
// resume with --start-from.
// RunAll returns how the run ended (RunAllResult); the CLI ends the run on
// its console and picks the exit code from it.
#pragma once

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backfill/job_events.h"
#include "backfill/run_console.h"
#include "backfill/run_log.h"
#include "calendar/date.h"
#include "calendar/season_calendar.h"
#include "common/status.h"
#include "ledger/plan.h"
#include "processors/common/processor.h"
#include "warehouse/warehouse.h"
#include "warehouse/work_queue.h"

namespace phase4::backfill {

// The processors grouped into stages: a processor's stage is one more than
// the latest stage of its upstreams; processors of one stage run together.
std::vector<std::vector<const processors::ProcessorInfo*>> ExecutionStages();

struct RunAllOptions {
  Date start{}, end{};
  bool dry_run = false;
  bool no_resume = false;
  int start_from = 1;  // processor number (execution order) to start from
  int bootstrap_days = kDefaultBootstrapDays;
  std::string checkpoint_dir;
  std::string warehouse;                              // passed to the children as --warehouse
  std::string self_exe;                               // the phase4 binary to run the jobs with
  bool separate_processes = false;                    // stage by stage, one process per job
  const std::atomic<int>* signal_received = nullptr;  // set by the caller's signal handler
  const std::atomic<bool>* stop_requested = nullptr;  // set by the same handler
  // The console (run_console.h): --quiet, --json, whether stdout is a
  // terminal (the live block), and --log-level for the console and the log.
  bool quiet = false, json = false, terminal = false;
  LogLevel log_level = LogLevel::kInfo;
  // The log file; empty: <checkpoint dir>/logs/run-all_<start>_<end>_<time>.log.
  std::string log_file;
  // --workers N (PostgreSQL only, doc/scale-out.md): the units go into the
  // warehouse's work queue and N local `phase4 worker` processes do them;
  // 0 only queues them for workers started elsewhere. -1: not asked.
  int workers = -1;
  double lease_seconds = kDefaultLeaseSeconds;  // the workers' leases
  int max_attempts = kDefaultMaxAttempts;       // claims of a unit before it stays failed
};

// How a run ended: its status and what the operator is told after the
// table (the reason, then the command that continues it).
struct RunEnding {
  // OK; kIncomplete: units failed or are blocked; kInterrupted; kStorage;
  // kBusy: a job's lock is held; another code: a job or the run could not go on.
  Status status;
  std::vector<std::string> lines;
};

// How a run-all ended, for the CLI to say and to pick the exit code from.
struct RunAllResult {
  RunAllResult() = default;
  // A run-all that ended with `status` before any job ran.
  RunAllResult(Status status) : status(std::move(status)) {}  // NOLINT: implicit by design

  // As RunEnding's; also kUsage (asked wrongly), and, for a --dry-run,
  // kIncomplete when the plan has units failed or blocked. Before the jobs
  // ran (`console` null) the message is the error to print, if any.
  Status status;
  // Said after the closing table: how the run ended, what continues it.
  std::vector<std::string> lines;
  // The same command, which retries what is left; empty when the run is
  // complete.
  std::string retry_command;
  // The run's log and the console its jobs ran on, for the CLI to end the
  // run on (RunConsole::Conclude: the table, `lines`, the log's path). Null
  // when no job ran: an error first, or a dry run, an off-season range or
  // units only queued for workers elsewhere, whose text RunAll printed.
  std::unique_ptr<RunLog> log;
  std::unique_ptr<RunConsole> console;
};

// How run-all hands its units to workers (--workers, doc/scale-out.md).
// scaleout/distributed_run.h implements it and the CLI passes it in, so
// that this layer does not depend on the one built on top of it.
class WorkerRun {
 public:
  virtual ~WorkerRun() = default;
  // A batch id naming this run.
  virtual std::string NewBatchId() const = 0;
  // The units a run of `plan` settles, for the queue.
  virtual std::vector<QueuedUnit> UnitsOf(const ledger::Plan& plan) const = 0;
  // Starts o.workers local workers and follows `batch` on `console` until
  // every unit settled; says how the run ended.
  virtual RunEnding Run(const RunAllOptions& o, Warehouse& wh, WorkQueue& queue,
                        const std::string& batch, const ledger::Plan& plan, RunConsole& console,
                        const std::map<std::string, JobEvents*>& sinks) const = 0;
};

// Runs the run-all `options` asks for; `out` gets its console, its plan
// (--dry-run) or what it queued. `workers` runs o.workers >= 0 (refused
// without one). Prints no error of its own before its console exists: the
// result's status says it.
RunAllResult RunAll(const RunAllOptions& options, std::FILE* out,
                    const WorkerRun* workers = nullptr);

// The command that continues this run: the same command. The ledger knows
// what is done, so running it again computes exactly what is left (and
// never --no-resume: that starts over).
std::string ResumeCommand(const RunAllOptions& o);
// Says on the console how one job of the run ended: `ended`, shown with
// `exit_code` (a job process's own, or ExitCodeFor of a job's status); when `stopped`, a signal
// stopped the run.
void SayJobEnded(RunConsole& console, const processors::ProcessorInfo& job, const Status& ended,
                 int exit_code, bool stopped);
// The end of a run whose jobs all ran: complete, or (`units_left`: units
// failed or are blocked) the one command that retries what is left.
RunEnding FinishRun(const RunAllOptions& o, bool units_left);

}  // namespace phase4::backfill
