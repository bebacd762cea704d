// Processors #3 and #4 over every game date of one generated season, in
// memory: the season is generated and indexed once, and the upstream rows of
// #1 and #2 for every date are computed and finished (rounded as stored)
// once, all outside the timings; each iteration computes every non-bootstrap
// game date of 2023-24.
//
//   build/phase4_bench --benchmark_filter='Composite|DailyCache' --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "calendar/season_calendar.h"
#include "generate/generator.h"
#include "processors/common/season_inputs.h"
#include "processors/common/writer.h"
#include "processors/player_composite_factors/player_composite_factors.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

namespace phase4::processors {
namespace {

constexpr int kSeason = 2023;
constexpr const char* kStamp = "2024-07-01T00:00:00.000000Z";

struct Season {
  generate::GeneratedLeague league;
  std::unique_ptr<SeasonCalendar> calendar;
  std::unique_ptr<SeasonInputs> inputs;
  std::vector<Date> dates;  // non-bootstrap game dates
  // Upstream rows (#1, #2, #3 as stored) per date.
  std::map<Date, std::map<std::string, UpstreamRowSet, std::less<>>> upstream;
};

std::vector<Row> Finished(const ProcessorInfo& info, Date d, const ProcessorInputs& in) {
  auto out = info.compute(d, in);
  if (!out.ok() || !FinalizeRows(info, d, *out, kStamp).ok()) {
    std::fprintf(stderr, "%s failed\n", info.name.c_str());
    std::abort();
  }
  return std::move(out).value();
}

const Season& TheSeason() {
  static const Season* s = [] {
    auto* season = new Season;
    generate::GenerateOptions o;
    o.first_season = o.last_season = kSeason;
    auto league = generate::GenerateLeague(o, {});
    if (!league.ok()) std::abort();
    season->league = std::move(league).value();
    season->calendar = std::make_unique<SeasonCalendar>(season->league.schedule);
    season->inputs = std::make_unique<SeasonInputs>(kSeason, *season->calendar);
    const generate::GeneratedLeague& l = season->league;
    const std::vector<std::pair<std::string_view, const std::vector<Row>*>> tables{
        {kPlayerGameSummary, &l.player_game_summary},
        {kTeamOffenseGameSummary, &l.team_offense_game_summary},
        {kTeamDefenseGameSummary, &l.team_defense_game_summary},
        {kUpcomingPlayerGameContext, &l.upcoming_player_game_context},
        {kUpcomingTeamGameContext, &l.upcoming_team_game_context}};
    for (const auto& [name, rows] : tables)
      if (!season->inputs->AddTable(name, *rows).ok()) std::abort();
    for (Date d :
         season->calendar->GameDates(MakeDate(kSeason, 10, 1), MakeDate(kSeason + 1, 9, 30))) {
      if (season->calendar->IsBootstrap(d)) continue;
      season->dates.push_back(d);
      ProcessorInputs in;
      in.date = d;
      in.calendar = season->calendar.get();
      in.season = season->inputs.get();
      auto& up = season->upstream[d];
      up["team_defense_zone_analysis"] = Finished(TeamDefenseZoneAnalysisInfo(), d, in);
      up["player_shot_zone_analysis"] = Finished(PlayerShotZoneAnalysisInfo(), d, in);
      in.upstream = up;
      up["player_composite_factors"] = Finished(PlayerCompositeFactorsInfo(), d, in);
    }
    return season;
  }();
  return *s;
}

void ComputeSeason(benchmark::State& state, const ProcessorInfo& info, bool finalize) {
  const Season& s = TheSeason();
  // The inputs of each date, built outside the timing.
  std::vector<ProcessorInputs> inputs;
  for (Date d : s.dates) {
    ProcessorInputs in;
    in.date = d;
    in.calendar = s.calendar.get();
    in.season = s.inputs.get();
    for (const auto& up : info.phase4_upstreams) in.upstream[up] = s.upstream.at(d).at(up);
    inputs.push_back(std::move(in));
  }
  int64_t rows = 0;
  for (auto _ : state) {
    rows = 0;
    for (size_t i = 0; i < s.dates.size(); ++i) {
      auto out = info.compute(s.dates[i], inputs[i]);
      if (!out.ok()) state.SkipWithError(out.status().message().c_str());
      if (finalize && !FinalizeRows(info, s.dates[i], *out, kStamp).ok())
        state.SkipWithError("finalize failed");
      rows += static_cast<int64_t>(out->size());
      benchmark::DoNotOptimize(out->data());
    }
  }
  state.counters["dates"] = static_cast<double>(s.dates.size());
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["us_per_date"] = benchmark::Counter(
      static_cast<double>(s.dates.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_CompositeFactorsSeason(benchmark::State& state) {
  ComputeSeason(state, PlayerCompositeFactorsInfo(), false);
}
void BM_DailyCacheSeason(benchmark::State& state) {
  ComputeSeason(state, PlayerDailyCacheInfo(), false);
}
void BM_CompositeFactorsSeasonFinalized(benchmark::State& state) {
  ComputeSeason(state, PlayerCompositeFactorsInfo(), true);
}
void BM_DailyCacheSeasonFinalized(benchmark::State& state) {
  ComputeSeason(state, PlayerDailyCacheInfo(), true);
}

BENCHMARK(BM_CompositeFactorsSeason)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DailyCacheSeason)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CompositeFactorsSeasonFinalized)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DailyCacheSeasonFinalized)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace phase4::processors
