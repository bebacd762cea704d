// A processor added outside src/ with one registration line
// (player_rest_days.cc) is a job like the five: the registry numbers it,
// the warehouse creates its table in an existing warehouse, run-all
// schedules it after its upstream and writes it, the ledger records it,
// and plan and status list it.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backfill/orchestrator.h"
#include "cli/commands.h"
#include "pg_server.h"
#include "player_rest_days.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/registry.h"
#include "test_support.h"
#include "warehouse/warehouse.h"

namespace phase4::testing {
namespace {

namespace fs = std::filesystem;

// Runs one command of the CLI in this process (where the sixth processor is
// registered), returning its exit code and stdout.
CommandResult RunInProcess(const std::vector<std::string>& args) {
  CLI::App app;
  app.require_subcommand(1);
  app.fallthrough(true);
  cli::GlobalOptions g;
  app.add_option("--warehouse", g.warehouse);
  cli::Action action;
  cli::AddRunAllCommand(app, g, &action);
  cli::AddPlanCommand(app, g, &action);
  cli::AddStatusCommand(app, g, &action);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  CommandResult r;
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    r.exit_code = app.exit(e);
    return r;
  }
  std::fflush(stdout);
  ::testing::internal::CaptureStdout();
  r.exit_code = action();
  std::fflush(stdout);
  r.out = ::testing::internal::GetCapturedStdout();
  return r;
}

// The entry of `job` in the "jobs" array of a --json summary.
nlohmann::json JobEntry(const std::string& json_text, const std::string& job) {
  auto j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("jobs")) return nullptr;
  for (const auto& entry : j["jobs"])
    if (entry.value("job", "") == job) return entry;
  return nullptr;
}

TEST(SixthProcessorTest, TheRegistryNumbersItAndListsItsTable) {
  const auto& all = processors::AllProcessors();
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all.back(), &PlayerRestDaysInfo());
  EXPECT_EQ(processors::FindProcessor("player_rest_days"), &PlayerRestDaysInfo());
  EXPECT_EQ(processors::FindProcessor("nba_precompute.player_rest_days"), &PlayerRestDaysInfo());
  EXPECT_EQ(processors::ProcessorNames().substr(processors::ProcessorNames().rfind(", ") + 2),
            "player_rest_days");
  ASSERT_EQ(Phase4Tables().size(), 6u);
  EXPECT_EQ(Phase4Tables().back(), &PlayerRestDaysSchema());
  EXPECT_EQ(FindTable("nba_precompute.player_rest_days"), &PlayerRestDaysSchema());
  EXPECT_EQ(std::count(AllTables().begin(), AllTables().end(), &PlayerRestDaysSchema()), 1);
  // Its stage follows its upstream's (player_daily_cache, #4).
  std::map<std::string, size_t> stage_of;
  const auto stages = backfill::ExecutionStages();
  for (size_t i = 0; i < stages.size(); ++i)
    for (const auto* p : stages[i]) stage_of[p->name] = i;
  EXPECT_EQ(stage_of.at("player_rest_days"), stage_of.at("player_daily_cache") + 1);
}

// A warehouse made by a phase4 that knows five processors gains the sixth
// table when a phase4 that knows six opens it, with no schema version
// change, on both backends; the five-processor binary still finds it sound.
class SixthProcessorWarehouseTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SixthProcessorWarehouseTest, OpeningAnExistingWarehouseCreatesTheNewTable) {
  TestWarehouse w(GetParam());
  ASSERT_TRUE(w.ok());
  auto query = [&](const std::string& sql) {
    return w.postgres() ? PostgresServer::Get()->Query(w.database(), sql)
                        : QuerySql(w.dir() / "nba_precompute.db", sql);
  };
  const std::string has_table =
      w.postgres() ? "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'nba_precompute' AND "
                     "tablename = 'player_rest_days'"
                   : "SELECT COUNT(*) FROM sqlite_master WHERE name = 'player_rest_days'";
  const std::string version =
      w.postgres() ? "SELECT obj_description('nba_precompute'::regnamespace, 'pg_namespace')"
                   : "PRAGMA user_version";
  auto init = RunPhase4({"--warehouse", w.location(), "init"});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  ASSERT_EQ(query(has_table), "0");
  const std::string version_before = query(version);
  ASSERT_NE(version_before, "");

  for (int i = 0; i < 2; ++i) {  // the second open finds it there
    auto opened = Warehouse::Open(w.location(), /*create=*/false);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    EXPECT_EQ(query(has_table), "1");
  }
  EXPECT_EQ(query(version), version_before);
  auto check = RunPhase4({"--warehouse", w.location(), "check", "--quick"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, SixthProcessorWarehouseTest,
                         ::testing::Values("sqlite", "postgresql"), BackendName);

class SixthProcessorRunTest : public ::testing::Test {
 protected:
  // The generated league was made by the phase4 binary, which knows five
  // processors: an existing warehouse without the sixth table.
  void SetUp() override { fs::copy(GeneratedLeague(), wh(), fs::copy_options::recursive); }
  std::string wh() const { return (dir_.path() / "wh").string(); }
  fs::path precompute() const { return dir_.path() / "wh" / "nba_precompute.db"; }
  std::string Count(const std::string& sql) const { return QuerySql(precompute(), sql); }
  TempDir dir_;
};

TEST_F(SixthProcessorRunTest, RunAllComputesItAfterItsUpstreamAndTheLedgerPlanAndStatusKnowIt) {
  const std::string tables =
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'player_rest_days'";
  ASSERT_EQ(Count(tables), "0");
  const std::vector<std::string> range{"--start-date", "2023-10-24", "--end-date", "2023-11-20"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--warehouse", wh()});
    args.insert(args.end(), range.begin(), range.end());
    return args;
  };

  auto run =
      RunInProcess(with({"run-all", "--checkpoint-dir", (dir_.path() / "ck").string(), "--json"}));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  // Opening the warehouse created the new table (no schema version bump).
  EXPECT_EQ(Count(tables), "1");
  const nlohmann::json job = JobEntry(run.out, "player_rest_days");
  ASSERT_FALSE(job.is_null()) << run.out;
  EXPECT_EQ(job["order"], 6);
  EXPECT_GT(job["succeeded"].get<int>(), 0) << run.out;
  EXPECT_EQ(job["failed"], 0);
  EXPECT_EQ(job["blocked"], 0);
  EXPECT_GT(job["rows_written"].get<int64_t>(), 0) << run.out;
  const nlohmann::json cache = JobEntry(run.out, "player_daily_cache");
  ASSERT_FALSE(cache.is_null());
  EXPECT_EQ(job["succeeded"], cache["succeeded"]);
  EXPECT_EQ(job["skipped"], cache["skipped"]);

  // Each row was computed from its upstream's row of the same date: same
  // players, same games_in_last_7_days; rest days from Phase 3.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM player_rest_days"),
            Count("SELECT COUNT(*) FROM player_daily_cache"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM player_rest_days r LEFT JOIN player_daily_cache c ON "
                  "c.cache_date = r.game_date AND c.player_lookup = r.player_lookup WHERE "
                  "c.player_lookup IS NULL OR c.games_in_last_7_days IS NOT "
                  "r.games_in_last_7_days"),
            "0");
  EXPECT_NE(Count("SELECT COUNT(*) FROM player_rest_days WHERE days_rest >= 1"), "0");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM player_rest_days WHERE days_rest < 1 OR "
                  "julianday(game_date) - julianday(last_game_date) != days_rest"),
            "0");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM player_rest_days WHERE data_hash IS NULL OR "
                  "processed_at IS NULL"),
            "0");

  // The ledger holds one unit per date, each computed after its upstream's
  // (the bootstrap dates are skipped by every job without waiting).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM phase4_units WHERE job = 'player_rest_days' AND state = "
                  "'succeeded'"),
            std::to_string(job["succeeded"].get<int>()));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM phase4_units r JOIN phase4_units c ON c.game_date = "
                  "r.game_date AND c.job = 'player_daily_cache' WHERE r.job = "
                  "'player_rest_days' AND r.state = 'succeeded' AND r.updated_at < "
                  "c.updated_at"),
            "0");

  auto plan = RunInProcess(with({"plan", "--json"}));
  EXPECT_EQ(plan.exit_code, 0) << plan.out;
  const nlohmann::json planned = JobEntry(plan.out, "player_rest_days");
  ASSERT_FALSE(planned.is_null()) << plan.out;
  EXPECT_EQ(planned["order"], 6);
  EXPECT_EQ(planned["up_to_date"], job["succeeded"]);
  EXPECT_EQ(planned["missing"], 0);

  auto status = RunInProcess(with({"status", "--json"}));
  EXPECT_EQ(status.exit_code, 0) << status.out;
  const nlohmann::json listed = JobEntry(status.out, "player_rest_days");
  ASSERT_FALSE(listed.is_null()) << status.out;
  EXPECT_EQ(listed["succeeded"], job["succeeded"]);

  // A plan of job 6 alone names it by number.
  auto only = RunInProcess(with({"plan", "--jobs", "6"}));
  EXPECT_EQ(only.exit_code, 0) << only.out;
  EXPECT_NE(only.out.find("#6 player_rest_days"), std::string::npos) << only.out;
  EXPECT_EQ(only.out.find("#4 player_daily_cache"), std::string::npos) << only.out;
}

}  // namespace
}  // namespace phase4::testing
