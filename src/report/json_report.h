// The pipeline report as one JSON object (`phase4 report --json`): the
// figures of the text report, for scripts.
#pragma once

#include <string>

#include "report/pipeline_report.h"

namespace phase4::report {

// {"start_date", "end_date", "warehouse", "game_dates",
//  "tables": [{"table", "rows"}],                       rows in the range
//  "jobs": [{"job", "order", "up_to_date", "missing", "failed", "stale",
//            "blocked", "skipped",                       the plan's counts
//            "recorded": {"succeeded", "skipped", "failed", "blocked"}
//            (the ledger's states), or null when never run}],
//  "feature_quality": {"rows", "scored_rows", "mean"},
//  "signal": {"start_date", "end_date", "samples", "mae_points_avg_last_10",
//             "mae_points_avg_season", "months": [{"month", "samples",
//             "mae_points_avg_last_10", "mae_points_avg_season"}]},
//  "problems": [{"job", "date", "state", "reason"}]}   failed and blocked
// A mean over an empty sample is null, never 0. With no game date in the
// range, only the range, "warehouse" and "game_dates": 0.
std::string FormatJsonReport(const PipelineReport& r);

}  // namespace phase4::report
