// The log file of a backfill or run-all: every line of the run, per-date
// detail included, each stamped with the UTC time, its level and its job.
// The console shows less (run_console.h); the log is where the per-date
// detail goes (doc/console.md, "The log file").
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "calendar/date.h"
#include "common/status.h"
#include "env/env.h"

namespace phase4::backfill {

// --log-level: what the console and the log show. At debug the console also
// shows the per-date detail; at warn only warnings, errors and the final
// table; at error only errors and the table; off: the log is not written.
enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

// "trace" and "debug" are debug; nullopt for an unknown name.
std::optional<LogLevel> ParseLogLevel(std::string_view name);
std::string_view LogLevelName(LogLevel level);

// `<checkpoint_dir>/logs/<what>_<start>_<end>_<UTC time>.log`: one file per
// run, beside the checkpoints the run keeps. The time is `env`'s clock
// (Env::Default() when null).
std::filesystem::path DefaultLogPath(const std::string& checkpoint_dir, std::string_view what,
                                     Date start, Date end, Env* env = nullptr);

class RunLog {
 public:
  // Creates (or appends to) `path`, and its directory. With level kOff
  // nothing is opened and Write does nothing. `env` (Env::Default() when
  // null) opens the file and stamps the lines; it must outlive the log.
  static Result<std::unique_ptr<RunLog>> Open(const std::filesystem::path& path, LogLevel level,
                                              Env* env = nullptr);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  bool Wants(LogLevel level) const { return file_ && level >= level_; }
  // One line `<time> <LEVEL> [<source>] <text>` (no source: no brackets).
  // Warnings and errors are flushed at once; the rest at least every 100 ms
  // and on Close. Thread-safe.
  void Write(LogLevel level, std::string_view source, std::string_view text);
  void Close();
  const std::filesystem::path& path() const { return path_; }

 private:
  RunLog(std::filesystem::path path, std::unique_ptr<AppendFile> file, LogLevel level, Env* env)
      : path_(std::move(path)), file_(std::move(file)), level_(level), env_(env) {}
  std::filesystem::path path_;
  std::unique_ptr<AppendFile> file_;
  LogLevel level_;
  Env* env_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_flush_{};
};

}  // namespace phase4::backfill
