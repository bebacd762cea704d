// One backfill job: one processor over a date range (decisions 14-20).
//
// Walks the game dates of the range (or exactly the `--dates` given),
// skips and records bootstrap dates, checks each date's inputs (decision
// 16), runs the processor in backfill mode (decision 15: backfill_mode,
// skip_downstream_trigger, no strict mode), records each date in the
// checkpoint (decision 17) and in the run history (decision 24), reports
// its progress, per-date detail and final summary as events (job_events.h,
// decision 19), and returns how it ended (job_result.h) for its caller to
// say and, in the CLI, to turn into the exit status of decision 20.
#pragma once

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "backfill/job_result.h"
#include "calendar/date.h"
#include "calendar/season_calendar.h"
#include "warehouse/warehouse.h"

namespace phase4::ledger {
struct Plan;
}  // namespace phase4::ledger

namespace phase4::backfill {

class DateBoard;
class JobEvents;
class SharedSeasonsUser;
class UpstreamRows;

inline constexpr const char* kDefaultCheckpointDirectory = "/tmp/backfill_checkpoints";

struct BackfillOptions {
  std::string job;
  Date start{}, end{};
  std::vector<Date> dates;  // --dates: exactly these (recomputed), no checkpoint
  bool dry_run = false;
  bool status = false;  // --status: the result carries the ledger's view instead of a run
  bool no_resume = false;
  int bootstrap_days = kDefaultBootstrapDays;
  std::string checkpoint_dir = kDefaultCheckpointDirectory;
  // How to invoke phase4 again in the retry command (e.g. "phase4
  // --warehouse W").
  std::string command_prefix = "phase4";
  // Set (by a signal handler) to stop after the current date.
  const std::atomic<bool>* stop_requested = nullptr;
  // --dry-run: print the plan as JSON, or nothing (the exit code says it).
  bool json = false, quiet = false;
  // Where the job reports its progress, lines and summary (job_events.h):
  // the console of `phase4 backfill`, or the stream run-all reads. When
  // null, the job prints them to `out` as the operator document shows,
  // warnings to `err`. How it ended is the result, which the caller says.
  JobEvents* events = nullptr;
  std::FILE* err = stderr;
  // Set when the job is one of several of an in-process run-all
  // (orchestrator.h): the job plans its pending dates on `board`, each date
  // waits there for its upstream jobs and is recorded there once its
  // checkpoint save is durable (the caller ends the job on the board after
  // RunBackfill returns); seasons come from `seasons` instead of being read
  // by this job.
  DateBoard* board = nullptr;
  SharedSeasonsUser* seasons = nullptr;
  // Also in an in-process run-all: the job holds each date's committed rows
  // there for its downstream jobs, and takes its upstream rows from there
  // when held (the caller has the job leave after RunBackfill returns).
  UpstreamRows* upstream_rows = nullptr;
  // Also in an in-process run-all: the run's plan (every job's units), made
  // once before the jobs start; a job alone plans itself.
  const ledger::Plan* plan = nullptr;
  // Also in an in-process run-all: set by the job whose storage failed, so
  // that every job of the run stops after its current date.
  std::atomic<bool>* storage_failed = nullptr;
};

// Runs the job; `out` gets the text of --dry-run (and the job's lines when
// `options.events` is null). Prints no error of its own: the result says
// how the job ended (SayJobResult says it on the job's events).
BackfillResult RunBackfill(Warehouse& wh, const BackfillOptions& options, std::FILE* out);

// The command that runs this job again, which retries exactly what is left.
std::string BackfillCommand(const BackfillOptions& options);

// The lock a job takes on a warehouse while it runs (`<warehouse>/locks/
// <job>.lock`): two runs never write the same job's units at once.
std::filesystem::path JobLockPath(const Warehouse& wh, std::string_view job);

// `arg` as one word of a POSIX shell command: unchanged when it holds only
// safe characters, else in single quotes. The commands phase4 prints for
// the operator to run again are built with it.
std::string ShellQuote(const std::string& arg);

}  // namespace phase4::backfill
