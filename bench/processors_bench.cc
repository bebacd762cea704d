// Processors #1 and #2 over every game date of one generated season, in
// memory: the season is generated and indexed once (outside the timings);
// each iteration computes every non-bootstrap game date of 2023-24.
//
//   build/phase4_bench --benchmark_filter=Zone --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "calendar/season_calendar.h"
#include "generate/generator.h"
#include "processors/common/season_inputs.h"
#include "processors/common/writer.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

namespace phase4::processors {
namespace {

constexpr int kSeason = 2023;

struct Season {
  generate::GeneratedLeague league;
  std::unique_ptr<SeasonCalendar> calendar;
  std::unique_ptr<SeasonInputs> inputs;
  std::vector<Date> dates;  // non-bootstrap game dates
};

generate::GeneratedLeague Generate() {
  generate::GenerateOptions o;
  o.first_season = o.last_season = kSeason;
  auto league = generate::GenerateLeague(o, {});
  if (!league.ok()) {
    std::fprintf(stderr, "generate failed: %s\n", league.status().message().c_str());
    std::abort();
  }
  return std::move(league).value();
}

std::unique_ptr<SeasonInputs> Index(const Season& s) {
  auto in = std::make_unique<SeasonInputs>(kSeason, *s.calendar);
  Status a = in->AddTable(kTeamDefenseGameSummary, s.league.team_defense_game_summary);
  Status b = in->AddTable(kPlayerGameSummary, s.league.player_game_summary);
  if (!a.ok() || !b.ok()) std::abort();
  return in;
}

const Season& TheSeason() {
  static const Season* s = [] {
    auto* season = new Season;
    season->league = Generate();
    season->calendar = std::make_unique<SeasonCalendar>(season->league.schedule);
    season->inputs = Index(*season);
    for (Date d :
         season->calendar->GameDates(MakeDate(kSeason, 10, 1), MakeDate(kSeason + 1, 9, 30)))
      if (!season->calendar->IsBootstrap(d)) season->dates.push_back(d);
    return season;
  }();
  return *s;
}

void ComputeSeason(benchmark::State& state, const ProcessorInfo& info, bool finalize) {
  const Season& s = TheSeason();
  int64_t rows = 0;
  for (auto _ : state) {
    rows = 0;
    for (Date d : s.dates) {
      ProcessorInputs in;
      in.date = d;
      in.calendar = s.calendar.get();
      in.season = s.inputs.get();
      auto out = info.compute(d, in);
      if (!out.ok()) state.SkipWithError(out.status().message().c_str());
      if (finalize && !FinalizeRows(info, d, *out, "2024-07-01T00:00:00.000000Z").ok())
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

// compute() only.
void BM_TeamDefenseZoneSeason(benchmark::State& state) {
  ComputeSeason(state, TeamDefenseZoneAnalysisInfo(), false);
}
void BM_PlayerShotZoneSeason(benchmark::State& state) {
  ComputeSeason(state, PlayerShotZoneAnalysisInfo(), false);
}
// compute() plus the writer's in-memory work (data_hash, rounding, checks).
void BM_TeamDefenseZoneSeasonFinalized(benchmark::State& state) {
  ComputeSeason(state, TeamDefenseZoneAnalysisInfo(), true);
}
void BM_PlayerShotZoneSeasonFinalized(benchmark::State& state) {
  ComputeSeason(state, PlayerShotZoneAnalysisInfo(), true);
}
// Indexing the season's two Phase 3 tables (what the reader does once per
// season after its SELECTs).
void BM_ZoneSeasonInputsIndex(benchmark::State& state) {
  const Season& s = TheSeason();
  for (auto _ : state) benchmark::DoNotOptimize(Index(s).get());
  state.counters["rows"] = static_cast<double>(s.league.player_game_summary.size() +
                                               s.league.team_defense_game_summary.size());
}

BENCHMARK(BM_TeamDefenseZoneSeason)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlayerShotZoneSeason)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TeamDefenseZoneSeasonFinalized)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlayerShotZoneSeasonFinalized)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ZoneSeasonInputsIndex)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace phase4::processors
