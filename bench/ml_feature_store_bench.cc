// Processor #5 (ml_feature_store) over every game date of one generated
// season, in memory. Outside the timings: the 2023-24 season is generated
// and indexed once, and the upstream Phase 4 rows of each date are computed
// once by the registered processors #1-#4 (text cells other than the entity
// key are dropped to bound memory; #5 reads numbers only). Each iteration
// then computes #5 for every non-bootstrap game date.
//
//   build/phase4_bench --benchmark_filter=MlFeatureStore --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "calendar/season_calendar.h"
#include "generate/generator.h"
#include "processors/common/season_inputs.h"
#include "processors/common/writer.h"
#include "processors/ml_feature_store/ml_feature_store.h"
#include "processors/registry.h"

namespace phase4::processors {
namespace {

constexpr int kSeason = 2023;

struct FeatureSeason {
  generate::GeneratedLeague league;
  std::unique_ptr<SeasonCalendar> calendar;
  std::unique_ptr<SeasonInputs> inputs;
  std::vector<Date> dates;  // non-bootstrap game dates
  std::vector<std::map<std::string, UpstreamRowSet, std::less<>>> upstream;  // per date
};

// Keeps the cells #5 may read: numbers, booleans, the entity key.
void Slim(const TableSchema& s, const std::string& entity, std::vector<Row>& rows) {
  const int key = s.ColumnIndex(entity);
  for (Row& r : rows)
    for (size_t i = 0; i < r.size(); ++i)
      if (static_cast<int>(i) != key && std::holds_alternative<std::string>(r[i]) &&
          s.columns[i].name != "data_hash" && s.columns[i].name != "processed_at")
        r[i] = Value();
}

const FeatureSeason& TheSeason() {
  static const FeatureSeason* s = [] {
    auto* season = new FeatureSeason;
    generate::GenerateOptions o;
    o.first_season = o.last_season = kSeason;
    auto league = generate::GenerateLeague(o, {});
    if (!league.ok()) {
      std::fprintf(stderr, "generate failed: %s\n", league.status().message().c_str());
      std::abort();
    }
    season->league = std::move(league).value();
    season->calendar = std::make_unique<SeasonCalendar>(season->league.schedule);
    season->inputs = std::make_unique<SeasonInputs>(kSeason, *season->calendar);
    const generate::GeneratedLeague& l = season->league;
    for (auto [name, rows] :
         {std::pair{kPlayerGameSummary, &l.player_game_summary},
          std::pair{kTeamOffenseGameSummary, &l.team_offense_game_summary},
          std::pair{kTeamDefenseGameSummary, &l.team_defense_game_summary},
          std::pair{kUpcomingPlayerGameContext, &l.upcoming_player_game_context},
          std::pair{kUpcomingTeamGameContext, &l.upcoming_team_game_context}})
      if (!season->inputs->AddTable(name, *rows).ok()) std::abort();
    for (Date d :
         season->calendar->GameDates(MakeDate(kSeason, 10, 1), MakeDate(kSeason + 1, 9, 30)))
      if (!season->calendar->IsBootstrap(d)) season->dates.push_back(d);
    // The upstream rows of each date, as stored (finalized: rounded).
    const ProcessorInfo& me = MlFeatureStoreInfo();
    for (Date d : season->dates) {
      ProcessorInputs in;
      in.date = d;
      in.calendar = season->calendar.get();
      in.season = season->inputs.get();
      for (const std::string& up : me.phase4_upstreams) {
        std::vector<Row> rows;
        if (const ProcessorInfo* p = FindProcessor(up)) {
          auto out = p->compute(d, in);
          if (out.ok() && FinalizeRows(*p, d, *out, "2024-07-01T00:00:00.000000Z").ok())
            rows = std::move(*out);
          Slim(*p->output, p->entity_column, rows);
        }
        in.upstream[up] = std::move(rows);  // #3 reads #1, #2; #4 reads #1-#3
      }
      season->upstream.push_back(std::move(in.upstream));
    }
    return season;
  }();
  return *s;
}

void ComputeSeason(benchmark::State& state, bool finalize) {
  const FeatureSeason& s = TheSeason();
  const ProcessorInfo& info = MlFeatureStoreInfo();
  int64_t rows = 0;
  for (auto _ : state) {
    rows = 0;
    for (size_t i = 0; i < s.dates.size(); ++i) {
      const Date d = s.dates[i];
      ProcessorInputs in;
      in.date = d;
      in.calendar = s.calendar.get();
      in.season = s.inputs.get();
      state.PauseTiming();
      in.upstream = s.upstream[i];  // the copy is not #5's work
      state.ResumeTiming();
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
void BM_MlFeatureStoreSeason(benchmark::State& state) { ComputeSeason(state, false); }
// compute() plus the writer's in-memory work (data_hash, rounding, checks).
void BM_MlFeatureStoreSeasonFinalized(benchmark::State& state) { ComputeSeason(state, true); }

BENCHMARK(BM_MlFeatureStoreSeason)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MlFeatureStoreSeasonFinalized)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace phase4::processors
