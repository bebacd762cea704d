// Helpers shared by the tests: temporary directories, running the real
// binary, and locating the shared real-data folder.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "warehouse/schema.h"

namespace phase4::testing {

// A fresh directory under the system temp directory, removed with everything
// in it when the object is destroyed. A binary-wide one is a function-local
// static object, destroyed at exit; a forked child that exits normally does
// not remove its parent's directory (only the creating process does).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
  pid_t owner_;  // the process that created it, the only one that removes it
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the built `phase4` binary with `args` (no shell), optional stdin
// text, and extra environment `NAME=value` entries.
CommandResult RunPhase4(const std::vector<std::string>& args, const std::string& stdin_text = "",
                        const std::vector<std::string>& env = {});
// Runs any program the same way.
CommandResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         const std::string& stdin_text = "",
                         const std::vector<std::string>& env = {});

// Child processes a test drives (kills, stops, waits for).
// Starts the phase4 binary as the leader of a new process group (run-all's
// job processes join it, so one kill reaches them all), stdin from
// /dev/null, stdout and stderr to `log`.
pid_t SpawnPhase4(const std::vector<std::string>& args, const std::filesystem::path& log);
// A waitpid status as an exit code: the code, or 128 + the signal.
int DecodeWaitStatus(int status);
// State letter and process group of `pid` from /proc/PID/stat; state 0 when
// the process is gone.
char ProcessState(pid_t pid, pid_t* pgrp = nullptr);
// Running, as opposed to gone or a zombie (a process closes its files, and
// so drops its locks, before it becomes a zombie).
bool IsRunning(pid_t pid);
// SIGKILLs every process of the group led by our child `leader`, reaps the
// leader, and waits until no process of the group runs any more.
void KillGroup(pid_t leader);
// The exit status of our child `pid` once it has exited (reaping it), else
// nullopt.
std::optional<int> ExitedStatus(pid_t pid);
// Waits for our child `pid`; after `timeout`, kills its group and returns
// nullopt.
std::optional<int> WaitWithTimeout(pid_t pid, std::chrono::steady_clock::duration timeout);

// A 2023-24 league (`phase4 generate --seasons 2023-2023`), generated once
// per test process into a directory that lives as long as the process.
// Tests copy it before changing anything; a failed generation fails the
// calling test.
const std::filesystem::path& GeneratedLeague();

// `../shared/data` beside the source tree, when present.
std::optional<std::filesystem::path> SharedDataDir();

std::string ReadFile(const std::filesystem::path& p);
// The text a FILE* (e.g. a tmpfile() standing in for stdout) received so
// far; later writes go on at its end.
std::string Drain(std::FILE* f);

// The text of the log file a backfill or run-all names on its last `Log: `
// line of `out` (empty when there is none): the per-date detail and every
// job's notes are there, not on the console.
std::string RunLogText(const std::string& out);

// Runs SQL on one dataset file of a warehouse directly (bypassing phase4),
// to damage or inspect it in a test; fails the test on an SQL error.
void ExecSql(const std::filesystem::path& db_file, const std::string& sql);
// The first column of the first row of a query, as text ("" when none).
std::string QuerySql(const std::filesystem::path& db_file, const std::string& sql);
void WriteFile(const std::filesystem::path& p, const std::string& content);

// A CSV export without the columns that hold write times (processed_at,
// created_at, updated_at); with `upstream_times`, also without
// source_*_last_updated (the write times of the upstream rows a row was
// computed from). Two runs of the same inputs give equal results.
std::string StripTimestamps(const std::string& csv, bool upstream_times = false);

// One finished regular-season game of 2023 for nba_raw.nbac_schedule.
Row ScheduleRow(const std::string& game_id, const std::string& game_date);

}  // namespace phase4::testing

// Skips the current test when the shared real-data folder is absent.
#define PHASE4_REQUIRE_SHARED_DATA(var)                                               \
  auto var##_opt = ::phase4::testing::SharedDataDir();                                \
  if (!var##_opt) GTEST_SKIP() << "../shared/data is absent; real-data test skipped"; \
  const std::filesystem::path var = *var##_opt
