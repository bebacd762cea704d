// Plays one season date by date: trades, pre-game statuses (injuries, rest),
// the pre-game context snapshots, then each game's score and box score, the
// Phase 3 rows, and the updates of standings, histories and injuries.
#pragma once

#include <cstdint>
#include <vector>

#include "calendar/schedule_game.h"
#include "common/status.h"
#include "generate/generator.h"
#include "generate/roster.h"
#include "generate/season_state.h"

namespace phase4::generate {

// data_source of schedule games whose matchup (and score) the generator
// made up, and of real matchups whose score it made up.
inline constexpr const char* kGeneratedSource = "generated";
inline constexpr const char* kGeneratedScoreSource = "generated_score";

// Carried from one season to the next: each player's last-season scoring.
struct PriorStats {
  double points = 0.0;
  double minutes = 0.0;
  std::optional<double> usage;
  int games = 0;
};

// `games`: the season's regular-season, play-in and playoff games, with the
// regular season's matchups already filled; play-in and playoff matchups
// may be missing. Appends the completed games and all rows to `out`.
Status SimulateSeason(int season, std::vector<ScheduleGame> games, const League& league,
                      const SeasonRoster& roster, uint64_t seed, std::vector<PriorStats>& prior,
                      GeneratedLeague& out);

}  // namespace phase4::generate
