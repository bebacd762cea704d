// The output table of ml_feature_store: the full output column list of spec/ml-feature-store.md
// §1.1 and §2, with the contract's changes (spec/README.md decisions 8-13, 28-34). The shared
// blocks (source tracking, completeness, early season) are in processors/common/output_columns.h.
#include "processors/common/output_columns.h"
#include "processors/ml_feature_store/ml_feature_store.h"

namespace phase4::processors {

using namespace cols;

namespace {

// FLOAT64 NOT NULL (the per-feature columns of the feature store).
Column FloatNN(std::string n) { return {std::move(n), ColumnType::kReal, -1, true}; }

}  // namespace

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

}  // namespace phase4::processors
