#include "cli/cli_support.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>

#include "tableio/csv.h"

namespace phase4::cli {

std::string WarehouseLookup(const GlobalOptions& g) {
  const std::string location = ResolveWarehouseDir(g.warehouse);
  if (IsPostgresUri(location)) return {};
  std::error_code ec;
  const std::string absolute = std::filesystem::absolute(location, ec).lexically_normal().string();
  const char* env = std::getenv("PHASE4_WAREHOUSE");
  const std::string from = !g.warehouse.empty() ? "given with --warehouse"
                           : env && *env        ? "from $PHASE4_WAREHOUSE"
                                         : "the default ./warehouse of the current directory";
  return fmt::format("looked in {} ({}); give --warehouse DIR|URI or set PHASE4_WAREHOUSE",
                     absolute, from);
}

std::unique_ptr<Warehouse> OpenWarehouseOrReport(const GlobalOptions& g, bool create) {
  auto wh = Warehouse::Open(ResolveWarehouseDir(g.warehouse), create);
  if (!wh.ok()) {
    std::string message = wh.status().message();
    if (wh.status().code() == Status::Code::kNotFound)
      if (std::string lookup = WarehouseLookup(g); !lookup.empty()) message += "; " + lookup;
    ReportError(message);
    return nullptr;
  }
  return std::move(wh).value();
}

CLI::Validator DateValidator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (ParseDate(s)) return {};
        return fmt::format("Invalid date format: {} (expected YYYY-MM-DD)", s);
      },
      "DATE", "date");
}

std::optional<Date> OptionalDate(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return ParseDate(text);
}

// A message may quote bytes of a damaged file or warehouse: escaped so the
// terminal and logs only ever get valid UTF-8.
void ReportError(const std::string& message) {
  fmt::print(stderr, "error: {}\n", tableio::EscapeInvalidUtf8(message));
}

namespace {
StopSignals g_signals;
void OnStopSignal(int sig) {
  g_signals.stop = true;
  g_signals.signal = sig;
}
}  // namespace

StopSignals& InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return g_signals;
}

std::string SelfExe() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("phase4");
}

backfill::LogLevel LevelOf(const GlobalOptions& g) {
  return backfill::ParseLogLevel(g.log_level).value_or(backfill::LogLevel::kInfo);
}

}  // namespace phase4::cli
