// Processor #4: player_daily_cache (composite-and-cache.md §2 with the
// contract's decisions 5-7, 9, 11-13, 26, 27, 30, 32, 34). One row per player
// in the upcoming player context of D: slow-moving averages over the
// player's played games of the season before D, the context team's pace and
// offensive rating, the context's fatigue columns and #2's shot-zone columns.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/exact.h"
#include "processors/common/processor.h"
#include "processors/common/season_inputs.h"

namespace phase4::processors {

// The output table, nba_precompute.player_daily_cache (player_daily_cache_schema.cc).
const TableSchema& PlayerDailyCacheSchema();

inline constexpr const char* kDailyCacheVersion = "v1";
inline constexpr size_t kDailyCacheSeasonWindow = 82;  // decision 32
inline constexpr int kDailyCacheMinGames = 10;         // decision 30
inline constexpr double kDailyCacheWindowReadyPct = 90.0;

const ProcessorInfo& PlayerDailyCacheInfo();

// Metrics over a player's played games (oldest first; at most the 82 most
// recent, decision 32). Exact (decision 35) but the standard deviation,
// which passes through a square root; rounded when set on the row.
struct PlayerCacheStats {
  int64_t games = 0;
  std::optional<Exact> points_avg_last_5, points_avg_last_10, points_avg_season;
  std::optional<double> points_std_last_10;  // ddof 1; NULL with < 2 values
  std::optional<Exact> minutes_avg_last_10, usage_rate_last_10, ts_pct_last_10;
  std::optional<Exact> usage_rate_season;
  std::optional<Exact> assisted_rate_last_10;  // fraction 0-1
};
PlayerCacheStats ComputePlayerCacheStats(const SeasonTable& player_game_summary,
                                         std::span<const Row> season_games);

// quality_tier is QualityTier(l5_completeness_pct) (processors/common/output_row.h).

Result<std::vector<Row>> ComputePlayerDailyCache(Date d, const ProcessorInputs& in);

}  // namespace phase4::processors
