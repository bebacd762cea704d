// Phase 3 box-score rows of one game: player_game_summary (one row per
// rostered player), team_offense_game_summary (sums of the team's players)
// and team_defense_game_summary (the opponent's offense seen from the
// defending side), with the formulas of spec/phase3-inputs.md §2-4.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "calendar/schedule_game.h"
#include "generate/box_score.h"
#include "generate/roster.h"
#include "warehouse/value.h"

namespace phase4::generate {

// Derived team numbers shared by the offense and defense rows.
struct TeamAdvanced {
  double possessions_raw = 0;   // FGA + 0.44 FTA + TOV - OREB
  double possessions_1dp = 0;   // rounded to 0.1
  double pace = 0;              // possessions_1dp * 48 / (team minutes / 5), at 0.1
  double offensive_rating = 0;  // 100 * PTS / possessions_raw, at 0.01
};
TeamAdvanced ComputeAdvanced(const TeamBox& box);

// Player usage rate (percent): 100 * (FGA + 0.44 FTA + TOV) * 48 /
// (minutes * (TmFGA + 0.44 TmFTA + TmTOV)); nullopt without minutes.
std::optional<double> UsageRate(const PlayerLine& l, const TeamTotals& team);

struct GameRowsInput {
  const ScheduleGame* game = nullptr;
  const GameBox* box = nullptr;
  const League* league = nullptr;
  std::string system_game_id;  // YYYYMMDD_AWAY_HOME
  std::string processed_at;
  // Prop line per player id for this game (from the pre-game context).
  const std::unordered_map<int, double>* points_lines = nullptr;
};

void AppendGameRows(const GameRowsInput& in, std::vector<Row>& player_rows,
                    std::vector<Row>& offense_rows, std::vector<Row>& defense_rows);

}  // namespace phase4::generate
