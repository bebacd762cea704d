// The season load: what every backfill job does at the start of each season
// before its first date can be computed (and what a live run does for its
// one date). One generated season (2023-24) is written to a warehouse in a
// temp directory once; each iteration reads the five Phase 3 tables of that
// season through an InputReader and indexes them.
//
//   build/phase4_bench --benchmark_filter=SeasonLoad --benchmark_repetitions=5
//
// BM_SeasonLoadFromWarehouse = the SELECTs + the indexing, as a job runs it;
// BM_SeasonIndexFromRows = the indexing alone (SeasonInputs::AddTable from
// rows already in memory; the copy of the rows is not timed).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "generate/generator.h"
#include "phase3/schedule_store.h"
#include "execution/input_reader.h"
#include "processors/common/season_inputs.h"
#include "processors/registry.h"
#include "warehouse/warehouse.h"

namespace phase4::processors {
namespace {

constexpr int kSeason = 2023;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "season_load_bench: %s\n", what.c_str());
  std::abort();
}

// The generated rows of Phase3Tables()[t].
const std::vector<Row>& LeagueRows(const generate::GeneratedLeague& league, size_t t) {
  const std::vector<Row>* rows[] = {&league.player_game_summary, &league.team_defense_game_summary,
                                    &league.team_offense_game_summary,
                                    &league.upcoming_player_game_context,
                                    &league.upcoming_team_game_context};
  return *rows[t];
}

struct Fixture {
  std::filesystem::path dir;
  generate::GeneratedLeague league;
  std::unique_ptr<Warehouse> wh;
  std::unique_ptr<SeasonCalendar> calendar;

  ~Fixture() {
    wh.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// Built on first use; destroyed at exit, which removes the temp directory.
const Fixture& TheFixture() {
  static const std::unique_ptr<Fixture> f = [] {
    auto fx = std::make_unique<Fixture>();
    char tmpl[] = "/tmp/phase4-season-load-XXXXXX";
    if (!mkdtemp(tmpl)) Die("mkdtemp failed");
    fx->dir = tmpl;
    generate::GenerateOptions o;
    o.first_season = o.last_season = kSeason;
    auto league = generate::GenerateLeague(o, {});
    if (!league.ok()) Die(league.status().message());
    fx->league = std::move(league).value();
    auto wh = Warehouse::Open((fx->dir / "warehouse").string(), /*create=*/true);
    if (!wh.ok()) Die(wh.status().message());
    fx->wh = std::move(wh).value();
    if (auto merged = phase3::MergeSchedule(*fx->wh, fx->league.schedule); !merged.ok())
      Die(merged.status().message());
    for (size_t t = 0; t < Phase3Tables().size(); ++t) {
      Status s = fx->wh->InsertRows(*Phase3Tables()[t], LeagueRows(fx->league, t));
      if (!s.ok()) Die(s.message());
    }
    auto calendar = phase3::ReadCalendar(*fx->wh);
    if (!calendar.ok()) Die(calendar.status().message());
    fx->calendar = std::make_unique<SeasonCalendar>(std::move(calendar).value());
    return fx;
  }();
  return *f;
}

// Arg 0: every column of the five tables; arg 1: the columns the five
// processors list (what `phase4 process all` reads).
void BM_SeasonLoadFromWarehouse(benchmark::State& state) {
  const Fixture& f = TheFixture();
  auto listed = execution::Phase3Reads(AllProcessors());
  if (!listed.ok()) Die(listed.status().message());
  const std::vector<execution::TableRead> reads = state.range(0) ? *listed : execution::WholeTables();
  size_t rows = 0;
  for (auto _ : state) {
    execution::InputReader reader(*f.wh, *f.calendar);
    auto season = reader.Season(kSeason, reads);
    if (!season.ok()) state.SkipWithError(season.status().message().c_str());
    rows = 0;
    for (const TableSchema* t : Phase3Tables())
      rows += (*season)->Table(t->FullName())->rows_read();
    benchmark::DoNotOptimize(*season);
  }
  state.counters["rows_read"] = static_cast<double>(rows);
}
// CPU time counts every thread: a load reads its tables on several.
BENCHMARK(BM_SeasonLoadFromWarehouse)
    ->Arg(0)
    ->Arg(1)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_SeasonIndexFromRows(benchmark::State& state) {
  const Fixture& f = TheFixture();
  const size_t n = Phase3Tables().size();
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::vector<Row>> copies;
    for (size_t t = 0; t < n; ++t) copies.push_back(LeagueRows(f.league, t));
    auto inputs = std::make_unique<SeasonInputs>(kSeason, *f.calendar);
    state.ResumeTiming();
    for (size_t t = 0; t < n; ++t) {
      Status s = inputs->AddTable(Phase3Tables()[t]->FullName(), std::move(copies[t]));
      if (!s.ok()) state.SkipWithError(s.message().c_str());
    }
    state.PauseTiming();
    inputs.reset();  // freeing is not part of the indexing
    state.ResumeTiming();
  }
}
BENCHMARK(BM_SeasonIndexFromRows)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace phase4::processors
