// Building output rows by column index, and the source-tracking and
// completeness columns every Phase 4 table carries.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "calendar/date.h"
#include "common/exact.h"
#include "processors/common/season_inputs.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4::processors {

// Index of `name` in `schema`; aborts on an unknown column (the column lists
// are static, so that is a programming error). Processors resolve their
// output columns once, into a struct of indexes.
int ColumnOf(const TableSchema& schema, std::string_view name);

class OutputRow {
 public:
  explicit OutputRow(const TableSchema& schema) : schema_(&schema), row_(schema.size()) {}
  OutputRow& Set(int column, Value v) {
    row_[static_cast<size_t>(column)] = std::move(v);
    return *this;
  }
  OutputRow& SetOpt(int column, std::optional<double> v) {
    return Set(column, v ? Value(*v) : Value());
  }
  OutputRow& SetOpt(int column, std::optional<int64_t> v) {
    return Set(column, v ? Value(*v) : Value());
  }
  OutputRow& SetOpt(int column, std::optional<std::string> v) {
    return Set(column, v ? Value(std::move(*v)) : Value());
  }
  OutputRow& SetBool(int column, bool v) { return Set(column, int64_t{v ? 1 : 0}); }
  // An exact value (decision 35), rounded once, half to even, at the
  // column's declared scale (NUMERIC(p, s)); a FLOAT64 column takes the
  // nearest double.
  template <typename Number>  // Exact or BigExact
  OutputRow& SetExact(int column, const Number& v) {
    const int scale = schema_->columns[static_cast<size_t>(column)].scale;
    return Set(column, scale >= 0 ? v.Round(scale) : v.ToDouble());
  }
  template <typename Number>
  OutputRow& SetExact(int column, const std::optional<Number>& v) {
    return v ? SetExact(column, *v) : Set(column, Value());
  }
  Row Build() { return std::move(row_); }

 private:
  const TableSchema* schema_;
  Row row_;
};

// The gold / silver / bronze / poor / unusable tier of a 0-100 score (>= 95,
// >= 75, >= 50, >= 25, else): #4's quality_tier of its L5 completeness and
// #5's of its feature quality score (doc/schema-phase4.md).
std::string QualityTier(double score);

// Threshold of is_production_ready (zone-processors.md §5: 90, later 70).
inline constexpr double kProductionReadyPct = 70.0;

// The columns every Phase 4 table shares: the 14-column completeness block
// (zone-processors.md §1.3), one source's tracking columns (§1.2) and the
// early-season pair (decision 30).
struct TrackingColumns {
  TrackingColumns(const TableSchema& schema, std::string_view source_prefix);
  int expected, actual, completeness, missing, ready, issues, last_attempt, attempts, breaker,
      breaker_until, manual_override, season_boundary, bootstrap_mode, decision_reason;
  int source_last_updated, source_rows_found, source_completeness, source_hash;
  int early_season_flag, insufficient_data_reason;
};

// Expected and actual games of one entity (zone-processors.md §1.6 with the
// later fixes: both sides over the same bounded window, every game credited
// to both teams). expected = the entity's team's last N final games of the
// season before D in the schedule; actual = how many of those dates the
// entity has a (played, for players) Phase 3 row.
struct GameCounts {
  int64_t expected = 0;
  int64_t actual = 0;
};
GameCounts CountGames(const SeasonInputs& season, const SeasonTable& table, std::string_view entity,
                      std::string_view team, Date d, size_t n);

// Sets the completeness block: expected/actual/missing counts,
// completeness_percentage = round1(100 * actual / expected) (0 when
// expected = 0), is_production_ready (>= kProductionReadyPct),
// data_quality_issues `[]`, no reprocess attempts and no circuit breaker
// (this engine has neither), season_boundary_detected (month of D in Oct,
// Nov, Apr), backfill_bootstrap_mode (D less than 30 days after opening
// night), processing_decision_reason.
void SetCompletenessBlock(OutputRow& row, const TrackingColumns& cols, Date d, Date opening_night,
                          const GameCounts& counts,
                          std::string_view decision_reason = "processed_successfully");

// Sets `<source>_last_updated` (latest processed_at among the window rows),
// `<source>_rows_found` (window rows), `<source>_completeness_pct`
// (round2(min(100, 100 * actual / expected)), 100 when expected = 0) and
// `<source>_hash`: a fingerprint of every cell of every window row (first
// 16 hex of SHA-256 over the rows' digests, oldest first), NULL when the
// window is empty.
void SetSourceTracking(OutputRow& row, const TrackingColumns& cols, const SeasonTable& table,
                       std::span<const Row> window, const GameCounts& counts);

// early_season_flag and insufficient_data_reason (`Only N games available,
// need M`, decision 30) for an entity with `games` of the `needed` games.
void SetEarlySeason(OutputRow& row, const TrackingColumns& cols, int64_t games, int64_t needed);

}  // namespace phase4::processors
