// phase4: the command-line entry point. Each subcommand lives in its own
// file under src/cli/; this file wires them together.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "common/exit_codes.h"

// jemalloc's built-in options (read at startup; $MALLOC_CONF still adds to
// them; unused by the sanitizer builds, which keep their own allocator). One
// arena for every thread: a season read ahead on a new thread then reuses
// the pages the previous season freed instead of faulting in fresh ones
// (doc/benchmarks.md: a job's page faults -40 %, peak RSS -120 MiB).
extern "C" const char* malloc_conf;
const char* malloc_conf = "narenas:1";

int main(int argc, char** argv) {
  using namespace phase4::cli;
  CLI::App app{"phase4: computes the Phase 4 precompute tables of the NBA props platform"};
  app.require_subcommand(1);
  // The global options may also follow the command (`run-all ... --log-level
  // warn`), as operators type them.
  app.fallthrough(true);
  app.set_help_all_flag("--help-all", "Show help for every command");
  GlobalOptions g;
  app.add_option("--warehouse", g.warehouse,
                 "Warehouse directory (default: $PHASE4_WAREHOUSE, else ./warehouse)");
  app.add_option("--log-level", g.log_level, "Log level: trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  Action action;
  AddInitCommand(app, g, &action);
  AddCheckCommand(app, g, &action);
  AddLoadScheduleCommand(app, g, &action);
  AddImportCommand(app, g, &action);
  AddExportCommand(app, g, &action);
  AddGenerateCommand(app, g, &action);
  AddVerifyPhase3Command(app, g, &action);
  AddProcessCommand(app, g, &action);
  AddBackfillCommand(app, g, &action);
  AddRunAllCommand(app, g, &action);
  AddWorkerCommand(app, g, &action);
  AddPlanCommand(app, g, &action);
  AddStatusCommand(app, g, &action);
  AddOutboxCommand(app, g, &action);
  AddReportCommand(app, g, &action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 64 (common/exit_codes.h); --help exits 0.
    int rc = app.exit(e);
    return rc == 0 ? 0 : phase4::kExitUsage;
  }
  auto logger = spdlog::stderr_color_mt("phase4");
  logger->set_pattern("%Y-%m-%d %H:%M:%S %^%l%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(g.log_level));
  return action ? action() : 1;
}
