// Small helpers the command files share.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "backfill/run_log.h"
#include "calendar/date.h"
#include "cli/commands.h"
#include "warehouse/warehouse.h"

namespace phase4::cli {

// Where the warehouse was looked for and why there (the absolute path, and
// whether --warehouse, $PHASE4_WAREHOUSE or the default chose it), for the
// message when none is found; empty for a PostgreSQL URI.
std::string WarehouseLookup(const GlobalOptions& g);

// Opens the warehouse named by the global options; prints the error (with
// WarehouseLookup when there is none) and returns nullptr on failure.
std::unique_ptr<Warehouse> OpenWarehouseOrReport(const GlobalOptions& g, bool create);

// A CLI11 validator for `YYYY-MM-DD`.
CLI::Validator DateValidator();

// Parses a date already validated by DateValidator (or empty -> nullopt).
std::optional<Date> OptionalDate(const std::string& text);

// Prints `error: <message>` to stderr.
void ReportError(const std::string& message);

// SIGINT/SIGTERM ask a run to stop after its unit in flight: `stop` is set,
// `signal` says which. Installs the handlers (once) and returns the flags.
struct StopSignals {
  std::atomic<bool> stop{false};
  std::atomic<int> signal{0};
};
StopSignals& InstallStopHandlers();

// The path of this phase4 binary, to start more of it.
std::string SelfExe();

// --log-level as the console and the log take it (validated by main.cc).
backfill::LogLevel LevelOf(const GlobalOptions& g);

}  // namespace phase4::cli
