// The one-screen report at the end of the demo: rows per table, dates per
// job from the checkpoints, the mean feature quality, and whether the
// features carry signal (mean absolute error of points_avg_last_10 against
// points_avg_season as predictors of the points actually scored).
#pragma once

#include <string>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4 {

struct JobDates {
  std::string job;
  bool has_units = false;  // the ledger has a unit of the job in the range
  int successful = 0, skipped = 0, failed = 0, blocked = 0;
};

struct SignalCheck {
  Date start{}, end{};
  int64_t samples = 0;     // feature rows of players who played that day
  double mae_last_10 = 0;  // |points_avg_last_10 - actual points|
  double mae_season = 0;   // |points_avg_season - actual points|
};

struct PipelineReport {
  std::vector<std::pair<std::string, int64_t>> table_rows;  // full name -> rows
  std::vector<JobDates> jobs;
  double mean_feature_quality = 0;
  int64_t feature_rows = 0;
  SignalCheck signal;
};

// `start`/`end`: the backfill range whose units are counted from the
// ledger; `signal_start`/`signal_end`: the dates of the MAE check.
Result<PipelineReport> BuildPipelineReport(Warehouse& wh, Date start, Date end, Date signal_start,
                                           Date signal_end);
std::string FormatPipelineReport(const PipelineReport& r);

}  // namespace phase4
