// `run-all --workers N` (doc/scale-out.md): the run's units go into the
// warehouse's work queue (warehouse/work_queue.h) as one batch, N local
// `phase4 worker --until-idle` processes (and any started on other
// machines) claim and commit them, and run-all follows the batch in the
// queue to show the same console, table and exit code as a run in one
// process.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backfill/job_events.h"
#include "backfill/orchestrator.h"
#include "backfill/run_console.h"
#include "ledger/plan.h"
#include "warehouse/warehouse.h"
#include "warehouse/work_queue.h"

namespace phase4::scaleout {

// The units a run of `plan` settles (each job's Todo()), for the queue:
// with the upstream jobs each waits for, and whether it is an early
// cut-off recheck.
std::vector<QueuedUnit> QueuedUnitsOf(const ledger::Plan& plan);

// A batch id naming this run: `run-all <host>:<pid> <UTC time>`.
std::string NewBatchId();

// The command of one local worker of the run.
std::vector<std::string> WorkerArgs(const backfill::RunAllOptions& o);

// Starts o.workers local workers, shows the units of `batch` on `console`
// as they settle (into each job's sink), waits for the workers, and says
// how the run ended as run-all does. `wh` reads the ledger at the end for
// units another run took into its own batch meanwhile.
backfill::RunEnding RunWithWorkers(const backfill::RunAllOptions& o, Warehouse& wh, WorkQueue& queue,
                         const std::string& batch, const ledger::Plan& plan, backfill::RunConsole& console,
                         const std::map<std::string, backfill::JobEvents*>& sinks);

// The above as run-all's WorkerRun (backfill/orchestrator.h), which the CLI
// hands to RunAll.
const backfill::WorkerRun& WorkersForRunAll();

}  // namespace phase4::scaleout
