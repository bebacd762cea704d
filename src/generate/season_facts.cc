#include "generate/season_facts.h"

#include <algorithm>

namespace phase4::generate {

namespace {

Date D(int y, unsigned m, unsigned d) { return MakeDate(y, m, d); }

SeasonFacts RealFacts(int season) {
  SeasonFacts f;
  f.season = f.fact_season = season;
  switch (season) {
    case 2021:
      f.opening_night = D(2021, 10, 19);
      f.last_regular_date = D(2022, 4, 10);
      f.no_game_ranges = {{D(2022, 2, 18), D(2022, 2, 23)}};
      f.other_off_days = {D(2021, 11, 25), D(2021, 12, 24), D(2022, 4, 4)};
      f.play_in_start = D(2022, 4, 12);
      f.play_in_end = D(2022, 4, 15);
      f.playoffs_start = D(2022, 4, 16);
      f.playoffs_end = D(2022, 6, 16);
      f.playoff_games = 87;
      f.playoff_dates = 45;
      break;
    case 2022:
      f.opening_night = D(2022, 10, 18);
      f.last_regular_date = D(2023, 4, 9);
      f.no_game_ranges = {{D(2023, 2, 17), D(2023, 2, 22)}};
      f.other_off_days = {D(2022, 11, 8), D(2022, 11, 24), D(2022, 12, 24), D(2023, 4, 3)};
      f.play_in_start = D(2023, 4, 11);
      f.play_in_end = D(2023, 4, 14);
      f.playoffs_start = D(2023, 4, 15);
      f.playoffs_end = D(2023, 6, 12);
      f.playoff_games = 84;
      f.playoff_dates = 45;
      break;
    case 2023:
      f.opening_night = D(2023, 10, 24);
      f.last_regular_date = D(2024, 4, 14);
      f.no_game_ranges = {{D(2024, 2, 16), D(2024, 2, 21)}, {D(2023, 12, 9), D(2023, 12, 10)}};
      f.other_off_days = {D(2023, 11, 7),  D(2023, 11, 23), D(2023, 12, 3),
                          D(2023, 12, 24), D(2024, 4, 8),   D(2024, 4, 13)};
      f.play_in_start = D(2024, 4, 16);
      f.play_in_end = D(2024, 4, 19);
      f.playoffs_start = D(2024, 4, 20);
      f.playoffs_end = D(2024, 6, 17);
      f.playoff_games = 82;
      f.playoff_dates = 44;
      break;
    default:  // 2024
      f.opening_night = D(2024, 10, 22);
      f.last_regular_date = D(2025, 4, 13);
      f.no_game_ranges = {{D(2025, 2, 14), D(2025, 2, 18)}, {D(2024, 12, 17), D(2024, 12, 18)}};
      f.other_off_days = {D(2024, 11, 5), D(2024, 11, 28), D(2024, 12, 24), D(2025, 4, 12)};
      f.play_in_start = D(2025, 4, 15);
      f.play_in_end = D(2025, 4, 18);
      f.playoffs_start = D(2025, 4, 19);
      f.playoffs_end = D(2025, 6, 22);
      f.playoff_games = 84;
      f.playoff_dates = 47;
      break;
  }
  return f;
}

}  // namespace

Date ShiftYears(Date d, int years) {
  if (years == 0) return d;
  int y = YearOf(d) + years;
  unsigned m = MonthOf(d), day = DayOf(d);
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                  std::chrono::day{day}};
  if (!ymd.ok()) day = 28;  // February 29 in a non-leap year
  return MakeDate(y, m, day);
}

bool SeasonFacts::IsOffDay(Date d) const {
  for (const auto& [a, b] : no_game_ranges) {
    if (d >= a && d <= b) return true;
  }
  return std::find(other_off_days.begin(), other_off_days.end(), d) != other_off_days.end();
}

std::vector<Date> SeasonFacts::RegularSeasonDates() const {
  std::vector<Date> out;
  for (Date d = opening_night; d <= last_regular_date; d = AddDays(d, 1)) {
    if (!IsOffDay(d)) out.push_back(d);
  }
  return out;
}

SeasonFacts FactsForSeason(int season) {
  int offset = ((season - 2021) % 4 + 4) % 4;
  int base = 2021 + offset;
  SeasonFacts f = RealFacts(base);
  int shift = season - base;
  f.season = season;
  if (shift != 0) {
    auto s = [&](Date d) { return ShiftYears(d, shift); };
    f.opening_night = s(f.opening_night);
    f.last_regular_date = s(f.last_regular_date);
    for (auto& r : f.no_game_ranges) r = {s(r.first), s(r.second)};
    for (auto& d : f.other_off_days) d = s(d);
    f.play_in_start = s(f.play_in_start);
    f.play_in_end = s(f.play_in_end);
    f.playoffs_start = s(f.playoffs_start);
    f.playoffs_end = s(f.playoffs_end);
  }
  f.regular_season_dates = static_cast<int>(f.RegularSeasonDates().size());
  return f;
}

}  // namespace phase4::generate
