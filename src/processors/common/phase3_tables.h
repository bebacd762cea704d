// The Phase 3 tables the processors read: their names, the entity each is
// grouped by, whether decision 26 filters it, and decision 27's played
// filter. Declarations only: the season index (season_inputs.h) and the
// reading layer (execution/) both work from them.
#pragma once

#include <string_view>
#include <vector>

#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4::processors {

// Full names of the Phase 3 tables.
inline constexpr std::string_view kPlayerGameSummary = "nba_analytics.player_game_summary";
inline constexpr std::string_view kTeamOffenseGameSummary =
    "nba_analytics.team_offense_game_summary";
inline constexpr std::string_view kTeamDefenseGameSummary =
    "nba_analytics.team_defense_game_summary";
inline constexpr std::string_view kUpcomingPlayerGameContext =
    "nba_analytics.upcoming_player_game_context";
inline constexpr std::string_view kUpcomingTeamGameContext =
    "nba_analytics.upcoming_team_game_context";

// Decision 27 on one player_game_summary row: is_active is not FALSE and
// minutes_played > 0 or fg_attempts > 0.
bool PlayedGame(const Row& player_game_summary_row);

// A Phase 3 input table: its schema, entity column and filtering.
struct TableSpec {
  std::string_view name;
  const TableSchema& (*schema)();
  const char* entity_column;
  bool windowed;  // decision 26 applies
};

// The five Phase 3 input tables.
const std::vector<TableSpec>& Phase3TableSpecs();
// The table by full (dataset.table) or bare name, or nullptr.
const TableSpec* FindPhase3Table(std::string_view name);

// The columns the season index reads itself: date, entity, primary key,
// processed_at, and the filters of decisions 26 (the team of a
// player_game_summary row) and 27 (PlayedGame).
std::vector<int> SeasonIndexColumns(const TableSpec& spec);

}  // namespace phase4::processors
