#include "processors/common/output_row.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "processors/common/hashing.h"
#include "processors/common/numeric.h"

namespace phase4::processors {

std::string QualityTier(double score) {
  if (score >= 95) return "gold";
  if (score >= 75) return "silver";
  if (score >= 50) return "bronze";
  if (score >= 25) return "poor";
  return "unusable";
}

int ColumnOf(const TableSchema& schema, std::string_view name) {
  int i = schema.ColumnIndex(name);
  if (i < 0) {
    std::fprintf(stderr, "no column %.*s in %s\n", static_cast<int>(name.size()), name.data(),
                 schema.FullName().c_str());
    std::abort();
  }
  return i;
}

TrackingColumns::TrackingColumns(const TableSchema& s, std::string_view source_prefix) {
  auto c = [&](std::string_view n) { return ColumnOf(s, n); };
  const std::string p(source_prefix);
  expected = c("expected_games_count");
  actual = c("actual_games_count");
  completeness = c("completeness_percentage");
  missing = c("missing_games_count");
  ready = c("is_production_ready");
  issues = c("data_quality_issues");
  last_attempt = c("last_reprocess_attempt_at");
  attempts = c("reprocess_attempt_count");
  breaker = c("circuit_breaker_active");
  breaker_until = c("circuit_breaker_until");
  manual_override = c("manual_override_required");
  season_boundary = c("season_boundary_detected");
  bootstrap_mode = c("backfill_bootstrap_mode");
  decision_reason = c("processing_decision_reason");
  source_last_updated = c(p + "_last_updated");
  source_rows_found = c(p + "_rows_found");
  source_completeness = c(p + "_completeness_pct");
  source_hash = c(p + "_hash");
  early_season_flag = c("early_season_flag");
  insufficient_data_reason = c("insufficient_data_reason");
}

GameCounts CountGames(const SeasonInputs& season, const SeasonTable& table, std::string_view entity,
                      std::string_view team, Date d, size_t n) {
  GameCounts c;
  std::span<const Date> expected = season.TeamLastScheduled(team, d, n);
  c.expected = static_cast<int64_t>(expected.size());
  if (expected.empty()) return c;
  auto rows = table.Between(entity, expected.front(), AddDays(expected.back(), 1));
  // Both sequences are sorted by date: count the scheduled dates present.
  size_t i = 0;
  for (Date want : expected) {
    while (i < rows.size() && table.DateOf(rows[i]) < want) ++i;
    if (i < rows.size() && table.DateOf(rows[i]) == want) ++c.actual;
  }
  return c;
}

void SetCompletenessBlock(OutputRow& row, const TrackingColumns& c, Date d, Date opening_night,
                          const GameCounts& counts, std::string_view decision_reason) {
  const double pct = counts.expected > 0 ? RoundedPercent(counts.actual, counts.expected, 1) : 0.0;
  const unsigned month = MonthOf(d);
  row.Set(c.expected, counts.expected)
      .Set(c.actual, counts.actual)
      .Set(c.completeness, pct)
      .Set(c.missing, std::max<int64_t>(0, counts.expected - counts.actual))
      .SetBool(c.ready, pct >= kProductionReadyPct)
      .Set(c.issues, std::string("[]"))
      .Set(c.last_attempt, Value())
      .Set(c.attempts, int64_t{0})
      .SetBool(c.breaker, false)
      .Set(c.breaker_until, Value())
      .SetBool(c.manual_override, false)
      .SetBool(c.season_boundary, month == 10 || month == 11 || month == 4)
      .SetBool(c.bootstrap_mode, DaysBetween(opening_night, d) < 30)
      .Set(c.decision_reason, std::string(decision_reason));
}

void SetSourceTracking(OutputRow& row, const TrackingColumns& c, const SeasonTable& table,
                       std::span<const Row> window, const GameCounts& counts) {
  auto [b, e] = table.IndexRange(window);
  const std::string_view last_updated = table.LatestProcessedAt(b, e);
  const double pct = counts.expected > 0 ? RoundedPercent(std::min(counts.actual, counts.expected),
                                                          counts.expected, 2)
                                         : 100.0;
  row.Set(c.source_last_updated, last_updated.data() ? Value(std::string(last_updated)) : Value())
      .Set(c.source_rows_found, static_cast<int64_t>(window.size()))
      .Set(c.source_completeness, pct);
  if (window.empty()) {
    row.Set(c.source_hash, Value());
    return;
  }
  row.Set(c.source_hash, table.WindowHash(b, e));
}

void SetEarlySeason(OutputRow& row, const TrackingColumns& c, int64_t games, int64_t needed) {
  const bool early = games < needed;
  row.SetBool(c.early_season_flag, early)
      .Set(c.insufficient_data_reason,
           early ? Value(fmt::format("Only {} games available, need {}", games, needed)) : Value());
}

}  // namespace phase4::processors
