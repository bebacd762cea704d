// Schedule and Phase 3 input tables: every column Phase 4 reads
// (spec/phase3-inputs.md §7) plus the keys and the box-score columns that
// keep the rows self-consistent.
#include "warehouse/schema_columns.h"

namespace phase4 {

using namespace cols;

const TableSchema& ScheduleSchema() {
  static const TableSchema s{
      "nba_raw",
      "nbac_schedule",
      {TextNN("game_id"), Text("game_code"), IntNN("season_year"), DateNN("game_date"),
       TextNN("game_type"), IntNN("game_status"), Text("home_team_tricode"),
       Text("away_team_tricode"), Int("home_team_score"), Int("away_team_score"),
       Text("winning_team_tricode"), BoolNN("is_regular_season"), BoolNN("is_playoffs"),
       BoolNN("is_all_star"), Text("playoff_round"), Text("arena_city"), Bool("neutral_site_flag"),
       TextNN("data_source"), Timestamp("processed_at")},
      {"game_id"},
      "game_date",
      "NBA schedule: one row per game (10-digit NBA game id)"};
  return s;
}

const TableSchema& PlayerGameSummarySchema() {
  static const TableSchema s{
      "nba_analytics",
      "player_game_summary",
      {TextNN("player_lookup"), Text("universal_player_id"), Text("player_full_name"),
       TextNN("game_id"), DateNN("game_date"), TextNN("team_abbr"), TextNN("opponent_team_abbr"),
       IntNN("season_year"), Int("points"), Num("minutes_played", 1), Int("assists"),
       Int("offensive_rebounds"), Int("defensive_rebounds"), Int("steals"), Int("blocks"),
       Int("turnovers"), Int("personal_fouls"), Int("fg_attempts"), Int("fg_makes"),
       Int("three_pt_attempts"), Int("three_pt_makes"), Int("ft_attempts"), Int("ft_makes"),
       Int("plus_minus"), Int("paint_attempts"), Int("paint_makes"), Int("mid_range_attempts"),
       Int("mid_range_makes"), Int("assisted_fg_makes"), Int("unassisted_fg_makes"),
       Num("usage_rate", 2), Num("ts_pct", 3), Num("efg_pct", 3), BoolNN("starter_flag"),
       BoolNN("win_flag"), Num("points_line", 1), BoolNN("is_active"), Text("player_status"),
       Timestamp("processed_at")},
      {"player_lookup", "game_id"},
      "game_date",
      "Player performance data"};
  return s;
}

const TableSchema& TeamOffenseGameSummarySchema() {
  static const TableSchema s{
      "nba_analytics",
      "team_offense_game_summary",
      {TextNN("game_id"), Text("nba_game_id"), DateNN("game_date"), TextNN("team_abbr"),
       TextNN("opponent_team_abbr"), IntNN("season_year"), Int("points_scored"),
       Int("fg_attempts"), Int("fg_makes"), Int("three_pt_attempts"), Int("three_pt_makes"),
       Int("ft_attempts"), Int("ft_makes"), Int("offensive_rebounds"), Int("rebounds"),
       Int("assists"), Int("turnovers"), Int("personal_fouls"), Int("team_paint_attempts"),
       Int("team_paint_makes"), Int("team_mid_range_attempts"), Int("team_mid_range_makes"),
       Int("points_in_paint_scored"), Int("possessions"), Num("offensive_rating", 2),
       Num("pace", 1), Num("ts_pct", 3), BoolNN("home_game"), BoolNN("win_flag"),
       Int("margin_of_victory"), Int("overtime_periods"), Timestamp("processed_at")},
      {"game_id", "team_abbr"},
      "game_date",
      "Team offensive stats"};
  return s;
}

const TableSchema& TeamDefenseGameSummarySchema() {
  static const TableSchema s{
      "nba_analytics",
      "team_defense_game_summary",
      {TextNN("game_id"), DateNN("game_date"), TextNN("defending_team_abbr"),
       TextNN("opponent_team_abbr"), IntNN("season_year"), Int("points_allowed"),
       Int("opp_fg_attempts"), Int("opp_fg_makes"), Int("opp_three_pt_attempts"),
       Int("opp_three_pt_makes"), Int("opp_ft_attempts"), Int("opp_ft_makes"),
       Int("opp_rebounds"), Int("opp_assists"), Int("turnovers_forced"), Int("fouls_committed"),
       Int("opp_paint_attempts"), Int("opp_paint_makes"), Int("opp_mid_range_attempts"),
       Int("opp_mid_range_makes"), Int("points_in_paint_allowed"),
       Int("mid_range_points_allowed"), Int("three_pt_points_allowed"), Int("blocks_paint"),
       Int("blocks_mid_range"), Int("blocks_three_pt"), Int("steals"), Int("defensive_rebounds"),
       Num("defensive_rating", 2), Num("opponent_pace", 1), Num("opponent_ts_pct", 3),
       BoolNN("home_game"), Bool("win_flag"), Int("margin_of_victory"),
       Timestamp("processed_at")},
      {"game_id", "defending_team_abbr"},
      "game_date",
      "Team defensive stats"};
  return s;
}

const TableSchema& UpcomingPlayerGameContextSchema() {
  static const TableSchema s{
      "nba_analytics",
      "upcoming_player_game_context",
      {TextNN("player_lookup"), Text("universal_player_id"), TextNN("game_id"),
       DateNN("game_date"), TextNN("team_abbr"), TextNN("opponent_team_abbr"),
       Num("current_points_line", 1), Num("opening_points_line", 1), Num("game_spread", 1),
       Num("game_total", 1), Num("pace_differential", 1), Num("opponent_pace_last_10", 1),
       Num("projected_usage_rate", 2), BoolNN("home_game"), BoolNN("back_to_back"),
       Text("season_phase"), Int("days_rest"), Int("games_in_last_7_days"),
       Int("games_in_last_14_days"), Int("minutes_in_last_7_days"),
       Int("minutes_in_last_14_days"), Num("avg_minutes_per_game_last_7", 1),
       Int("back_to_backs_last_14_days"), Num("avg_usage_rate_last_7_games", 2),
       Num("fourth_quarter_minutes_last_7", 1), Int("player_age"), Num("points_avg_last_5", 1),
       Num("points_avg_last_10", 1), Int("star_teammates_out"), Int("opponent_days_rest"),
       Text("player_status"), Text("injury_report"), Text("data_quality_tier"),
       Bool("is_production_ready"), Timestamp("processed_at")},
      {"player_lookup", "game_id"},
      "game_date",
      "Player game context with prop lines"};
  return s;
}

const TableSchema& UpcomingTeamGameContextSchema() {
  static const TableSchema s{
      "nba_analytics",
      "upcoming_team_game_context",
      {TextNN("team_abbr"), TextNN("game_id"), DateNN("game_date"), IntNN("season_year"),
       TextNN("opponent_team_abbr"), BoolNN("home_game"), BoolNN("is_back_to_back"),
       Int("days_since_last_game"), Int("team_days_rest"), Int("game_number_in_season"),
       IntNN("games_in_last_7_days"), IntNN("games_in_last_14_days"), Num("game_spread", 2),
       Num("game_total", 1), IntNN("starters_out_count"), IntNN("questionable_players_count"),
       IntNN("team_win_streak_entering"), IntNN("team_loss_streak_entering"),
       Int("last_game_margin"), Text("last_game_result"), IntNN("travel_miles"),
       Bool("is_production_ready"), Timestamp("processed_at")},
      {"team_abbr", "game_id"},
      "game_date",
      "Team game context with betting lines"};
  return s;
}

const std::vector<const TableSchema*>& Phase3Tables() {
  static const std::vector<const TableSchema*> t{
      &PlayerGameSummarySchema(), &TeamDefenseGameSummarySchema(),
      &TeamOffenseGameSummarySchema(), &UpcomingPlayerGameContextSchema(),
      &UpcomingTeamGameContextSchema()};
  return t;
}

}  // namespace phase4
