#include "calendar/date.h"

#include <cstdio>

namespace phase4 {

using namespace std::chrono;

std::optional<Date> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](size_t pos, size_t n, int& out) {
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y, m, d;
  if (!digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d)) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::string FormatDate(Date d) {
  year_month_day ymd{d};
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {  // outside what a YYYY field holds: printf's rendering
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buf;
  }
  // Digit by digit: dates are formatted for every row and checkpoint save.
  const unsigned m = static_cast<unsigned>(ymd.month()), dd = static_cast<unsigned>(ymd.day());
  std::string out(10, '-');
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + dd / 10);
  out[9] = static_cast<char>('0' + dd % 10);
  return out;
}

std::string FormatCompactDate(Date d) {
  year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Date MakeDate(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / day{d}}; }
int YearOf(Date d) { return static_cast<int>(year_month_day{d}.year()); }
unsigned MonthOf(Date d) { return static_cast<unsigned>(year_month_day{d}.month()); }
unsigned DayOf(Date d) { return static_cast<unsigned>(year_month_day{d}.day()); }

int SeasonYearOf(Date d) {
  year_month_day ymd{d};
  int y = static_cast<int>(ymd.year());
  return static_cast<unsigned>(ymd.month()) >= 10 ? y : y - 1;
}

Date TodayUtc() { return floor<days>(system_clock::now()); }

std::string NowTimestampUtc() {
  auto now = floor<microseconds>(system_clock::now());
  auto day = floor<days>(now);
  hh_mm_ss<microseconds> t{now - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06dZ", FormatDate(day).c_str(),
                static_cast<int>(t.hours().count()), static_cast<int>(t.minutes().count()),
                static_cast<int>(t.seconds().count()), static_cast<int>(t.subseconds().count()));
  return buf;
}

}  // namespace phase4
