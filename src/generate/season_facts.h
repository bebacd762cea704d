// Season facts of the four real seasons 2021-22 .. 2024-25 (from
// ../shared/data/README.md and the game-id list), written into code so the
// synthetic league needs no data files. Other seasons reuse the row of
// season 2021 + (season - 2021) mod 4, shifted by whole years.
#pragma once

#include <utility>
#include <vector>

#include "calendar/date.h"

namespace phase4::generate {

struct SeasonFacts {
  int season = 0;       // start year of the season described
  int fact_season = 0;  // the real season whose row was used (2021..2024)
  Date opening_night{};
  Date last_regular_date{};
  // Inclusive ranges without regular-season games (All-Star break, NBA Cup
  // knockout days).
  std::vector<std::pair<Date, Date>> no_game_ranges;
  // Single days without games (Thanksgiving, Christmas Eve, election day and
  // a few others of the real calendars).
  std::vector<Date> other_off_days;
  Date play_in_start{};
  Date play_in_end{};
  Date playoffs_start{};
  Date playoffs_end{};
  int regular_season_games = 1230;
  int regular_season_dates = 0;  // dates in the window minus the days off
  int playoff_games = 0;
  int playoff_dates = 0;

  bool IsOffDay(Date d) const;
  // Regular-season game dates: every day of [opening, last] not off.
  std::vector<Date> RegularSeasonDates() const;
};

// Facts for any season (see the file comment for seasons outside 2021-2024).
SeasonFacts FactsForSeason(int season);
// Shifts a date by whole years; February 29 becomes February 28 in a
// non-leap target year.
Date ShiftYears(Date d, int years);

}  // namespace phase4::generate
