// What a `phase4 worker` says: per unit at debug, its start, progress and
// summary at info on stdout (each line stamped with the UTC time), warnings
// and errors on stderr prefixed `warning:` / `error:`, so that a run-all
// that started the worker shows them as such (backfill/job_events.h,
// DispatchJobOutput). Thread-safe: the lease keeper's thread speaks too.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "backfill/run_log.h"

namespace phase4::scaleout {

class WorkerLog {
 public:
  WorkerLog(std::FILE* out, std::FILE* err, LogLevel level) : out_(out), err_(err), level_(level) {}

  // Who speaks: "worker 7" once registered.
  void SetName(std::string name);
  bool Wants(LogLevel level) const { return level >= level_ && level_ != LogLevel::kOff; }

  void Debug(const std::string& text) { Say(LogLevel::kDebug, text); }
  void Info(const std::string& text) { Say(LogLevel::kInfo, text); }
  void Warn(const std::string& text) { Say(LogLevel::kWarn, text); }
  // Errors are shown whatever the level.
  void Error(const std::string& text) { Say(LogLevel::kError, text); }

 private:
  void Say(LogLevel level, const std::string& text);

  std::FILE* out_;
  std::FILE* err_;
  LogLevel level_;
  std::mutex mu_;
  std::string name_ = "worker";
};

}  // namespace phase4::scaleout
