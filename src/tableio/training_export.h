// The training-set export of nba_predictions.ml_feature_store_v2: the
// feature rows joined with the points each player actually scored in that
// game (nba_analytics.player_game_summary), in the shape a modeller loads
// into a data frame. doc/training-export.md describes it.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "tableio/table_io.h"
#include "warehouse/warehouse.h"

namespace phase4::tableio {

// The CSV header: player_lookup, game_date, opponent_team_abbr,
// feature_version, feature_quality_score, the 25 feature names in order,
// actual_points.
std::vector<std::string> TrainingCsvColumns();

// Writes one line per feature-store row (player, date) with game_date in
// [start, end], ordered by game_date then player_lookup.
//  * kCsv: one column per feature name (TrainingCsvColumns); actual_points
//    is empty when the player did not play (decision 27) or has no points.
//  * kJsonl: one object per row with the identifiers, `features` and
//    `feature_names` as JSON arrays, and actual_points (null when absent).
// The feature values come from the stored row; the actual points are the
// only value read from the game itself.
Status ExportTrainingSet(Warehouse& wh, std::optional<Date> start, std::optional<Date> end,
                         ExportFormat format, std::ostream& out);

}  // namespace phase4::tableio
