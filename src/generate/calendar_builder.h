// The built-in season calendar: game ids and dates (no matchups yet) of one
// season's regular season, play-in and playoffs, built from the season
// facts so that the date counts match the real calendars exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "calendar/schedule_game.h"
#include "generate/season_facts.h"

namespace phase4::generate {

// Regular season: facts.regular_season_games games numbered 00001.. in date
// order over facts.RegularSeasonDates(), 2 on opening night, 15 on the last
// night, at most 15 a date. Play-in: 2 games on each of the first two days
// of the window, 2 on its last day. Playoffs: 15 best-of-seven series
// (`004YY00RMG`) whose lengths sum to facts.playoff_games on exactly
// facts.playoff_dates dates, the Finals ending on facts.playoffs_end.
// Games carry no teams; game_status is 3 and data_source "generated".
std::vector<ScheduleGame> BuildSeasonCalendar(const SeasonFacts& facts, uint64_t seed);

// Per-date game counts for a regular season of `games` games on `dates`
// dates (exposed for tests); follows_previous_day[i] tells whether date i is
// the day after date i-1.
std::vector<int> RegularSeasonGameCounts(int dates, int games, uint64_t seed,
                                         const std::vector<bool>& follows_previous_day);

}  // namespace phase4::generate
