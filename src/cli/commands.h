// The subcommands of `phase4`. main.cc creates the CLI11 app, calls each
// Add*Command, parses, and runs the selected command's action.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace phase4::cli {

// Options shared by every command.
struct GlobalOptions {
  std::string warehouse;  // --warehouse; resolved by ResolveWarehouseDir
  std::string log_level = "info";
};

// A command's action returns the process exit status.
using Action = std::function<int()>;

// Each Add*Command registers a subcommand and stores the action to run when
// that subcommand is selected in `*action`.
void AddInitCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddCheckCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddLoadScheduleCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddImportCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddExportCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddGenerateCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddVerifyPhase3Command(CLI::App& app, GlobalOptions& g, Action* action);
void AddProcessCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddBackfillCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddRunAllCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddWorkerCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddPlanCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddStatusCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddOutboxCommand(CLI::App& app, GlobalOptions& g, Action* action);
void AddReportCommand(CLI::App& app, GlobalOptions& g, Action* action);

}  // namespace phase4::cli
