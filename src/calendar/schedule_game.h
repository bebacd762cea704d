// One scheduled game as the calendar and the generator see it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "calendar/date.h"

namespace phase4 {

// The type digit of a 10-digit NBA game id (`00` + T + YY + NNNNN).
enum class GameType {
  kPreseason = 1,
  kRegularSeason = 2,
  kAllStar = 3,
  kPlayoffs = 4,
  kPlayIn = 5,
  kCupFinal = 6
};

// Type from a 10-digit NBA game id; nullopt when the id is malformed.
std::optional<GameType> GameTypeFromId(std::string_view nba_game_id);
// Stored name in nbac_schedule.game_type: preseason, regular_season,
// all_star, playoffs, play_in, cup_final.
std::string_view GameTypeName(GameType t);
std::optional<GameType> GameTypeFromName(std::string_view name);
// Decision 4 / 26: regular season, play-in and playoff games make game dates.
inline bool CountsAsGameDate(GameType t) {
  return t == GameType::kRegularSeason || t == GameType::kPlayIn || t == GameType::kPlayoffs;
}

struct ScheduleGame {
  std::string game_id;  // 10-digit NBA id
  Date game_date{};     // Eastern date
  int season_year = 0;
  GameType game_type = GameType::kRegularSeason;
  int game_status = 3;    // 1 scheduled, 2 in progress, 3 final
  std::string home_team;  // tricode; empty when the source lacks matchups
  std::string away_team;
  std::optional<int> home_score;
  std::optional<int> away_score;
  std::string playoff_round;  // play_in, first_round, conf_semifinals, conf_finals, nba_finals
  std::string arena_city;
  bool neutral_site = false;
  std::string data_source;  // game_id_csv, schedule_json, generated

  bool has_matchup() const { return !home_team.empty() && !away_team.empty(); }
  bool has_score() const { return home_score.has_value() && away_score.has_value(); }
};

}  // namespace phase4
