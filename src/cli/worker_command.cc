// worker: claims units from a PostgreSQL warehouse's work queue and
// computes them (doc/scale-out.md).
#include <fmt/format.h>

#include "cli/cli_support.h"
#include "common/exit_codes.h"
#include "scaleout/worker.h"

namespace phase4::cli {

void AddWorkerCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "worker",
      "Claim units from a PostgreSQL warehouse's work queue and compute them (any machine)");
  struct Opts {
    scaleout::WorkerOptions w;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_flag("--until-idle", o->w.until_idle,
                "Exit once nothing is runnable and nothing is leased (else wait for work until "
                "SIGINT/SIGTERM)");
  cmd->add_option("--lease-seconds", o->w.lease_seconds,
                  "How long a claim lasts without a heartbeat (renewed every third; default 30)")
      ->check(CLI::Range(1.0, 3600.0));
  cmd->add_option("--poll-seconds", o->w.idle_poll_seconds,
                  "Pause between claim attempts while nothing is runnable (default 0.5)")
      ->check(CLI::Range(0.01, 60.0));
  cmd->add_option("--reconnect-seconds", o->w.reconnect_seconds,
                  "How long the warehouse may stay unreachable before the worker exits 74 "
                  "(default 120)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->footer(
      "Units come from `run-all --workers N` (0: only queue them). Each claim is a lease with a "
      "fencing token: the worker renews the lease while it computes, and commits the unit's "
      "rows, its ledger record and the claim in one transaction that the server refuses once "
      "another worker took the unit over. A crashed worker's units are claimable again when "
      "their leases expire. A worker keeps the season it loaded and takes that season's units "
      "next. Run one per core on as many machines as reach the warehouse.\n"
      "Examples:\n"
      "  phase4 --warehouse postgresql://phase4_run@db.example/nba worker\n"
      "  phase4 --warehouse postgresql://phase4_run@db.example/nba worker --until-idle\n"
      "Exit status: 0 idle and every unit of the queue done (--until-idle), 2 idle and some "
      "failed or are blocked, 64 usage error or not a PostgreSQL warehouse, 74 the warehouse "
      "stayed unreachable, 130 stopped by SIGINT/SIGTERM after the unit in flight, 1 anything "
      "else.");
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      scaleout::WorkerOptions w = o->w;
      w.warehouse = ResolveWarehouseDir(g.warehouse);
      w.command = fmt::format("phase4 --warehouse {} worker{} --lease-seconds {}", w.warehouse,
                              w.until_idle ? " --until-idle" : "", w.lease_seconds);
      w.stop_requested = &InstallStopHandlers().stop;
      w.level = LevelOf(g);
      return ExitCodeFor(scaleout::RunWorker(w));
    };
  });
}

}  // namespace phase4::cli
