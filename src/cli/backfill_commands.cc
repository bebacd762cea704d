// backfill and run-all: the date-range jobs (decisions 14-21).
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <climits>

#include "backfill/backfill_job.h"
#include "backfill/orchestrator.h"
#include "cli/cli_support.h"
#include "processors/registry.h"

namespace phase4::cli {

namespace {

const char* const kExitCodesHelp =
    "Exit status: 0 all done, 2 some dates failed or are blocked, 64 usage error, 74 storage "
    "failure, 75 another run holds the lock, 130 interrupted, 1 anything else.";

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

void OnStopSignal(int sig) {
  g_stop = true;
  g_signal = sig;
}

// SIGINT/SIGTERM ask the run to stop after the current date.
void InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// Parses `--dates a,b,c` (whitespace around items trimmed).
bool ParseDateList(const std::string& text, std::vector<Date>* out) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    auto d = ParseDate(item);
    if (!d) {
      ReportError(fmt::format("Invalid date format: '{}'", item));
      fmt::print(stderr, "Expected format: YYYY-MM-DD,YYYY-MM-DD,...\n");
      return false;
    }
    out->push_back(*d);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return true;
}

std::string SelfExe() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("phase4");
}

}  // namespace

void AddBackfillCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd =
      app.add_subcommand("backfill", "Run one Phase 4 job over a date range, with checkpoints");
  struct Opts {
    std::string job, start, end, dates;
    BackfillOptions b;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("JOB", o->job, "Job: " + processors::ProcessorNames())->required();
  cmd->add_option("--start-date", o->start, "First date of the range")->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Last date of the range")->check(DateValidator());
  cmd->add_option("--dates", o->dates,
                  "Process exactly these dates (comma-separated); no checkpoint");
  cmd->add_flag("--dry-run", o->b.dry_run, "Check each date's inputs; write nothing");
  cmd->add_flag("--status", o->b.status, "Print the checkpoint status and exit");
  cmd->add_flag("--no-resume", o->b.no_resume, "Ignore the checkpoint and start the range over");
  cmd->add_option("--bootstrap-days", o->b.bootstrap_days, "Bootstrap period in days (default 7)")
      ->check(CLI::Range(0, 60));
  cmd->add_option("--checkpoint-dir", o->b.checkpoint_dir, "Checkpoint directory")
      ->default_str(kDefaultCheckpointDirectory);
  cmd->footer(std::string("Progress is the warehouse's unit ledger (doc/ledger.md): running the same "
                          "command again computes exactly what is missing, failed, blocked or "
                          "stale.\nExample: phase4 backfill team_defense_zone_analysis "
                          "--start-date 2023-11-01 --end-date 2023-11-30\n") +
              kExitCodesHelp);
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      BackfillOptions b = o->b;
      b.job = o->job;
      if (!o->dates.empty()) {
        if (!ParseDateList(o->dates, &b.dates)) return kExitUsage;
      } else if (o->start.empty() || o->end.empty()) {
        ReportError("--start-date and --end-date are required (or --dates)");
        return kExitUsage;
      } else {
        b.start = *ParseDate(o->start);
        b.end = *ParseDate(o->end);
      }
      if (!processors::FindProcessor(b.job)) {
        ReportError(
            fmt::format("unknown job '{}' (jobs: {})", b.job, processors::ProcessorNames()));
        return kExitUsage;
      }
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return kExitFatal;
      b.command_prefix =
          g.warehouse.empty() ? "phase4" : "phase4 --warehouse " + ShellQuote(g.warehouse);
      InstallStopHandlers();
      b.stop_requested = &g_stop;
      b.live_bar = isatty(STDOUT_FILENO) != 0;
      // Into a pipe or file: block-buffered, and the progress reporter
      // flushes at least every 100 ms (run-all reads the jobs' output live).
      if (!b.live_bar) setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
      return RunBackfill(*wh, b, stdout);
    };
  });
}

void AddRunAllCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand("run-all", "Run every Phase 4 backfill job in dependency order");
  struct Opts {
    std::string start, end;
    RunAllOptions r;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--start-date", o->start, "First date")->required()->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Last date")->required()->check(DateValidator());
  cmd->add_flag("--dry-run", o->r.dry_run, "Check inputs only");
  cmd->add_option("--start-from", o->r.start_from, "Start from processor N (1-5)");
  cmd->add_flag("--no-resume", o->r.no_resume, "Ignore checkpoints");
  cmd->add_option("--bootstrap-days", o->r.bootstrap_days, "Bootstrap period in days")
      ->check(CLI::Range(0, 60));
  cmd->add_option("--checkpoint-dir", o->r.checkpoint_dir, "Checkpoint directory");
  cmd->add_flag("--separate-processes", o->r.separate_processes,
                "One `phase4 backfill` process per job, stage by stage");
  cmd->footer(
      "Execution order: each date of a job runs once its upstream jobs have written that date; "
      "all jobs run together in this process and read each season once. With "
      "--separate-processes: stages derived from each processor's "
      "upstreams, jobs of one stage concurrently (#1 and #2), later stages in order (#3, #4, #5). "
      "A failed or blocked date never stops the other dates; running the same command again "
      "computes exactly what is left.\nExample: phase4 run-all --start-date 2021-10-19 "
      "--end-date 2025-06-22\n" +
      std::string(kExitCodesHelp));
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      RunAllOptions r = o->r;
      r.start = *ParseDate(o->start);
      r.end = *ParseDate(o->end);
      r.warehouse = ResolveWarehouseDir(g.warehouse);
      r.self_exe = SelfExe();
      InstallStopHandlers();
      r.signal_received = &g_signal;
      r.stop_requested = &g_stop;
      setvbuf(stdout, nullptr, _IOLBF, 0);
      return RunAll(r, stdout);
    };
  });
}

}  // namespace phase4::cli
