// The output table of team_defense_zone_analysis: the full output column list of spec/zone-
// processors.md §2.9, with the contract's changes (spec/README.md decisions 8-13, 28-34). The
// shared blocks (source tracking, completeness, early season) are in
// processors/common/output_columns.h.
#include "processors/common/output_columns.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

namespace phase4::processors {

using namespace cols;

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

}  // namespace phase4::processors
