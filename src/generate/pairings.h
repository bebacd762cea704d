// Balanced regular-season matchups for games that lack them.
//
// Given one season's regular-season games (ids and dates; some may already
// have teams), chooses which teams play on each date so that every team
// reaches its share of the season's games (82 of 1,230), nobody plays twice
// a day, back-to-backs stay near the real 13-17 a team, and opponents are
// balanced (division rivals about 4 times, conference about 3-4, the other
// conference twice). Home and away are then oriented so that each team
// hosts exactly half of its generated games (41 of 82).
#pragma once

#include <cstdint>
#include <vector>

#include "calendar/schedule_game.h"
#include "common/status.h"

namespace phase4::generate {

// Fills home_team/away_team of every game in `games` that lacks a matchup.
// `games` are regular-season games of one season; any order.
Status FillRegularSeasonPairings(std::vector<ScheduleGame*>& games, uint64_t seed);

// Index of a team in AllTeams() by tricode, -1 when unknown.
int TeamIndex(std::string_view tricode);

}  // namespace phase4::generate
