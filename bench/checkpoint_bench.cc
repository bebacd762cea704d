// The text of one checkpoint save, as a backfill writes it after every date:
// the hand-written writer (backfill/checkpoint_writer.h) against building the
// document as a nlohmann tree and calling dump(2). The state is that of a
// four-season job near its end: 845 game dates, a bootstrap week skipped
// each season, a few failed dates with their error text.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "../tests/backfill/checkpoint_reference_json.h"
#include "backfill/checkpoint_state.h"
#include "backfill/checkpoint_writer.h"

namespace phase4 {
namespace {

backfill::CheckpointState FourSeasons() {
  const Date start = MakeDate(2021, 10, 19);
  const Date end = MakeDate(2025, 6, 22);
  backfill::CheckpointState s("player_composite_factors", start, end, 845);
  s.set_warehouse_id("sqlite:4f2c9a1e-7d3b-4c55-9a0e-2b6f8d1c3e77");
  int marked = 0;
  for (Date d = start; d <= end && marked < 845; d = AddDays(d, 1)) {
    if (MonthOf(d) == 7 || MonthOf(d) == 8 || MonthOf(d) == 9) continue;  // off-season
    Status st = marked % 210 < 7    ? s.MarkSkipped(d)
                : marked % 300 == 50 ? s.MarkFailed(d, "No data for date " + FormatDate(d) +
                                                          ": player_game_summary has no rows")
                                     : s.MarkSuccess(d);
    if (!st.ok()) std::abort();
    ++marked;
  }
  return s;
}

void BM_CheckpointTextHandWritten(benchmark::State& state) {
  const backfill::CheckpointState s = FourSeasons();
  for (auto _ : state)
    benchmark::DoNotOptimize(backfill::CheckpointToJson(s, "2026-11-27T10:00:00.000000Z"));
  state.counters["dates"] = s.processed();
}
BENCHMARK(BM_CheckpointTextHandWritten)->Unit(benchmark::kMicrosecond);

void BM_CheckpointTextNlohmann(benchmark::State& state) {
  const backfill::CheckpointState s = FourSeasons();
  for (auto _ : state)
    benchmark::DoNotOptimize(
        testing::ReferenceCheckpointJson(s, "2026-11-27T10:00:00.000000Z"));
  state.counters["dates"] = s.processed();
}
BENCHMARK(BM_CheckpointTextNlohmann)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace phase4
