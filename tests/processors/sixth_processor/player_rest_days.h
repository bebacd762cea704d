// A sixth Phase 4 processor that exists only in a test binary: it proves that
// a processor is its folder plus one registration line (doc/processors.md,
// "Adding a processor"). For each player with a player_daily_cache row on D
// (#4, its one upstream Phase 4 table) it writes the days since the
// player's previous game (nba_analytics.player_game_summary, Phase 3) and
// the cache's games_in_last_7_days.
#pragma once

#include "processors/common/processor.h"

namespace phase4::testing {

// nba_precompute.player_rest_days.
const TableSchema& PlayerRestDaysSchema();
// Job #6, player_rest_days; registered by player_rest_days.cc.
const processors::ProcessorInfo& PlayerRestDaysInfo();

}  // namespace phase4::testing
