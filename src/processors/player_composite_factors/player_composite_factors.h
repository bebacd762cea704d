// Processor #3: player_composite_factors (composite-and-cache.md §1 with the
// contract's decisions 5, 9, 11-13, 30, 31, 34). One row per player in the
// upcoming player context of D: four adjustment factors (fatigue, shot-zone
// mismatch, pace, usage spike), four deferred factors at 0 and their total.
// Reads #1 and #2 as stored (rounded) for D.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/exact.h"
#include "processors/common/processor.h"
#include "processors/common/season_inputs.h"

namespace phase4::processors {

// The output table, nba_precompute.player_composite_factors (player_composite_factors_schema.cc).
const TableSchema& PlayerCompositeFactorsSchema();

inline constexpr const char* kCompositeCalculationVersion = "v1_4factors";
inline constexpr int kCompositeMinGames = 10;  // decision 30

const ProcessorInfo& PlayerCompositeFactorsInfo();

// Factor 1 (§A4). NULL inputs take the documented defaults: days_rest 1,
// back_to_back false, games 3, minutes 200, avg minutes 30, back-to-backs 0,
// age 25.
struct FatigueInputs {
  std::optional<int64_t> days_rest;
  std::optional<bool> back_to_back;
  std::optional<int64_t> games_last_7;
  std::optional<double> minutes_last_7;
  std::optional<double> avg_minutes_last_7;
  std::optional<int64_t> back_to_backs_last_14;
  std::optional<int64_t> player_age;
};
struct FatigueResult {
  int score = 100;                     // F, 35..100, higher = more rested
  std::vector<std::string> penalties;  // every penalty applied
  std::vector<std::string> bonuses;    // the rest bonus when applied
};
FatigueResult FatigueScore(const FatigueInputs& in);
// (F - 100) / 20, in [-3.25, 0].
Exact FatigueAdjustment(int fatigue_score);

// The factors below are exact (decision 35) and unrounded; the row stores
// each rounded once at its declared scale, and the total from the
// unrounded parts.

// Factor 2 (§A4): w = d * min(u / 50, 1); |w| > 5 (strict) -> 1.2 w; clamp
// +-10. u NULL -> 50, d NULL -> 0.
Exact ShotZoneMismatch(std::optional<Exact> zone_rate, std::optional<Exact> defense_vs_league);

// Factor 3: clamp(pace_differential / 2, -3, 3); NULL -> 0.
Exact PaceScore(std::optional<Exact> pace_differential);

// Factor 4 (§A4, decision 31): baseline q NULL -> 25; projected p NULL -> q
// (no spike); stars NULL -> 0. q == 0 -> 0. x = 0.3 (p - q), boosted x1.15
// (1 star) / x1.30 (2+) only when x > 0, clamp +-3.
Exact UsageSpike(std::optional<Exact> projected, std::optional<Exact> baseline,
                 std::optional<int64_t> star_teammates_out);

Result<std::vector<Row>> ComputePlayerCompositeFactors(Date d, const ProcessorInputs& in);

}  // namespace phase4::processors
