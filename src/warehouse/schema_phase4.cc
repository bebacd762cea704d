// Phase 4 output tables: the full output column lists of the processor notes
// (spec/zone-processors.md §2.9, §3.8; spec/composite-and-cache.md §A8, §B7;
// spec/ml-feature-store.md §1.1, §2), with the contract's changes
// (spec/README.md decisions 8-13, 28-34): `early_season_flag` NOT NULL and
// `insufficient_data_reason` on every table, `processed_at` and `data_hash`
// NOT NULL on every row, numbers at the declared decimals.
#include <initializer_list>

#include "warehouse/schema_columns.h"

namespace phase4 {

using namespace cols;

namespace {

// FLOAT64 NOT NULL (the per-feature columns of the feature store).
Column FloatNN(std::string n) { return {std::move(n), ColumnType::kReal, -1, true}; }

std::vector<Column> Concat(std::initializer_list<std::vector<Column>> parts) {
  std::vector<Column> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Source tracking, three columns per dependency (zone-processors.md §1.2).
std::vector<Column> SourceTracking(const std::string& prefix) {
  return {Timestamp(prefix + "_last_updated"), Int(prefix + "_rows_found"),
          Num(prefix + "_completeness_pct", 2)};
}

// The 14-column completeness / circuit-breaker / bootstrap block
// (zone-processors.md §1.3), shared by all five tables.
std::vector<Column> CompletenessBlock() {
  return {Int("expected_games_count"),
          Int("actual_games_count"),
          Float("completeness_percentage"),
          Int("missing_games_count"),
          Bool("is_production_ready"),
          Json("data_quality_issues"),
          Timestamp("last_reprocess_attempt_at"),
          Int("reprocess_attempt_count"),
          Bool("circuit_breaker_active"),
          Timestamp("circuit_breaker_until"),
          Bool("manual_override_required"),
          Bool("season_boundary_detected"),
          Bool("backfill_bootstrap_mode"),
          Text("processing_decision_reason")};
}

// Early-season pair: the flag is FALSE, never NULL, on normal rows (decision 30).
std::vector<Column> EarlySeason() {
  return {BoolNN("early_season_flag"), Text("insufficient_data_reason")};
}

}  // namespace

const TableSchema& TeamDefenseZoneAnalysisSchema() {
  static const TableSchema s{
      "nba_precompute",
      "team_defense_zone_analysis",
      Concat({
          {TextNN("team_abbr"),
           DateNN("analysis_date"),
           Num("paint_pct_allowed_last_15", 3),
           Num("paint_attempts_allowed_per_game", 1),
           Num("paint_points_allowed_per_game", 1),
           Num("paint_blocks_per_game", 1),
           Num("paint_defense_vs_league_avg", 2),
           Num("mid_range_pct_allowed_last_15", 3),
           Num("mid_range_attempts_allowed_per_game", 1),
           Num("mid_range_blocks_per_game", 1),
           Num("mid_range_defense_vs_league_avg", 2),
           Num("three_pt_pct_allowed_last_15", 3),
           Num("three_pt_attempts_allowed_per_game", 1),
           Num("three_pt_blocks_per_game", 1),
           Num("three_pt_defense_vs_league_avg", 2),
           Num("defensive_rating_last_15", 2),
           Num("opponent_points_per_game", 1),
           Num("opponent_pace", 1),
           Int("games_in_sample"),
           Text("strongest_zone"),
           Text("weakest_zone"),
           Text("data_quality_tier"),
           Text("calculation_notes")},
          SourceTracking("source_team_defense"),
          {Text("source_team_defense_hash"), TextNN("data_hash")},
          EarlySeason(),
          CompletenessBlock(),
          {TimestampNN("processed_at"), Timestamp("created_at")},
      }),
      {"analysis_date", "team_abbr"},
      "analysis_date",
      "Team defensive zone metrics over the last 15 games, one row per team per date"};
  return s;
}

const TableSchema& PlayerShotZoneAnalysisSchema() {
  static const TableSchema s{
      "nba_precompute",
      "player_shot_zone_analysis",
      Concat({
          {TextNN("player_lookup"),
           Text("universal_player_id"),
           DateNN("analysis_date"),
           Num("paint_rate_last_10", 2),
           Num("mid_range_rate_last_10", 2),
           Num("three_pt_rate_last_10", 2),
           Int("total_shots_last_10"),
           Int("games_in_sample_10"),
           Text("sample_quality_10"),
           Num("paint_pct_last_10", 3),
           Num("mid_range_pct_last_10", 3),
           Num("three_pt_pct_last_10", 3),
           Num("paint_attempts_per_game", 1),
           Num("mid_range_attempts_per_game", 1),
           Num("three_pt_attempts_per_game", 1),
           Num("paint_rate_last_20", 2),
           Num("paint_pct_last_20", 3),
           Int("games_in_sample_20"),
           Text("sample_quality_20"),
           Num("assisted_rate_last_10", 2),
           Num("unassisted_rate_last_10", 2),
           Text("player_position"),
           Text("primary_scoring_zone"),
           Text("data_quality_tier"),
           Text("calculation_notes")},
          SourceTracking("source_player_game"),
          {Text("source_player_game_hash"), TextNN("data_hash")},
          EarlySeason(),
          CompletenessBlock(),
          {Timestamp("created_at"), TimestampNN("processed_at")},
      }),
      {"analysis_date", "player_lookup"},
      "analysis_date",
      "Player shot distribution and efficiency by zone over the last 10/20 games"};
  return s;
}

const TableSchema& PlayerCompositeFactorsSchema() {
  static const TableSchema s{
      "nba_precompute",
      "player_composite_factors",
      Concat({
          {TextNN("player_lookup"), Text("universal_player_id"), DateNN("game_date"),
           TextNN("game_id"), DateCol("analysis_date"), Int("fatigue_score"),
           Num("shot_zone_mismatch_score", 1), Num("pace_score", 1), Num("usage_spike_score", 1),
           Num("referee_favorability_score", 1), Num("look_ahead_pressure_score", 1),
           Num("travel_impact_score", 1), Num("opponent_strength_score", 1),
           Num("total_composite_adjustment", 2),
           // Declared STRING in the reference DDL; each holds one JSON object.
           Json("fatigue_context_json"), Json("shot_zone_context_json"), Json("pace_context_json"),
           Json("usage_context_json"), Text("calculation_version"), Num("data_completeness_pct", 2),
           Text("missing_data_fields"), Bool("has_warnings"), Text("warning_details")},
          SourceTracking("source_player_context"),
          SourceTracking("source_team_context"),
          SourceTracking("source_player_shot"),
          SourceTracking("source_team_defense"),
          {Text("source_player_context_hash"), Text("source_team_context_hash"),
           Text("source_player_shot_hash"), Text("source_team_defense_hash"), TextNN("data_hash")},
          EarlySeason(),
          CompletenessBlock(),
          {Bool("upstream_player_shot_ready"), Bool("upstream_team_defense_ready"),
           Bool("upstream_player_context_ready"), Bool("upstream_team_context_ready"),
           Bool("all_upstreams_ready")},
          {Timestamp("created_at"), TimestampNN("processed_at")},
      }),
      {"game_date", "player_lookup"},
      "game_date",
      "Composite adjustment factors (fatigue, shot-zone mismatch, pace, usage) per player game"};
  return s;
}

const TableSchema& PlayerDailyCacheSchema() {
  static const TableSchema s{
      "nba_precompute",
      "player_daily_cache",
      Concat({
          {TextNN("player_lookup"), Text("universal_player_id"), DateNN("cache_date"),
           // Recent performance.
           Num("points_avg_last_5", 1), Num("points_avg_last_10", 1), Num("points_avg_season", 1),
           Num("points_std_last_10", 2), Num("minutes_avg_last_10", 1),
           Num("usage_rate_last_10", 2), Num("ts_pct_last_10", 3), Int("games_played_season"),
           // Team context.
           Num("team_pace_last_10", 1), Num("team_off_rating_last_10", 2),
           Num("player_usage_rate_season", 2),
           // Fatigue (copied from the player context).
           Int("games_in_last_7_days"), Int("games_in_last_14_days"), Int("minutes_in_last_7_days"),
           Int("minutes_in_last_14_days"), Int("back_to_backs_last_14_days"),
           Int("fourth_quarter_minutes_last_7"), Num("avg_minutes_per_game_last_7", 1),
           // Shot zones; assisted_rate_last_10 is a fraction 0-1 (decision 32).
           Text("primary_scoring_zone"), Num("paint_rate_last_10", 2),
           Num("three_pt_rate_last_10", 2), Num("assisted_rate_last_10", 4), Int("player_age")},
          SourceTracking("source_player_game"),
          SourceTracking("source_team_offense"),
          SourceTracking("source_upcoming_context"),
          SourceTracking("source_shot_zone"),
          {Text("source_player_game_hash"), Text("source_team_offense_hash"),
           Text("source_upcoming_context_hash"), Text("source_shot_zone_hash"),
           TextNN("data_hash")},
          EarlySeason(),
          CompletenessBlock(),
          {Float("l5_completeness_pct"), Bool("l5_is_complete"), Float("l10_completeness_pct"),
           Bool("l10_is_complete"), Float("l7d_completeness_pct"), Bool("l7d_is_complete"),
           Float("l14d_completeness_pct"), Bool("l14d_is_complete"), Bool("all_windows_complete")},
          {Text("cache_version"), Bool("shot_zone_data_available"), Text("quality_tier"),
           Float("cache_quality_score"), Timestamp("created_at"), TimestampNN("processed_at")},
      }),
      {"cache_date", "player_lookup"},
      "cache_date",
      "Daily snapshot of slow-moving player stats for Phase 5 and the feature store"};
  return s;
}

const TableSchema& MlFeatureStoreSchema() {
  static const TableSchema s{
      "nba_predictions",
      "ml_feature_store_v2",
      Concat({
          {TextNN("player_lookup"), Text("universal_player_id"), DateNN("game_date"),
           TextNN("game_id"),
           // The vector as one value: JSON arrays aligned by position.
           JsonNN("features"), JsonNN("feature_names"), IntNN("feature_count"),
           TextNN("feature_version"), Json("feature_sources")},
          // The same vector by name: one column per feature of v1_baseline_25, in
          // order (ml-feature-store.md §2). No name clashes with the other columns,
          // so no `f_` prefix is needed.
          {FloatNN("points_avg_last_5"),
           FloatNN("points_avg_last_10"),
           FloatNN("points_avg_season"),
           FloatNN("points_std_last_10"),
           FloatNN("games_in_last_7_days"),
           FloatNN("fatigue_score"),
           FloatNN("shot_zone_mismatch_score"),
           FloatNN("pace_score"),
           FloatNN("usage_spike_score"),
           FloatNN("rest_advantage"),
           FloatNN("injury_risk"),
           FloatNN("recent_trend"),
           FloatNN("minutes_change"),
           FloatNN("opponent_def_rating"),
           FloatNN("opponent_pace"),
           FloatNN("home_away"),
           FloatNN("back_to_back"),
           FloatNN("playoff_game"),
           FloatNN("pct_paint"),
           FloatNN("pct_mid_range"),
           FloatNN("pct_three"),
           FloatNN("pct_free_throw"),
           FloatNN("team_pace"),
           FloatNN("team_off_rating"),
           FloatNN("team_win_pct")},
          {Int("feature_generation_time_ms"), Num("feature_quality_score", 2), Text("quality_tier"),
           Text("opponent_team_abbr"), Bool("is_home"), Int("days_rest"), TextNN("data_source")},
          SourceTracking("source_daily_cache"),
          {Text("source_daily_cache_hash")},
          SourceTracking("source_composite"),
          {Text("source_composite_hash")},
          SourceTracking("source_shot_zones"),
          {Text("source_shot_zones_hash")},
          SourceTracking("source_team_defense"),
          {Text("source_team_defense_hash")},
          EarlySeason(),
          CompletenessBlock(),
          {TextNN("data_hash"), TimestampNN("created_at"), Timestamp("updated_at"),
           TimestampNN("processed_at")},
      }),
      {"game_date", "player_lookup", "feature_version"},
      "game_date",
      "ML feature vectors (v1_baseline_25, 25 features) per player game"};
  return s;
}

}  // namespace phase4
