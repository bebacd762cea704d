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
#pragma once

#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "backfill/job_events.h"
#include "backfill/run_console.h"
#include "backfill/run_log.h"
#include "calendar/date.h"
#include "calendar/season_calendar.h"
#include "common/exit_codes.h"
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

// How a run ended: its exit code and what the operator is told after the
// table (the reason, then the command that continues it).
struct RunEnding {
  int code = kExitOk;
  std::vector<std::string> lines;
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

// `workers` runs o.workers >= 0 (refused without one).
int RunAll(const RunAllOptions& options, std::FILE* out, const WorkerRun* workers = nullptr);

// The command that continues this run: the same command. The ledger knows
// what is done, so running it again computes exactly what is left (and
// never --no-resume: that starts over).
std::string ResumeCommand(const RunAllOptions& o);
// Says on the console how one job of the run ended (its exit status; when
// `stopped`, a signal stopped the run).
void SayJobEnded(RunConsole& console, const processors::ProcessorInfo& job, int exit_code,
                 bool stopped);
// The end of a run whose jobs all ran: complete, or the one command that
// retries what is left.
RunEnding FinishRun(const RunAllOptions& o, int worst);

}  // namespace phase4::backfill
