// The deterministic synthetic league generator behind `phase4 generate`.
//
// For each season of the range it takes the season's games from the loaded
// schedule (nba_raw.nbac_schedule) when there are any, completing them with
// balanced matchups and simulated scores where they lack them, or else
// builds a realistic calendar from the season facts (season_facts.h). It
// then plays the season date by date with 30 teams of about 15 players
// (latent skills, injuries, rest, trades, and in-season form: role changes,
// young players' growth, minutes restrictions after injuries, streaks; see
// form.h) and emits the five Phase 3 tables. Same options and same loaded
// schedule give identical rows.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "calendar/schedule_game.h"
#include "common/status.h"
#include "warehouse/value.h"

namespace phase4::generate {

struct GenerateOptions {
  int first_season = 2021;
  int last_season = 2024;
  uint64_t seed = 20211019;
};

struct GeneratedLeague {
  // Every game used: the loaded schedule's games (regular season, play-in,
  // playoffs of the seasons generated), completed with matchups and scores
  // where they lacked them, or the built-in calendar's games.
  std::vector<ScheduleGame> schedule;
  // Rows per the schemas in warehouse/schema.h, by date.
  std::vector<Row> player_game_summary, team_offense_game_summary, team_defense_game_summary,
      upcoming_player_game_context, upcoming_team_game_context;
};

// `loaded` = the games already in nba_raw.nbac_schedule (may be empty).
Result<GeneratedLeague> GenerateLeague(const GenerateOptions& options,
                                       const std::vector<ScheduleGame>& loaded);

// The same league, handed over one season at a time (in season order) so
// that a caller writing it needs memory for one season only. The rows are
// exactly those of GenerateLeague. A non-OK status from `sink` stops the
// generation and is returned.
using SeasonSink = std::function<Status(int season, GeneratedLeague&& rows)>;
Status GenerateLeagueBySeason(const GenerateOptions& options,
                              const std::vector<ScheduleGame>& loaded, const SeasonSink& sink);

// Parses "2021-2024" (or a single season "2023"); seasons 1946..2099.
Result<std::pair<int, int>> ParseSeasonRange(std::string_view text);

}  // namespace phase4::generate
