// Processor #2: player_shot_zone_analysis (zone-processors.md §3 with the
// contract's decisions 5-8, 26, 27, 29, 30, 34). One row per player with at
// least one played game this season before D: where the player's shots come
// from and how well they go in, over the last 10 (and 20) played games.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "processors/common/processor.h"
#include "processors/common/season_inputs.h"

namespace phase4::processors {

// The output table, nba_precompute.player_shot_zone_analysis (player_shot_zone_analysis_schema.cc).
const TableSchema& PlayerShotZoneAnalysisSchema();

inline constexpr int kShotZoneWindow = 10;       // games; also the minimum sample
inline constexpr int kShotZoneTrendWindow = 20;  // games
inline constexpr int kShotZoneTrendMinGames = 15;

const ProcessorInfo& PlayerShotZoneAnalysisInfo();

// Metrics of one window of played games (zone-processors.md §3.5), already
// rounded at the declared scales like the reference (rates 2 dp, FG% 3 dp,
// per game 1 dp).
struct ShotZoneSample {
  int games = 0;
  std::optional<double> paint_rate, mid_range_rate, three_pt_rate;  // 0-100
  std::optional<double> paint_pct, mid_range_pct, three_pt_pct;     // 0-1
  std::optional<double> paint_pg, mid_range_pg, three_pt_pg;
  std::optional<double> assisted_rate, unassisted_rate;  // % of fg_makes
  std::optional<int64_t> total_shots;
};
// `played_games` is a window (a span) of `player_game_summary`.
ShotZoneSample ComputeShotZoneSample(const SeasonTable& player_game_summary,
                                     std::span<const Row> played_games);

// zone-processors.md §3.6 on the rounded rates: paint >= 40 paint; else
// three >= 40 perimeter; else mid >= 35 mid_range; else balanced; NULL when
// the rates are NULL or all 0.
std::optional<std::string> PrimaryScoringZone(std::optional<double> paint,
                                              std::optional<double> mid_range,
                                              std::optional<double> three_pt);
// excellent (n >= W), good (n >= 0.7W), limited (n >= 0.5W), insufficient.
std::string SampleQuality(int games, int window);
// >= 10 high, >= 7 medium, otherwise low.
std::string ShotZoneQualityTier(int games);

Result<std::vector<Row>> ComputePlayerShotZoneAnalysis(Date d, const ProcessorInputs& in);

}  // namespace phase4::processors
