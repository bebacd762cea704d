// generate: fills the schedule and the five Phase 3 tables with the
// deterministic synthetic league (src/generate/).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <set>

#include "cli/cli_support.h"
#include "generate/generator.h"
#include "ledger/phase3_digests.h"
#include "live/run_history.h"
#include "phase3/schedule_store.h"

namespace phase4::cli {

namespace {

struct GenerateArgs {
  std::string seasons = "2021-2024";
  uint64_t seed = generate::GenerateOptions{}.seed;
};

CLI::Validator SeasonRangeValidator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        auto r = generate::ParseSeasonRange(s);
        return r.ok() ? std::string() : r.status().message();
      },
      "FIRST-LAST", "season range");
}

int RunGenerate(const GlobalOptions& g, const GenerateArgs& args) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto range = generate::ParseSeasonRange(args.seasons);
  if (!range.ok()) {
    ReportError(range.status().message());
    return 1;
  }
  auto wh = OpenWarehouseOrReport(g, /*create=*/true);
  if (!wh) return 1;
  if (Status s = wh->Init(); !s.ok()) {
    ReportError(s.message());
    return 1;
  }
  auto loaded = phase3::ReadSchedule(*wh);
  if (!loaded.ok()) {
    ReportError(loaded.status().message());
    return 1;
  }
  generate::GenerateOptions options;
  options.first_season = range->first;
  options.last_season = range->second;
  options.seed = args.seed;

  // Generate season by season and write each season as it comes (memory for
  // one season only): the schedule first, then each Phase 3 table's dates of
  // that season replaced as a whole, so that a re-run is idempotent.
  const TableSchema* tables[] = {
      &PlayerGameSummarySchema(), &TeamOffenseGameSummarySchema(), &TeamDefenseGameSummarySchema(),
      &UpcomingPlayerGameContextSchema(), &UpcomingTeamGameContextSchema()};
  size_t rows_written[5] = {0, 0, 0, 0, 0};
  size_t games = 0;
  int64_t schedule_rows = 0;
  std::optional<Date> first_date, last_date;
  size_t date_count = 0;
  double write_seconds = 0;
  Status s = generate::GenerateLeagueBySeason(options, *loaded, [&](int, generate::GeneratedLeague&& part) -> Status {
    const auto write_start = Clock::now();
    PHASE4_ASSIGN_OR_RETURN(int64_t merged, phase3::MergeSchedule(*wh, part.schedule));
    schedule_rows += merged;
    games += part.schedule.size();
    std::set<Date> date_set;
    for (const ScheduleGame& game : part.schedule) date_set.insert(game.game_date);
    const std::vector<Date> dates(date_set.begin(), date_set.end());
    if (!dates.empty()) {
      if (!first_date || dates.front() < *first_date) first_date = dates.front();
      if (!last_date || dates.back() > *last_date) last_date = dates.back();
    }
    date_count += dates.size();
    const std::vector<Row>* rows[] = {
        &part.player_game_summary, &part.team_offense_game_summary, &part.team_defense_game_summary,
        &part.upcoming_player_game_context, &part.upcoming_team_game_context};
    // Decision 24: each Phase 3 table's load of each date is a run, so the
    // live upstream-status check has something real to read.
    std::vector<live::RunInfo> runs;
    for (size_t t = 0; t < 5; ++t) {
      PHASE4_RETURN_IF_ERROR(wh->ReplaceDates(*tables[t], dates, *rows[t])
                                 .WithContext("writing " + tables[t]->FullName()));
      rows_written[t] += rows[t]->size();
      for (Date d : dates)
        runs.push_back({tables[t]->name, "phase_3_analytics", d, "generate",
                        fmt::format(R"({{"seed":{}}})", args.seed)});
    }
    PHASE4_RETURN_IF_ERROR(live::RunHistory(*wh).RecordFinished(runs, {"success", 0, ""}));
    write_seconds += std::chrono::duration<double>(Clock::now() - write_start).count();
    return Status::OK();
  });
  // The digests of what was written, now rather than at the first run's
  // plan (doc/ledger.md, "Fingerprints").
  if (s.ok()) s = ledger::RefreshPhase3Digests(*wh).status();
  if (!s.ok()) {
    ReportError(s.message());
    return 1;
  }
  const double total_seconds = std::chrono::duration<double>(Clock::now() - start).count();

  fmt::print("generated seasons {}-{} (seed {}): {} games on {} dates, {} to {}\n", range->first,
             range->second, args.seed, games, date_count,
             first_date ? FormatDate(*first_date) : std::string("-"),
             last_date ? FormatDate(*last_date) : std::string("-"));
  fmt::print("  {:<45} {:>9} rows written\n", ScheduleSchema().FullName(), schedule_rows);
  for (size_t t = 0; t < 5; ++t) {
    fmt::print("  {:<45} {:>9} rows\n", tables[t]->FullName(), rows_written[t]);
  }
  fmt::print("done in {:.2f} s (generation {:.2f} s, writing {:.2f} s)\n", total_seconds,
             std::max(0.0, total_seconds - write_seconds), write_seconds);
  return 0;
}

}  // namespace

void AddGenerateCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "generate", "Fill the schedule and the Phase 3 tables with a deterministic synthetic league");
  auto args = std::make_shared<GenerateArgs>();
  cmd->add_option("--seasons", args->seasons,
                  "Seasons by start year, FIRST-LAST (default 2021-2024)")
      ->check(SeasonRangeValidator());
  cmd->add_option("--seed", args->seed, "Random seed (default 20211019)");
  cmd->footer(
      "Creates the warehouse when needed, loads the shipped real calendar of those seasons and "
      "plays a deterministic league over it (the same seed gives the same rows).\n"
      "Examples:\n"
      "  phase4 --warehouse ./warehouse generate\n"
      "  phase4 --warehouse /tmp/one-season generate --seasons 2023-2023 --seed 7\n"
      "Exit status: 0 generated, 64 usage error, 1 any error.");
  cmd->callback([&g, action, args] { *action = [&g, args] { return RunGenerate(g, *args); }; });
}

}  // namespace phase4::cli
