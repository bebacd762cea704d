// What an operator sees of a backfill or run-all (doc/console.md):
//  * on a terminal, one live block redrawn in place: a line per job (bar,
//    dates done / total, failures, rate, ETA) and an overall ETA; warnings
//    and errors appear above it;
//  * without one (CI, cron, a pipe), the operator document's progress line
//    every 10 dates per job and nothing per date;
//  * with --quiet, nothing but errors (on stderr); with --json, one JSON
//    summary object at the end and errors on stderr.
// The per-date detail goes to the log (run_log.h); --log-level decides what
// both show. Every run ends with one table (job, succeeded, failed,
// blocked, skipped, rows, time), which the caller follows with the command
// that retries what is left and the log's path.
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backfill/job_events.h"
#include "backfill/run_log.h"

namespace phase4::backfill {

enum class ConsoleMode { kLive, kLines, kQuiet, kJson };

// How a run ended, for its last lines (RunConsole::Conclude).
struct RunEnd {
  std::string command;  // "run-all", "backfill"
  Date start{}, end{};
  int exit_code = 0;
  std::vector<std::string> lines;  // how it ended, and what to run next
  std::string retry_command;       // empty when nothing is left
  std::string log_file;
};

// --json wins over --quiet, which wins over the terminal's live block.
ConsoleMode ChooseConsoleMode(bool quiet, bool json, bool terminal);

class RunConsole {
 public:
  // `out` gets the console text; `err` the errors in the quiet and JSON
  // modes. `log` may be null. `many_jobs`: a run-all (job lines prefixed
  // with the job, job notes only in the log) rather than one backfill.
  RunConsole(std::FILE* out, std::FILE* err, ConsoleMode mode, LogLevel level, RunLog* log,
             bool many_jobs);
  ~RunConsole();
  RunConsole(const RunConsole&) = delete;
  RunConsole& operator=(const RunConsole&) = delete;

  // A job of the run; its events go to the returned sink (from any thread).
  JobEvents& AddJob(int order, const std::string& name);

  // A line of the run itself: on the console when `level` is shown there,
  // and in the log.
  void Say(LogLevel level, const std::string& text);
  // Redraws the live block when it is due (at most 10 times a second).
  void Tick();
  // Removes the live block for good: what follows is the run's end.
  void StopLive();

  ConsoleMode mode() const { return mode_; }
  // Whether the console shows lines of `level` (the quiet and JSON modes
  // show none on `out`).
  bool Shows(LogLevel level) const;

  // The closing table, one row per job.
  std::string Table() const;
  // The failed and blocked units, at most `per_job` of each per job ("… and
  // N more" after); empty when there are none.
  std::string Problems(size_t per_job) const;
  // [{"job", "order", "succeeded", "computed", "up_to_date", "failed",
  // "blocked", "skipped", "rows_written", "seconds", "failed_units":
  // [{"date", "error"}], "blocked_units": [{"date", "reason"}]}]
  nlohmann::ordered_json JobsJson() const;
  // The end of every run: the table, the failed and blocked units (at most
  // 10 per job), `end.lines`, the log's path; with --json one object saying
  // the same ({"command", "start_date", "end_date", "exit_code", "complete",
  // "jobs": JobsJson(), "messages", "retry_command", "log_file"}). Returns
  // end.exit_code.
  int Conclude(const RunEnd& end);

 private:
  class Job;
  friend class Job;

  void OnStarted(size_t job, int total, int todo, const JobTally& before);
  void OnSettled(size_t job, Date d, UnitOutcome outcome, int64_t rows, const std::string& error);
  void OnLine(size_t job, LineKind kind, const std::string& text);
  void OnEnded(size_t job, const JobTally& tally);

  // With mu_ held.
  void Print(LogLevel level, const std::string& text);
  void ClearBlock();
  void DrawBlock();
  std::string JobLine(const Job& j, size_t width) const;
  double Seconds(const Job& j) const;
  std::string Prefix(const Job& j) const;

  std::FILE* out_;
  std::FILE* err_;
  ConsoleMode mode_;
  LogLevel level_;
  RunLog* log_;
  bool many_jobs_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Job>> jobs_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  int block_lines_ = 0;  // lines of the live block now on the screen
  bool live_stopped_ = false;
};

}  // namespace phase4::backfill
