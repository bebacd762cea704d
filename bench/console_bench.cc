// What run-all's console costs a unit: the job writes its events as lines
// (a unit event and two detail lines per date), run-all parses them back
// into its console (progress lines to /dev/null) and its log file.
//
//   build/phase4_bench --benchmark_filter=Console --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "backfill/job_events.h"
#include "backfill/run_console.h"
#include "backfill/run_log.h"

namespace phase4 {
namespace {

namespace fs = std::filesystem;

constexpr int kUnits = 1000;

// What one job reports for kUnits computed dates.
void PlayJob(backfill::JobEvents& w) {
  w.Started(kUnits, kUnits, {});
  backfill::JobTally t;
  for (int i = 0; i < kUnits; ++i) {
    const Date d = AddDays(MakeDate(2023, 10, 24), i);
    w.Line(backfill::LineKind::kDetail,
           fmt::format("Processing day {}/{}: {}", i + 1, kUnits, FormatDate(d)));
    w.Line(backfill::LineKind::kDetail, "  ✓ Success: 30 rows written");
    w.Settled(d, backfill::UnitOutcome::kComputed, 30, "");
    t.Add(d, backfill::UnitOutcome::kComputed, 30, "");
  }
  w.Ended(t);
}

// The stream a job of run-all writes: PlayJob's events as lines.
std::string JobStream() {
  std::FILE* f = std::tmpfile();
  backfill::EventStreamWriter w(f);
  PlayJob(w);
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  return text;
}

// Writing the events: the job's side, per unit.
void BM_ConsoleWriteEvents(benchmark::State& state) {
  std::FILE* null = std::fopen("/dev/null", "w");
  for (auto _ : state) {
    backfill::EventStreamWriter w(null);
    PlayJob(w);
  }
  std::fclose(null);
  state.SetItemsProcessed(state.iterations() * kUnits);
}
BENCHMARK(BM_ConsoleWriteEvents)->Unit(benchmark::kMillisecond);

// Reading them back into the console and the log: run-all's side, per unit.
void BM_ConsoleReplayEvents(benchmark::State& state) {
  const std::string stream = JobStream();
  const fs::path log_path = fs::temp_directory_path() / "phase4_bench_console.log";
  std::FILE* null = std::fopen("/dev/null", "w");
  for (auto _ : state) {
    auto log = backfill::RunLog::Open(log_path, backfill::LogLevel::kInfo);
    if (!log.ok()) state.SkipWithError(log.status().message().c_str());
    backfill::RunConsole console(null, null, backfill::ConsoleMode::kLines, backfill::LogLevel::kInfo, log->get(), true);
    backfill::JobEvents& sink = console.AddJob(1, "team_defense_zone_analysis");
    std::istringstream lines(stream);
    for (std::string line; std::getline(lines, line);) backfill::DispatchJobOutput(line, sink);
    state.PauseTiming();
    log->reset();
    fs::remove(log_path);
    state.ResumeTiming();
  }
  std::fclose(null);
  state.SetItemsProcessed(state.iterations() * kUnits);
}
BENCHMARK(BM_ConsoleReplayEvents)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace phase4
