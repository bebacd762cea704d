// `phase4 worker` (doc/scale-out.md): one process, on any machine that
// reaches the PostgreSQL warehouse, that claims runnable units from the
// work queue (warehouse/work_queue.h), computes each as a backfill would
// (backfill/unit_work.h) and commits its rows, its ledger record and its
// claim's settlement in one transaction fenced by the claim's token.
//
//  * It keeps the season it loaded and prefers the units of that season
//    and job, so N workers do not each load every season.
//  * A heartbeat thread renews the lease of the unit it holds
//    (lease_keeper.h); a worker that stops renewing loses the unit to
//    another worker once the lease expires, and its late commit is refused.
//  * A failed unit goes back to the queue until its claims reach the
//    batch's limit, then stays failed with its error.
//  * When the warehouse goes away (a server restart), the unit in flight is
//    given back and the worker reconnects, for up to `reconnect_seconds`.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>

#include "backfill/run_log.h"
#include "warehouse/work_queue.h"

namespace phase4::scaleout {

struct WorkerOptions {
  std::string warehouse;  // a postgresql:// URI (password-free)
  // Exit once nothing is runnable and nothing is leased; otherwise wait for
  // work until SIGINT/SIGTERM.
  bool until_idle = false;
  double lease_seconds = kDefaultLeaseSeconds;
  // The pause between claim attempts while nothing is runnable.
  double idle_poll_seconds = 0.5;
  // How long the warehouse may stay unreachable before the worker gives up.
  double reconnect_seconds = 120;
  std::string command;  // this worker's command line, for the registry
  const std::atomic<bool>* stop_requested = nullptr;
  backfill::LogLevel level = backfill::LogLevel::kInfo;
  std::FILE* out = stdout;
  std::FILE* err = stderr;
};

// Runs the worker until the queue is idle (--until-idle), a signal, or a
// failure; the worker logs as it goes, and returns how it ended, which the
// CLI turns into the exit status (ExitCodeFor): OK (0) idle and every unit
// of the queue done; kIncomplete (2) idle and some failed or are blocked;
// kUsage (64) not a PostgreSQL warehouse; kStorage (74) the warehouse
// stayed unreachable; kInterrupted (130) stopped by SIGINT/SIGTERM after
// the unit in flight; kFailedPrecondition (1) anything else.
Status RunWorker(const WorkerOptions& options);

}  // namespace phase4::scaleout
