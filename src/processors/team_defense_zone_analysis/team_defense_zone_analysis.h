// Processor #1: team_defense_zone_analysis (zone-processors.md §2 with the
// contract's decisions 5-8, 26-28, 30, 34). One row per NBA team per date D:
// how the team's last 15 games of the season before D defended each shot
// zone, against the league average of the 30 days before D.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "processors/common/big_exact.h"
#include "processors/common/processor.h"
#include "processors/common/season_inputs.h"

namespace phase4::processors {

// The output table, nba_precompute.team_defense_zone_analysis
// (team_defense_zone_analysis_schema.cc).
const TableSchema& TeamDefenseZoneAnalysisSchema();

inline constexpr int kTeamDefenseWindow = 15;   // games; also the minimum sample
inline constexpr int kLeagueAverageDays = 30;   // decision 28: D-30 <= date < D
inline constexpr int kLeagueMinTeamGames = 10;  // games a team needs in that window
inline constexpr int kLeagueMinTeams = 10;      // teams needed, else the defaults
inline constexpr double kDefaultLeaguePaintPct = 0.580;
inline constexpr double kDefaultLeagueMidRangePct = 0.410;
inline constexpr double kDefaultLeagueThreePtPct = 0.355;

const ProcessorInfo& TeamDefenseZoneAnalysisInfo();

// Decision 28 / zone-processors.md §2.5: the unweighted mean over teams (with
// at least 10 games in D-30 <= date < D and all three zone ratios defined) of
// each team's zone FG% allowed; the defaults when fewer than 10 teams qualify.
// The means are exact (decision 35); the doubles are their nearest values.
struct LeagueAverages {
  double paint = kDefaultLeaguePaintPct;
  double mid_range = kDefaultLeagueMidRangePct;
  double three_pt = kDefaultLeagueThreePtPct;
  std::array<BigExact, 3> exact = {BigExact(Exact::Decimal(580, 3)),
                                   BigExact(Exact::Decimal(410, 3)),
                                   BigExact(Exact::Decimal(355, 3))};
  int teams_in_sample = 0;  // 0 when the defaults are used
};
LeagueAverages ComputeLeagueAverages(const SeasonTable& team_defense, Date d);

// zone-processors.md §2.7 on the unrounded deltas (decision 28): strongest =
// the smallest available delta, weakest = the largest, ties to the earliest
// of paint, mid_range, perimeter; both NULL when no zone is available.
std::pair<std::optional<std::string>, std::optional<std::string>> StrongestWeakestZones(
    std::optional<double> paint, std::optional<double> mid_range, std::optional<double> three_pt);
std::pair<std::optional<std::string>, std::optional<std::string>> StrongestWeakestZones(
    const std::array<std::optional<BigExact>, 3>& deltas);

// Decision 28: >= 15 games high, 10-14 medium, otherwise low.
std::string TeamDefenseQualityTier(int games);

// The computation for date D (the ProcessorInfo's compute).
Result<std::vector<Row>> ComputeTeamDefenseZoneAnalysis(Date d, const ProcessorInputs& in);

}  // namespace phase4::processors
