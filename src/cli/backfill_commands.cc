// backfill and run-all: the date-range jobs (decisions 14-21).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "backfill/backfill_job.h"
#include "backfill/checkpoint_writer.h"
#include "backfill/job_events.h"
#include "backfill/orchestrator.h"
#include "backfill/run_console.h"
#include "backfill/run_log.h"
#include "cli/checkpoint_status.h"
#include "cli/cli_support.h"
#include "common/exit_codes.h"
#include "processors/registry.h"
#include "scaleout/distributed_run.h"

namespace phase4::cli {

namespace {

const char* const kExitCodesHelp =
    "Exit status: 0 all done, 2 some dates failed or are blocked, 64 usage error, 74 storage "
    "failure, 75 another run holds the lock, 130 interrupted, 1 anything else.";

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

// The jobs by number, with what each reads, from the registry.
std::string JobsHelp() {
  std::string out = "Jobs, in execution order:\n";
  for (const auto* p : processors::AllProcessors()) {
    std::vector<std::string> reads;
    for (const auto& up : p->phase4_upstreams)
      if (const auto* u = processors::FindProcessor(up))
        reads.push_back("#" + std::to_string(u->order));
    if (!p->phase3_inputs.empty()) reads.push_back("Phase 3");
    out += fmt::format("  {} {:<28} (reads {})\n", p->order, p->name, fmt::join(reads, ", "));
  }
  return out;
}

// How --separate-processes runs the stages (ExecutionStages()), e.g. "jobs
// of one stage concurrently (#1 and #2), later stages in order (#3, #4, #5)".
std::string StagesHelp() {
  const auto stages = backfill::ExecutionStages();
  std::vector<std::string> first, later;
  for (size_t i = 0; i < stages.size(); ++i)
    for (const auto* p : stages[i])
      (i == 0 ? first : later).push_back(fmt::format("#{}", p->order));
  return fmt::format("jobs of one stage concurrently ({}), later stages in order ({})",
                     fmt::join(first, " and "), fmt::join(later, ", "));
}

const char* const kConsoleHelp =
    "On a terminal a live block shows each job (bar, dates done, failures, rate, ETA); otherwise a "
    "progress line every 10 dates per job. Per-date detail goes to the log file "
    "(<checkpoint dir>/logs/, or --log-file); --log-level debug also shows it, warn shows only "
    "problems. Every run ends with a table per job, the command that retries what is left, and "
    "the log's path.\n";

// Says how the job ended on its events and, for --status, what it found:
// the CHECKPOINT STATUS block, or the ledger's view as a checkpoint document
// (--json). Returns the exit code.
int SayBackfillResult(const backfill::BackfillResult& result, const backfill::BackfillOptions& b,
                      backfill::JobEvents& events) {
  backfill::SayJobResult(result, events);
  if (const auto& status = result.checkpoint_status) {
    if (b.json)
      fmt::print("{}", backfill::CheckpointToJson(status->view, NowTimestampUtc()));
    else if (!b.quiet)
      fmt::print("{}", FormatCheckpointStatus(status->checkpoint_path, status->view.job_name(),
                                              b.start, b.end, status->view, status->game_dates));
  }
  return ExitCodeFor(result.status);
}

// The end of a run-all: before its jobs ran, the error that kept them from
// running (if any); after, its console's end (the table, how it ended, the
// log's path). Returns the exit code.
int EndRunAll(const backfill::RunAllOptions& r, backfill::RunAllResult& result) {
  const int code = ExitCodeFor(result.status);
  if (!result.console) {
    // A plan with units left (--dry-run) is no error: the plan says it.
    if (!result.status.ok() && result.status.code() != Status::Code::kIncomplete)
      fmt::print(stderr, "error: {}\n", result.status.message());
    return code;
  }
  backfill::RunEnd end;
  end.command = "run-all";
  end.start = r.start;
  end.end = r.end;
  end.exit_code = code;
  end.lines = result.lines;
  end.retry_command = result.retry_command;
  end.log_file = result.log->path().string();
  return result.console->Conclude(end);
}

}  // namespace

void AddBackfillCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd =
      app.add_subcommand("backfill", "Run one Phase 4 job over a date range, with checkpoints");
  struct Opts {
    std::string job, start, end, dates, log_file;
    bool events = false;
    backfill::BackfillOptions b;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("JOB", o->job, "Job: " + processors::ProcessorNames())->required();
  cmd->add_option("--start-date", o->start, "First date of the range")->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Last date of the range")->check(DateValidator());
  cmd->add_option("--dates", o->dates,
                  "Process exactly these dates (comma-separated); no checkpoint");
  cmd->add_flag("--dry-run", o->b.dry_run, "Print the plan of the run; write nothing");
  cmd->add_flag("--status", o->b.status, "Print the checkpoint status and exit");
  cmd->add_flag("--no-resume", o->b.no_resume, "Ignore the checkpoint and start the range over");
  cmd->add_option("--bootstrap-days", o->b.bootstrap_days, "Bootstrap period in days (default 7)")
      ->check(CLI::Range(0, 60));
  cmd->add_option("--checkpoint-dir", o->b.checkpoint_dir, "Checkpoint directory")
      ->default_str(backfill::kDefaultCheckpointDirectory);
  cmd->add_option("--log-file", o->log_file,
                  "Log file (default: <checkpoint dir>/logs/<job>_<start>_<end>_<time>.log)");
  cmd->add_flag("--quiet,-q", o->b.quiet, "Print nothing but errors; the exit code says the rest");
  cmd->add_flag("--json", o->b.json, "Print one JSON summary object on stdout (errors on stderr)");
  // run-all's children report as events on stdout (backfill/job_events.h).
  cmd->add_flag("--events", o->events, "")->group("");
  cmd->footer(std::string("Progress is the warehouse's unit ledger (doc/ledger.md): running the "
                          "same command again computes exactly what is missing, failed, blocked "
                          "or stale.\n") +
              kConsoleHelp +
              "Examples:\n"
              "  phase4 backfill team_defense_zone_analysis --start-date 2023-11-01 --end-date "
              "2023-11-30\n"
              "  phase4 backfill player_daily_cache --dates 2024-01-05,2024-01-12\n" +
              kExitCodesHelp);
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      backfill::BackfillOptions b = o->b;
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
      const processors::ProcessorInfo* info = processors::FindProcessor(b.job);
      if (!info) {
        ReportError(
            fmt::format("unknown job '{}' (jobs: {})", b.job, processors::ProcessorNames()));
        return kExitUsage;
      }
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return kExitFatal;
      b.command_prefix = g.warehouse.empty()
                             ? "phase4"
                             : "phase4 --warehouse " + backfill::ShellQuote(g.warehouse);
      b.stop_requested = &InstallStopHandlers().stop;
      // Into a pipe or file: block-buffered (run-all reads the events live;
      // the job flushes them with its checkpoint saves).
      const bool terminal = isatty(STDOUT_FILENO) != 0;
      if (!terminal) setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
      if (o->events) {
        backfill::EventStreamWriter events(stdout);
        b.events = &events;
        return SayBackfillResult(backfill::RunBackfill(*wh, b, stdout), b, events);
      }
      if (b.dry_run || b.status) {
        // The operator document's lines on stdout, warnings and errors on
        // stderr; no log, no closing table.
        backfill::RunConsole console(stdout, b.err, backfill::ConsoleMode::kLines,
                                     backfill::LogLevel::kInfo, nullptr, /*many_jobs=*/false);
        b.events = &console.AddJob(0, b.job);
        return SayBackfillResult(backfill::RunBackfill(*wh, b, stdout), b, *b.events);
      }
      const Date first =
          b.dates.empty() ? b.start : *std::min_element(b.dates.begin(), b.dates.end());
      const Date last = b.dates.empty() ? b.end : *std::max_element(b.dates.begin(), b.dates.end());
      auto log = backfill::RunLog::Open(
          o->log_file.empty() ? backfill::DefaultLogPath(b.checkpoint_dir, b.job, first, last)
                              : std::filesystem::path(o->log_file),
          LevelOf(g));
      if (!log.ok()) {
        ReportError(log.status().message());
        return kExitFatal;
      }
      backfill::RunConsole console(stdout, stderr,
                                   backfill::ChooseConsoleMode(b.quiet, b.json, terminal),
                                   LevelOf(g), log->get(), /*many_jobs=*/false);
      b.events = &console.AddJob(info->order, info->name);
      const backfill::BackfillResult result = backfill::RunBackfill(*wh, b, stdout);
      backfill::RunEnd end;
      end.command = "backfill";
      end.start = first;
      end.end = last;
      end.exit_code = SayBackfillResult(result, b, *b.events);
      end.log_file = (*log)->path().string();
      if (!result.retry_command.empty()) {
        end.retry_command = result.retry_command;
        end.lines = {"To retry what is left, run the same command again:",
                     "  " + end.retry_command};
      }
      return console.Conclude(end);
    };
  });
}

void AddRunAllCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand("run-all", "Run every Phase 4 backfill job in dependency order");
  struct Opts {
    std::string start, end;
    backfill::RunAllOptions r;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--start-date", o->start, "First date")->required()->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Last date")->required()->check(DateValidator());
  cmd->add_flag("--dry-run", o->r.dry_run, "Print the plan of the run; write nothing");
  cmd->add_option("--start-from", o->r.start_from,
                  fmt::format("Start from job N (1-{}, below); the earlier jobs must be up to date",
                              processors::AllProcessors().size()));
  cmd->add_flag("--no-resume", o->r.no_resume, "Recompute every unit of the range");
  cmd->add_option("--bootstrap-days", o->r.bootstrap_days, "Bootstrap period in days (default 7)")
      ->check(CLI::Range(0, 60));
  cmd->add_option("--checkpoint-dir", o->r.checkpoint_dir,
                  std::string("Checkpoint directory (default ") +
                      backfill::kDefaultCheckpointDirectory + "); logs go to its logs/ folder");
  cmd->add_option("--log-file", o->r.log_file,
                  "Log file (default: <checkpoint dir>/logs/run-all_<start>_<end>_<time>.log)");
  cmd->add_flag("--separate-processes", o->r.separate_processes,
                "One `phase4 backfill` process per job, stage by stage");
  auto* workers = cmd->add_option("--workers", o->r.workers,
                                  "PostgreSQL: queue the units in the warehouse and run N local "
                                  "`phase4 worker` processes over them (0: only queue them)")
                      ->check(CLI::Range(0, 256));
  auto* lease = cmd->add_option("--lease-seconds", o->r.lease_seconds,
                                "With --workers: the workers' lease on a unit (default 30)")
                    ->check(CLI::Range(1.0, 3600.0));
  auto* attempts = cmd->add_option("--max-attempts", o->r.max_attempts,
                                   "With --workers: claims of a unit before it stays failed "
                                   "(default 3)")
                       ->check(CLI::Range(1, 100));
  lease->needs(workers);
  attempts->needs(workers);
  workers->excludes("--separate-processes");
  cmd->add_flag("--quiet,-q", o->r.quiet, "Print nothing but errors; the exit code says the rest");
  cmd->add_flag("--json", o->r.json, "Print one JSON summary object on stdout (errors on stderr)");
  cmd->footer(
      JobsHelp() +
      "Each date of a job runs once its upstream jobs have written that date; all jobs run "
      "together in this process and read each season once. With --separate-processes: " +
      StagesHelp() +
      ". A failed or blocked date never stops the other dates; running the same command again "
      "computes exactly what is left (the warehouse's ledger, doc/ledger.md).\n" +
      std::string("Checkpoints: ") + backfill::kDefaultCheckpointDirectory +
      " unless --checkpoint-dir.\n" + kConsoleHelp +
      "With --workers N (a PostgreSQL warehouse): the units go into the warehouse's work queue "
      "and N local `phase4 worker` processes, with any started on other machines, claim and "
      "commit them (doc/scale-out.md); --workers 0 only queues them.\n"
      "Examples:\n"
      "  phase4 run-all --start-date 2021-10-19 --end-date 2025-06-22\n"
      "  phase4 run-all --start-date 2024-01-01 --end-date 2024-03-31 --dry-run\n"
      "  phase4 --warehouse postgresql://phase4_run@db/nba run-all --start-date 2021-10-19 "
      "--end-date 2025-06-22 --workers 4\n" +
      std::string(kExitCodesHelp));
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      backfill::RunAllOptions r = o->r;
      r.start = *ParseDate(o->start);
      r.end = *ParseDate(o->end);
      r.warehouse = ResolveWarehouseDir(g.warehouse);
      // A missing warehouse is reported with where it was looked for.
      if (!OpenWarehouseOrReport(g, /*create=*/false)) return kExitFatal;
      r.self_exe = SelfExe();
      r.log_level = LevelOf(g);
      r.terminal = isatty(STDOUT_FILENO) != 0;
      StopSignals& signals = InstallStopHandlers();
      r.signal_received = &signals.signal;
      r.stop_requested = &signals.stop;
      setvbuf(stdout, nullptr, _IOLBF, 0);
      backfill::RunAllResult result = backfill::RunAll(r, stdout, &scaleout::WorkersForRunAll());
      return EndRunAll(r, result);
    };
  });
}

}  // namespace phase4::cli
