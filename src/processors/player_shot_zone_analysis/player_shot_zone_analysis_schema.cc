// The output table of player_shot_zone_analysis: the full output column list of spec/zone-
// processors.md §3.8, with the contract's changes (spec/README.md decisions 8-13, 28-34). The
// shared blocks (source tracking, completeness, early season) are in
// processors/common/output_columns.h.
#include "processors/common/output_columns.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"

namespace phase4::processors {

using namespace cols;

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

}  // namespace phase4::processors
