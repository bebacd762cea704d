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
  WorkerLog(std::FILE* out, std::FILE* err, backfill::LogLevel level) : out_(out), err_(err), level_(level) {}

  // Who speaks: "worker 7" once registered.
  void SetName(std::string name);
  bool Wants(backfill::LogLevel level) const { return level >= level_ && level_ != backfill::LogLevel::kOff; }

  void Debug(const std::string& text) { Say(backfill::LogLevel::kDebug, text); }
  void Info(const std::string& text) { Say(backfill::LogLevel::kInfo, text); }
  void Warn(const std::string& text) { Say(backfill::LogLevel::kWarn, text); }
  // Errors are shown whatever the level.
  void Error(const std::string& text) { Say(backfill::LogLevel::kError, text); }

 private:
  void Say(backfill::LogLevel level, const std::string& text);

  std::FILE* out_;
  std::FILE* err_;
  backfill::LogLevel level_;
  std::mutex mu_;
  std::string name_ = "worker";
};

}  // namespace phase4::scaleout
