// The backfill engine's own cost per date, apart from any processor: the
// checkpoint update (atomic save: temp file, fsync, rename) and the
// dependency check (indexed EXISTS queries), on a generated season.
//
//   build/phase4_bench --benchmark_filter=Engine --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "backfill/checkpoint.h"
#include "backfill/checkpoint_writer.h"
#include "generate/generator.h"
#include "execution/dependency_check.h"
#include "phase3/schedule_store.h"
#include "processors/registry.h"

namespace phase4 {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const char* name) {
  fs::path p = fs::temp_directory_path() / (std::string("phase4_bench_") + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// One generated season in a warehouse, built once.
Warehouse& SeasonWarehouse() {
  static Warehouse* wh = [] {
    fs::path dir = TempDir("engine_wh");
    auto w = Warehouse::Open(dir.string(), true);
    if (!w.ok()) std::abort();
    generate::GenerateOptions o;
    o.first_season = o.last_season = 2023;
    auto league = generate::GenerateLeague(o, {});
    if (!league.ok()) std::abort();
    std::vector<Date> dates;
    for (const auto& g : league->schedule) dates.push_back(g.game_date);
    if (!phase3::MergeSchedule(**w, league->schedule).ok()) std::abort();
    if (!(*w)->ReplaceDates(PlayerGameSummarySchema(), dates, league->player_game_summary).ok() ||
        !(*w)->ReplaceDates(TeamDefenseGameSummarySchema(), dates,
                            league->team_defense_game_summary)
             .ok() ||
        !(*w)->ReplaceDates(TeamOffenseGameSummarySchema(), dates,
                            league->team_offense_game_summary)
             .ok() ||
        !(*w)->ReplaceDates(UpcomingPlayerGameContextSchema(), dates,
                            league->upcoming_player_game_context)
             .ok())
      std::abort();
    return std::move(w).value().release();
  }();
  return *wh;
}

// One checkpoint update per iteration, as a backfill does after each date.
void BM_EngineCheckpointMarkSuccess(benchmark::State& state) {
  fs::path dir = TempDir("engine_ckpt");
  Date start = MakeDate(2020, 1, 1);
  Date end = AddDays(start, 3000);
  auto cp = backfill::Checkpoint::Open(dir, "bench_job", start, end, 3000);
  if (!cp.ok()) std::abort();
  Date d = start;
  for (auto _ : state) {
    if (!cp->MarkSuccess(d).ok()) std::abort();
    d = AddDays(d, 1);
    if (d > end) d = start;
  }
}
BENCHMARK(BM_EngineCheckpointMarkSuccess)->Unit(benchmark::kMicrosecond)->Iterations(300);

// The same update once range(0) dates are recorded: a four-season backfill
// ends near 800 dates per job, a sixteen-season one near 3,200. The save
// writes every date, but what it costs beyond writing the bytes should not
// grow with the list (flat per-season cost).
void BM_EngineCheckpointMarkSuccessAfter(benchmark::State& state) {
  const int recorded = static_cast<int>(state.range(0));
  fs::path dir = TempDir("engine_ckpt_after");
  const Date start = MakeDate(2000, 1, 1);
  const Date end = AddDays(start, 2 * recorded + 1000);
  {
    // Written as a previous run would have left it, then resumed.
    backfill::CheckpointState previous("bench_job", start, end, recorded);
    for (int i = 0; i < recorded; ++i)
      if (!previous.MarkSuccess(AddDays(start, i)).ok()) std::abort();
    std::FILE* f = std::fopen(backfill::Checkpoint::PathFor(dir, "bench_job", start, end).c_str(), "w");
    if (!f) std::abort();
    const std::string text = backfill::CheckpointToJson(previous, "2000-01-01T00:00:00.000000Z");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  auto cp = backfill::Checkpoint::Open(dir, "bench_job", start, end, recorded);
  if (!cp.ok() || !cp->resumed()) std::abort();
  Date d = AddDays(start, recorded);
  for (auto _ : state) {
    if (!cp->MarkSuccess(d).ok()) std::abort();
    d = AddDays(d, 1);
  }
  state.counters["dates"] = recorded;
}
BENCHMARK(BM_EngineCheckpointMarkSuccessAfter)
    ->Arg(800)
    ->Arg(3200)
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(300);

// The decision-16 input check of each processor for one date.
void BM_EngineDependencyCheck(benchmark::State& state) {
  Warehouse& wh = SeasonWarehouse();
  auto calendar = phase3::ReadCalendar(wh);
  if (!calendar.ok()) std::abort();
  const auto* info = processors::AllProcessors()[static_cast<size_t>(state.range(0))];
  std::vector<Date> dates = calendar->GameDates(MakeDate(2023, 11, 1), MakeDate(2024, 4, 14));
  size_t i = 0;
  for (auto _ : state) {
    auto r = execution::CheckDependencies(wh, *calendar, *info, dates[i++ % dates.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(info->name);
}
BENCHMARK(BM_EngineDependencyCheck)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace phase4
