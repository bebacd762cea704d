// The output table of player_daily_cache: the full output column list of spec/composite-and-
// cache.md §B7, with the contract's changes (spec/README.md decisions 8-13, 28-34). The shared
// blocks (source tracking, completeness, early season) are in processors/common/output_columns.h.
#include "processors/common/output_columns.h"
#include "processors/player_daily_cache/player_daily_cache.h"

namespace phase4::processors {

using namespace cols;

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

}  // namespace phase4::processors
