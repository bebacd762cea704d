// Processor #5: ml_feature_store -> nba_predictions.ml_feature_store_v2
// (ml-feature-store.md with the contract's decisions 5-13, 26-34). One row
// per player of upcoming_player_game_context for D (deduplicated): the 25
// features of v1_baseline_25 in the documented order, each taken from Phase
// 4 (the upstream tables of D as stored), else Phase 3, else its default, or
// calculated; the per-feature source labels, a quality score and tier, and
// the data_source label.
//
// The features are built by a pure function of two records (§9.1): what
// Phase 4 says about the player (Phase4Record) and what Phase 3 says
// (Phase3Record). Compute builds both from its inputs; the tests feed them
// directly (test vectors TV1, TV2).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/exact.h"
#include "processors/common/processor.h"
#include "processors/common/season_inputs.h"

namespace phase4::processors {

// The output table, nba_predictions.ml_feature_store_v2 (ml_feature_store_schema.cc).
const TableSchema& MlFeatureStoreSchema();

inline constexpr std::string_view kFeatureVersion = "v1_baseline_25";
inline constexpr int kFeatureCount = 25;
// Decision 30: early season below 10 played games this season before D.
inline constexpr int kFeatureStoreMinGames = 10;

// The canonical names, in order (ml-feature-store.md §2; index 4 is
// games_in_last_7_days).
const std::array<std::string_view, kFeatureCount>& FeatureNames();

enum class FeatureSource { kPhase4, kPhase3, kCalculated, kDefault };
// "phase4", "phase3", "calculated", "default".
std::string_view SourceLabel(FeatureSource s);
// Weight of a source label in the quality score: phase4 100, phase3 75,
// calculated 100, default 40; any other label 40 (§4).
int SourceWeight(std::string_view label);

// §4: round2(mean of the weights); 0.0 for no labels.
double FeatureQualityScore(std::span<const std::string_view> labels);
// §4: n4/N >= 0.9 phase4, >= 0.5 phase4_partial, else n3/N >= 0.5 phase3,
// else mixed; no labels: unknown.
std::string DataSourceLabel(std::span<const std::string_view> labels);
// The persisted `quality_tier` is QualityTier(feature_quality_score)
// (processors/common/output_row.h).

// --- The calculated features (§3.4, decision 33) ---
// f9: clamp(days_rest - opponent_days_rest, -2, 2); 0 when either is NULL.
double RestAdvantage(std::optional<int64_t> days_rest, std::optional<int64_t> opponent_days_rest);
// f10: lower(status): available 0, probable 1, questionable 2, doubtful 3,
// out 3; NULL, "" and anything else 0.
double InjuryRisk(std::optional<std::string_view> player_status);
// f11 (decision 33): points of the played games, newest first. With >= 5
// games: recent = mean(g0, g1), older = mean(g2, g3, g4), diff = recent -
// older; >= 5 -> 2, >= 2 -> 1, <= -5 -> -2, <= -2 -> -1, else 0. Fewer than
// 5 games -> 0. Positive when recent scoring is above the baseline.
double RecentTrend(std::span<const double> points_newest_first);
// f12: p = (recent - season) / season; 0 when either is 0; >= 0.20 -> 2,
// >= 0.10 -> 1, <= -0.20 -> -2, <= -0.10 -> -1, else 0.
// Exact (decision 35): a ratio of exactly 0.1 or 0.2 is on the threshold.
double MinutesChange(const Exact& recent_minutes, const Exact& season_minutes);
// f21: Σ ft_makes / Σ points over the last <= 10 games, clamped to [0, 0.5];
// 0.15 with fewer than 5 games or no points.
double PctFreeThrow(std::span<const double> ft_makes, std::span<const double> points);
// f24: wins / games; 0.5 with fewer than 5 games.
double TeamWinPct(int64_t wins, int64_t games);

// What Phase 4 says about the player for D (stored, rounded values; NULL =
// nullopt). Field groups by table: daily cache, composite, shot zones, the
// opponent's team defense.
struct Phase4Record {
  // player_daily_cache (cache_date = D)
  std::optional<double> points_avg_last_5, points_avg_last_10, points_avg_season,
      points_std_last_10, games_in_last_7_days, cache_paint_rate_last_10,
      cache_three_pt_rate_last_10, team_pace_last_10, team_off_rating_last_10, minutes_avg_last_10;
  // player_composite_factors (game_date = D)
  std::optional<double> fatigue_score, shot_zone_mismatch_score, pace_score, usage_spike_score;
  // player_shot_zone_analysis (analysis_date = D), percent 0-100
  std::optional<double> paint_rate_last_10, mid_range_rate_last_10, three_pt_rate_last_10;
  // team_defense_zone_analysis of the opponent (analysis_date = D)
  std::optional<double> opponent_def_rating, opponent_pace;
};

// What Phase 3 says: the player's upcoming context row for D and his played
// games of the season before D.
struct Phase3Record {
  // upcoming_player_game_context (NULL booleans are false, §3.5)
  bool home_game = false, back_to_back = false;
  std::optional<std::string> season_phase, player_status;
  std::optional<int64_t> days_rest, opponent_days_rest;
  // The last <= 10 played games with points, newest first (parallel).
  std::vector<double> last_points, last_ft_makes, last_minutes;
  // Season (before D) averages over played games; nullopt with none.
  std::optional<double> points_avg_season;
  std::optional<Exact> minutes_avg_season;  // exact: f12 compares it with thresholds
  // The player's team's games of the season before D and its wins.
  int64_t team_games = 0, team_wins = 0;
};

struct FeatureVector {
  std::array<double, kFeatureCount> values{};
  std::array<FeatureSource, kFeatureCount> sources{};
};

// The pure feature function (§2, §3.4; decisions 10, 33). Every value is
// finite: a missing or non-finite input takes its fallback or default.
FeatureVector BuildFeatures(const Phase4Record& p4, const Phase3Record& p3);

const ProcessorInfo& MlFeatureStoreInfo();

Result<std::vector<Row>> ComputeMlFeatureStore(Date d, const ProcessorInputs& in);

}  // namespace phase4::processors
