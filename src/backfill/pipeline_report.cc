#include "backfill/pipeline_report.h"

#include <fmt/format.h>

#include <cmath>

#include "backfill/checkpoint.h"
#include "processors/registry.h"

namespace phase4 {

Result<PipelineReport> BuildPipelineReport(Warehouse& wh, const std::string& checkpoint_dir,
                                           Date start, Date end, Date signal_start,
                                           Date signal_end) {
  PipelineReport r;
  for (const TableSchema* t : Phase3Tables()) {
    PHASE4_ASSIGN_OR_RETURN(int64_t n, wh.CountRows(*t));
    r.table_rows.emplace_back(t->FullName(), n);
  }
  for (const TableSchema* t : Phase4Tables()) {
    PHASE4_ASSIGN_OR_RETURN(int64_t n, wh.CountRows(*t));
    r.table_rows.emplace_back(t->FullName(), n);
  }
  for (const auto* p : processors::AllProcessors()) {
    JobDates j;
    j.job = p->name;
    PHASE4_ASSIGN_OR_RETURN(auto state, Checkpoint::Inspect(checkpoint_dir, p->name, start, end));
    if (state) {
      j.has_checkpoint = true;
      j.successful = state->successful();
      j.skipped = state->skipped();
      j.failed = state->failed();
    }
    r.jobs.push_back(j);
  }
  {
    PHASE4_ASSIGN_OR_RETURN(
        Statement st,
        wh.Prepare("SELECT COUNT(*), AVG(feature_quality_score) FROM "
                   "nba_predictions.ml_feature_store_v2 WHERE game_date BETWEEN ? AND ?"));
    st.BindText(1, FormatDate(start));
    st.BindText(2, FormatDate(end));
    if (st.Step()) {
      r.feature_rows = st.ColumnInt(0);
      r.mean_feature_quality = st.ColumnOptReal(1).value_or(0);
    }
    PHASE4_RETURN_IF_ERROR(st.status());
  }
  // Players who played (decision 27) on the feature row's date.
  PHASE4_ASSIGN_OR_RETURN(
      Statement st,
      wh.Prepare("SELECT COUNT(*), AVG(ABS(f.points_avg_last_10 - p.points)), "
                 "AVG(ABS(f.points_avg_season - p.points)) "
                 "FROM nba_predictions.ml_feature_store_v2 f "
                 "JOIN nba_analytics.player_game_summary p "
                 "  ON p.player_lookup = f.player_lookup AND p.game_date = f.game_date "
                 "WHERE f.game_date BETWEEN ? AND ? AND p.points IS NOT NULL "
                 "  AND p.is_active != 0 AND (p.minutes_played > 0 OR p.fg_attempts > 0)"));
  st.BindText(1, FormatDate(signal_start));
  st.BindText(2, FormatDate(signal_end));
  r.signal.start = signal_start;
  r.signal.end = signal_end;
  if (st.Step()) {
    r.signal.samples = st.ColumnInt(0);
    r.signal.mae_last_10 = st.ColumnOptReal(1).value_or(0);
    r.signal.mae_season = st.ColumnOptReal(2).value_or(0);
  }
  PHASE4_RETURN_IF_ERROR(st.status());
  return r;
}

std::string FormatPipelineReport(const PipelineReport& r) {
  std::string out;
  const std::string rule(72, '=');
  out += rule + "\nPHASE 4 PIPELINE REPORT\n" + rule + "\n";
  out += "Rows per table:\n";
  for (const auto& [name, n] : r.table_rows) out += fmt::format("  {:<48} {:>10}\n", name, n);
  out += "Dates per job (from the checkpoints):\n";
  out += fmt::format("  {:<30} {:>10} {:>8} {:>7}\n", "job", "processed", "skipped", "failed");
  for (const auto& j : r.jobs) {
    if (!j.has_checkpoint)
      out += fmt::format("  {:<30} {:>10}\n", j.job, "no checkpoint");
    else
      out += fmt::format("  {:<30} {:>10} {:>8} {:>7}\n", j.job, j.successful, j.skipped, j.failed);
  }
  out += fmt::format("Mean feature quality: {:.2f} over {} feature rows\n", r.mean_feature_quality,
                     r.feature_rows);
  const auto& s = r.signal;
  out += fmt::format("Signal check, {} to {} ({} player-games):\n", FormatDate(s.start),
                     FormatDate(s.end), s.samples);
  out +=
      fmt::format("  MAE of points_avg_last_10 as a prediction of points: {:.3f}\n", s.mae_last_10);
  out +=
      fmt::format("  MAE of points_avg_season  as a prediction of points: {:.3f}\n", s.mae_season);
  if (s.samples > 0 && s.mae_season > 0)
    out += fmt::format("  points_avg_last_10 is {:.1f}% {} than the season average\n",
                       100.0 * std::abs(s.mae_season - s.mae_last_10) / s.mae_season,
                       s.mae_last_10 <= s.mae_season ? "better" : "worse");
  out += rule + "\n";
  return out;
}

}  // namespace phase4
