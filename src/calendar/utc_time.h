// Wall-clock times at whole-second precision, for log lines and lock
// records (the microsecond form of processed_at is NowTimestampUtc, date.h).
#pragma once

#include <chrono>
#include <string>

namespace phase4 {

// `YYYY-MM-DDTHH:MM:SSZ`.
std::string UtcSecondsTimestamp(std::chrono::system_clock::time_point tp);
inline std::string NowSecondsUtc() { return UtcSecondsTimestamp(std::chrono::system_clock::now()); }

}  // namespace phase4
