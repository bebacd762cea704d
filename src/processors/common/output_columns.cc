#include "processors/common/output_columns.h"

namespace phase4::processors {

using namespace cols;

std::vector<Column> Concat(std::initializer_list<std::vector<Column>> parts) {
  std::vector<Column> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<Column> SourceTracking(const std::string& prefix) {
  return {Timestamp(prefix + "_last_updated"), Int(prefix + "_rows_found"),
          Num(prefix + "_completeness_pct", 2)};
}

std::vector<Column> CompletenessBlock() {
  return {Int("expected_games_count"),
          Int("actual_games_count"),
          Float("completeness_percentage"),
          Int("missing_games_count"),
          Bool("is_production_ready"),
          Json("data_quality_issues"),
          Timestamp("last_reprocess_attempt_at"),
          Int("reprocess_attempt_count"),
          Bool("circuit_breaker_active"),
          Timestamp("circuit_breaker_until"),
          Bool("manual_override_required"),
          Bool("season_boundary_detected"),
          Bool("backfill_bootstrap_mode"),
          Text("processing_decision_reason")};
}

std::vector<Column> EarlySeason() {
  return {BoolNN("early_season_flag"), Text("insufficient_data_reason")};
}

}  // namespace phase4::processors
