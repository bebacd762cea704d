// `run-all --workers N`, `phase4 worker` and `phase4 status` through the
// binary (doc/scale-out.md): the workers write what a single-process run
// writes and run-all reports it the same way; units queued with
// --workers 0 wait for a worker started elsewhere, which `status` shows;
// a failing unit is retried up to --max-attempts and then stays failed;
// SQLite refuses with the reason.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "scaleout/scaleout_support.h"

namespace phase4::scaleout {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::CommandResult;
using testing::PostgresLeague;
using testing::RunPhase4;
using testing::TempDir;

constexpr const char* kStart = "2023-10-24";
constexpr const char* kEnd = "2023-11-20";

class WorkerCliTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(league_.ok()); }
  CommandResult Phase4(std::vector<std::string> args) {
    args.insert(args.begin(), {"--warehouse", league_.uri()});
    return RunPhase4(args);
  }
  std::vector<std::string> RunAll(std::vector<std::string> extra) {
    std::vector<std::string> a{"run-all", "--start-date",     kStart, "--end-date",
                               kEnd,      "--checkpoint-dir", ckdir()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::string ckdir() const { return (dir_.path() / "ck").string(); }
  nlohmann::json Status() {
    auto r = Phase4({"status", "--start-date", kStart, "--end-date", kEnd, "--json"});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }

  PostgresLeague league_;
  TempDir dir_;
};

TEST_F(WorkerCliTest, RunAllWithWorkersWritesWhatOneProcessWritesAndEndsTheSameWay) {
  auto r = Phase4(RunAll({"--workers", "2"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("=== WORKERS: 2 local `phase4 worker` processes"), std::string::npos)
      << r.out;
  for (const auto* p : processors::AllProcessors())
    EXPECT_NE(r.out.find(fmt::format("✓ #{} {} completed", p->order, p->name)), std::string::npos)
        << r.out;
  EXPECT_NE(r.out.find("Job                              Succeeded Failed Blocked Skipped"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Phase 4 Backfill Complete!"), std::string::npos) << r.out;
  EXPECT_TRUE(testing::Phase4Tables(league_.uri(), kStart, kEnd) ==
              testing::SqliteReference(kStart, kEnd))
      << "the workers' tables differ from a single-process SQLite run's";
  // Every unit committed once; the queue is idle and the workers are gone.
  EXPECT_EQ(league_.Query("SELECT count(*) FROM nba_reference.phase4_claims WHERE state <> "
                          "'settled' OR commits <> 1"),
            "0");
  EXPECT_GT(std::stoi(league_.Query("SELECT count(*) FROM nba_reference.phase4_claims")), 100);
  EXPECT_EQ(league_.Query("SELECT count(*) FROM nba_reference.phase4_workers"), "0");
  // The same command again: nothing to queue, the same end, as JSON too.
  auto again = Phase4(RunAll({"--workers", "1", "--json"}));
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  auto j = nlohmann::json::parse(again.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << again.out;
  EXPECT_EQ(j["exit_code"], 0);
  ASSERT_EQ(j["jobs"].size(), 5u);
  for (const auto& job : j["jobs"]) {
    EXPECT_EQ(job["computed"], 0) << job;
    EXPECT_GT(job["up_to_date"].get<int>(), 15) << job;
  }
}

TEST_F(WorkerCliTest, QueuedUnitsWaitForAWorkerStartedElsewhereAndStatusShowsIt) {
  auto queued = Phase4(RunAll({"--workers", "0", "--json"}));
  ASSERT_EQ(queued.exit_code, 0) << queued.out << queued.err;
  auto q = nlohmann::json::parse(queued.out);
  const int units = q["queued"];
  EXPECT_GT(units, 100);
  auto before = Status();
  EXPECT_EQ(before["queue"]["queued"], units);
  EXPECT_TRUE(before["workers"].empty());
  // A worker of "another machine": no --until-idle, it waits for work.
  const fs::path log = dir_.path() / "worker.log";
  const pid_t pid = testing::SpawnPhase4(
      {"--warehouse", league_.uri(), "worker", "--lease-seconds", "5", "--poll-seconds", "0.1"},
      log);
  ASSERT_GT(pid, 0);
  bool seen = false, drained = false;
  for (auto deadline = std::chrono::steady_clock::now() + 90s;
       std::chrono::steady_clock::now() < deadline && !drained;) {
    auto s = Status();
    for (const auto& w : s["workers"])
      seen =
          seen || (w["pid"] == pid && w["live"] == true && !w["host"].get<std::string>().empty());
    drained = s["queue"]["queued"] == 0 && s["queue"]["leased"] == 0;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(seen) << "status never showed the live worker";
  ASSERT_TRUE(drained) << testing::ReadFile(log);
  auto text = Phase4({"status", "--start-date", kStart, "--end-date", kEnd});
  EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_NE(text.out.find("Workers: 1 live"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(std::to_string(pid)), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(fmt::format("Work queue: 0 queued, 0 leased")), std::string::npos)
      << text.out;
  // SIGTERM: it stops, says so, and leaves the registry.
  kill(pid, SIGTERM);
  auto code = testing::WaitWithTimeout(pid, 30s);
  EXPECT_EQ(code, std::optional<int>(130)) << testing::ReadFile(log);
  EXPECT_NE(testing::ReadFile(log).find("stopped by a signal"), std::string::npos);
  EXPECT_TRUE(Status()["workers"].empty());
  auto idle = Phase4({"worker", "--until-idle"});
  EXPECT_EQ(idle.exit_code, 0) << idle.out << idle.err;
  EXPECT_TRUE(testing::Phase4Tables(league_.uri(), kStart, kEnd) ==
              testing::SqliteReference(kStart, kEnd));
}

TEST_F(WorkerCliTest, AFailingUnitIsRetriedUpToTheLimitAndThenStaysFailed) {
  // One of a player's games played 1e300 minutes (decision 35's limit):
  // the units that read it fail, whoever computes them.
  const std::string d = league_.Query(
      "SELECT min(game_date)::text FROM nba_analytics.upcoming_player_game_context WHERE "
      "game_date >= '2023-11-10'");
  const std::string player = league_.Query(
      "SELECT min(player_lookup) FROM nba_analytics.upcoming_player_game_context WHERE "
      "game_date = '" +
      d + "'");
  league_.Sql(
      "UPDATE nba_analytics.player_game_summary SET minutes_played = 1e300 WHERE ctid = (SELECT "
      "ctid FROM nba_analytics.player_game_summary WHERE player_lookup = '" +
      player + "' AND game_date < '" + d +
      "' AND minutes_played > 0 ORDER BY game_date DESC LIMIT 1)");
  auto r = Phase4({"run-all", "--start-date", d, "--end-date", d, "--checkpoint-dir", ckdir(),
                   "--workers", "1", "--max-attempts", "2"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("To retry exactly what is left, run the same command again:"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("--workers 1 --max-attempts 2"), std::string::npos) << r.out;
  // Each failed unit was claimed twice, failed twice, and stays failed in
  // the ledger with its reason; its downstream units are blocked.
  EXPECT_NE(league_.Query("SELECT count(*) FROM nba_reference.phase4_claims WHERE outcome = "
                          "'failed'"),
            "0");
  EXPECT_EQ(league_.Query("SELECT count(*) FROM nba_reference.phase4_claims WHERE outcome = "
                          "'failed' AND (attempts <> 2 OR commits <> 2)"),
            "0");
  EXPECT_NE(league_
                .Query("SELECT last_error FROM nba_precompute.phase4_units WHERE state = 'failed' "
                       "LIMIT 1")
                .find("no exact decimal value in range (decision 35)"),
            std::string::npos);
  EXPECT_EQ(
      league_.Query("SELECT state FROM nba_predictions.phase4_units WHERE game_date = '" + d + "'"),
      "blocked");
  auto status = Status();
  EXPECT_GT(status["queue"]["failed"].get<int>(), 0);
  auto idle = Phase4({"worker", "--until-idle"});
  EXPECT_EQ(idle.exit_code, 2) << "the queue holds failed units: " << idle.out << idle.err;
}

TEST_F(WorkerCliTest, AUnitWhoseWorkersKeepDyingOnItStaysFailedAtTheLimit) {
  const std::string d = "2023-11-15";
  auto queued = Phase4({"run-all", "--start-date", d, "--end-date", d, "--checkpoint-dir", ckdir(),
                        "--workers", "0", "--max-attempts", "1"});
  ASSERT_EQ(queued.exit_code, 0) << queued.out << queued.err;
  // A first run (of a unit already computed once) ...
  ASSERT_EQ(Phase4({"worker", "--until-idle"}).exit_code, 0);
  const std::string rows = league_.Query(
      "SELECT rows_written FROM nba_precompute.phase4_units WHERE job = "
      "'team_defense_zone_analysis'");
  ASSERT_NE(rows, "0");
  // ... then the same unit queued again, and a worker that claimed it died
  // holding it: its lease ran out with its only attempt.
  ASSERT_EQ(Phase4({"run-all", "--start-date", d, "--end-date", d, "--checkpoint-dir", ckdir(),
                    "--workers", "0", "--max-attempts", "1", "--no-resume"})
                .exit_code,
            0);
  league_.Sql(
      "UPDATE nba_reference.phase4_claims SET state = 'leased', attempts = 1, token = "
      "nextval('nba_reference.phase4_fencing_tokens'), lease_until = now() - interval '1 s' "
      "WHERE job = 'team_defense_zone_analysis'");
  auto r = Phase4({"worker", "--until-idle"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  // No further worker was risked on it: it stays failed with why, and the
  // ledger still describes the rows of its last success.
  EXPECT_EQ(league_.Query("SELECT outcome || ' ' || attempts FROM nba_reference.phase4_claims "
                          "WHERE job = 'team_defense_zone_analysis'"),
            "failed 2");
  EXPECT_NE(league_
                .Query("SELECT last_error FROM nba_precompute.phase4_units WHERE job = "
                       "'team_defense_zone_analysis' AND state = 'failed'")
                .find("gave up after 1 attempts: every worker that claimed it stopped before it "
                      "committed"),
            std::string::npos);
  EXPECT_EQ(league_.Query("SELECT rows_written FROM nba_precompute.phase4_units WHERE job = "
                          "'team_defense_zone_analysis'"),
            rows);
  EXPECT_EQ(league_.Query("SELECT state FROM nba_precompute.phase4_units WHERE job = "
                          "'player_composite_factors'"),
            "blocked");
}

TEST(WorkerCliSqliteTest, ASqliteWarehouseRefusesWorkersWithTheReason) {
  TempDir dir;
  const std::string wh = (dir.path() / "wh").string();
  fs::copy(testing::GeneratedLeague(), wh, fs::copy_options::recursive);
  auto run = RunPhase4(
      {"--warehouse", wh, "run-all", "--start-date", kStart, "--end-date", kEnd, "--workers", "2"});
  EXPECT_EQ(run.exit_code, 64) << run.out << run.err;
  EXPECT_NE(run.err.find("is a SQLite warehouse: `phase4 worker` and `run-all --workers` need a "
                         "PostgreSQL warehouse"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("`run-all` without --workers is already the fastest way"),
            std::string::npos);
  auto worker = RunPhase4({"--warehouse", wh, "worker", "--until-idle"});
  EXPECT_EQ(worker.exit_code, 64) << worker.out << worker.err;
  EXPECT_NE(worker.err.find("need a PostgreSQL warehouse"), std::string::npos) << worker.err;
  // Nothing was planned or written.
  EXPECT_EQ(testing::QuerySql(dir.path() / "wh" / "nba_precompute.db",
                              "SELECT count(*) FROM phase4_units"),
            "0");
  // Options that only go with --workers, or not with it.
  EXPECT_EQ(RunPhase4({"--warehouse", wh, "run-all", "--start-date", kStart, "--end-date", kEnd,
                       "--lease-seconds", "5"})
                .exit_code,
            64);
  EXPECT_EQ(RunPhase4({"--warehouse", wh, "run-all", "--start-date", kStart, "--end-date", kEnd,
                       "--workers", "2", "--separate-processes"})
                .exit_code,
            64);
}

}  // namespace
}  // namespace phase4::scaleout
