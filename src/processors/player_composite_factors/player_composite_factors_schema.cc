// The output table of player_composite_factors: the full output column list of spec/composite-and-
// cache.md §A8, with the contract's changes (spec/README.md decisions 8-13, 28-34). The shared
// blocks (source tracking, completeness, early season) are in processors/common/output_columns.h.
#include "processors/common/output_columns.h"
#include "processors/player_composite_factors/player_composite_factors.h"

namespace phase4::processors {

using namespace cols;

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

}  // namespace phase4::processors
