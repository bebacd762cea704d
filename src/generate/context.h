// The pre-game snapshots of a game date: upcoming_player_game_context (one
// row per player expected to play: on the roster of a team playing that day
// and not ruled out) and upcoming_team_game_context (one row per team and
// game). Built before the date's games are simulated, from SeasonState,
// which holds only earlier games: nothing leaks from the date itself.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "calendar/schedule_game.h"
#include "generate/rng.h"
#include "generate/roster.h"
#include "generate/season_state.h"
#include "warehouse/value.h"

namespace phase4::generate {

// Betting lines of a game from each side's view.
struct GameLines {
  double home_spread = 0.0;  // negative when the home team is favoured
  double total = 0.0;
};
GameLines ComputeGameLines(const SeasonState& state, int home, int away);

struct ContextInput {
  const ScheduleGame* game = nullptr;
  int home = -1, away = -1;
  std::string system_game_id;
  std::string processed_at;
  GameLines lines;
};

// Appends the two team rows of a game.
void AppendTeamContext(const ContextInput& in, const SeasonState& state, const League& league,
                       std::vector<Row>& out);

// Appends the player rows of both teams of a game and records each player's
// prop line in `points_lines` (player id -> current line).
void AppendPlayerContext(const ContextInput& in, const SeasonState& state, const League& league,
                         Rng& rng, std::vector<Row>& out,
                         std::unordered_map<int, double>& points_lines);

// season_phase of a game: months 10-11 early, 12-2 mid, 3-4 late (regular
// season); play-in and playoff games 'playoffs'.
std::string_view SeasonPhase(const ScheduleGame& g);

}  // namespace phase4::generate
