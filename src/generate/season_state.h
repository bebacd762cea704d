// What the simulation knows about players and teams during a season: the
// games so far (only games already played, so every pre-game snapshot built
// from it uses information from before the date), injuries and rosters.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "generate/form.h"
#include "generate/roster.h"

namespace phase4::generate {

// One game a player played (decision 27) this season.
struct PlayedGame {
  Date date{};
  int points = 0;
  int minutes = 0;              // 0 for a cameo without recorded minutes
  std::optional<double> usage;  // percent
};

enum class PreGameStatus { kAvailable, kProbable, kQuestionable, kOut };

struct PlayerState {
  std::vector<PlayedGame> played;                    // this season, oldest first
  int injury_games = 0;                              // team games still to miss
  std::string injury;                                // description of the current injury
  PreGameStatus status = PreGameStatus::kAvailable;  // for the current date
  std::string status_note;                           // injury_report text
  PlayerForm form;                                   // role and usage within the season
  // Last season's scoring, for prop lines before a player has games.
  double prior_points = 0.0;
  double prior_minutes = 0.0;
  std::optional<double> prior_usage;
  int prior_games = 0;
};

// One game a team played this season.
struct TeamGame {
  Date date{};
  int points_for = 0;
  int points_against = 0;
  double pace = 0.0;
  int arena_team = -1;  // the home team of the game (where it was played)
  bool regular_season = true;
};

struct TeamState {
  std::vector<int> roster;  // player ids, current
  std::vector<TeamGame> games;
  int wins = 0, losses = 0, point_diff = 0;  // regular season
};

struct SeasonState {
  int season = 0;
  std::vector<PlayerState> players;  // by player id
  std::array<TeamState, kTeamCount> teams;
  std::array<TeamTraits, kTeamCount> traits;
};

}  // namespace phase4::generate
