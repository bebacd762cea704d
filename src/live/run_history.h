// Run history (decision 24): every run writes a start row and a final row
// to nba_reference.processor_run_history.
//
// Rows of one run share `run_id`; `row_kind` is 'start' (status 'running')
// or 'final' (status success | failed | blocked | skipped). A run with only
// a start row did not finish (it is still running, or it died). Readers take
// a run's final row when there is one: the terminal status wins.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4::live {

struct RunInfo {
  std::string processor_name;  // Phase 4 job name, or the Phase 3 table name for loads
  std::string phase;           // phase_3_analytics, phase_4_precompute
  std::optional<Date> data_date;
  std::string mode;  // live, backfill, import, generate
  std::string options_json = "{}";
  // When the run began (NowTimestampUtc format); now when empty. A backfill
  // computes a date before it writes it, and the run began with the compute.
  std::string started_at = {};
};

struct RunOutcome {
  std::string status;  // success, failed, blocked, skipped
  int64_t records_processed = 0;
  std::string error_message;
};

class RunHistory {
 public:
  explicit RunHistory(Warehouse& wh) : wh_(wh) {}

  // Writes the start row of a new run; returns its id
  // (`<processor>_<YYYYmmdd_HHMMSS>_<8 hex>`).
  Result<std::string> Start(const RunInfo& info);
  // Writes the final row of a started run.
  Status Finish(const std::string& run_id, const RunInfo& info, const RunOutcome& outcome);
  // Records finished runs (start and final rows) in one transaction: what a
  // Phase 3 load does for every date it wrote.
  Status RecordFinished(const std::vector<RunInfo>& runs, const RunOutcome& outcome);
  // A new run id (`<processor>_<YYYYmmdd_HHMMSS>_<8 hex>`).
  static std::string NewId(std::string_view processor);
  // The start and final rows of run `run_id`, begun at info.started_at and
  // ending now with `outcome`, for a caller that commits them with the
  // run's own writes (phase4 worker).
  std::vector<Row> FinishedRows(const std::string& run_id, const RunInfo& info,
                                const RunOutcome& outcome);

  // Status of the latest run of `processor` for `date` (by start time; the
  // final row wins over the start row of the same run): "running" when the
  // latest run has no final row; nullopt when there is no run.
  Result<std::optional<std::string>> LatestStatus(std::string_view processor, Date date);

 private:
  Row MakeRow(const std::string& run_id, std::string_view kind, const RunInfo& info,
              const std::string& started_at, const RunOutcome* outcome, double duration);

  Warehouse& wh_;
  // Start times of the runs this process started, for the final rows.
  std::vector<std::pair<std::string, std::string>> started_;
};

}  // namespace phase4::live
