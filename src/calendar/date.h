// Civil dates. A Date is a day on the proleptic Gregorian calendar
// (std::chrono::sys_days); game dates are Eastern calendar dates as the
// schedule gives them, so no time zone arithmetic happens here.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace phase4 {

using Date = std::chrono::sys_days;

// Parses exactly `YYYY-MM-DD` (a real calendar day); nullopt otherwise.
std::optional<Date> ParseDate(std::string_view text);
// Formats as `YYYY-MM-DD`.
std::string FormatDate(Date d);
// `YYYYMMDD`, as used in system game ids.
std::string FormatCompactDate(Date d);

Date MakeDate(int year, unsigned month, unsigned day);
int YearOf(Date d);
unsigned MonthOf(Date d);
unsigned DayOf(Date d);
inline Date AddDays(Date d, int days) { return d + std::chrono::days(days); }
inline int DaysBetween(Date from, Date to) { return static_cast<int>((to - from).count()); }

// Decision 1: a season is named by its start year; Oct-Dec belong to that
// year's season, Jan-Sep to the previous year's.
int SeasonYearOf(Date d);

// Today's date in UTC.
Date TodayUtc();
// Now as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, for processed_at and run history.
std::string NowTimestampUtc();

}  // namespace phase4
