#include "calendar/utc_time.h"

#include <cstdio>

#include "calendar/date.h"

namespace phase4 {

std::string UtcSecondsTimestamp(std::chrono::system_clock::time_point tp) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(tp);
  const auto day = floor<days>(secs);
  const hh_mm_ss<seconds> t{secs - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", FormatDate(day).c_str(),
                static_cast<int>(t.hours().count()), static_cast<int>(t.minutes().count()),
                static_cast<int>(t.seconds().count()));
  return buf;
}

}  // namespace phase4
