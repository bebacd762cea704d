#include "scaleout/worker_log.h"

#include <fmt/format.h>

#include "calendar/date.h"
#include "calendar/utc_time.h"

namespace phase4::scaleout {

void WorkerLog::SetName(std::string name) {
  std::lock_guard<std::mutex> lock(mu_);
  name_ = std::move(name);
}

void WorkerLog::Say(backfill::LogLevel level, const std::string& text) {
  if (level != backfill::LogLevel::kError && !Wants(level)) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (level >= backfill::LogLevel::kWarn) {
    fmt::print(err_, "{}: {}: {}\n", level == backfill::LogLevel::kWarn ? "warning" : "error", name_, text);
    std::fflush(err_);
  } else {
    // Seconds are enough to follow a worker; the log of a run-all that
    // started it stamps its lines again.
    fmt::print(out_, "{} {}: {}\n", NowSecondsUtc(), name_, text);
    std::fflush(out_);
  }
}

}  // namespace phase4::scaleout
