// The unit ledger through the binary (doc/ledger.md): each test is one of
// the ways a run could report "complete" over data that is wrong or absent,
// or fail to get back to green, before the ledger.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "processors/registry.h"
#include "test_support.h"

namespace phase4::ledger {
namespace {

namespace fs = std::filesystem;
using testing::RunPhase4;
using testing::StripTimestamps;

constexpr const char* kStart = "2023-11-01";
constexpr const char* kEnd = "2023-12-15";

class LedgerCliTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::copy(testing::GeneratedLeague(), wh(), fs::copy_options::recursive); }

  std::string wh() const { return (dir_.path() / "wh").string(); }
  std::string ckdir() const { return (dir_.path() / "ck").string(); }
  std::vector<std::string> On(const std::string& warehouse, std::vector<std::string> args) const {
    std::vector<std::string> a{"--warehouse", warehouse};
    a.insert(a.end(), args.begin(), args.end());
    return a;
  }
  std::vector<std::string> RunAll(const std::string& warehouse, const std::string& ck,
                                  std::vector<std::string> extra = {}) const {
    std::vector<std::string> a{
        "--warehouse", warehouse,    "run-all", "--checkpoint-dir", ck, "--start-date",
        kStart,        "--end-date", kEnd};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::string Query(const std::string& warehouse, const std::string& dataset,
                    const std::string& sql) const {
    return testing::QuerySql(fs::path(warehouse) / (dataset + ".db"), sql);
  }
  void Exec(const std::string& warehouse, const std::string& dataset,
            const std::string& sql) const {
    testing::ExecSql(fs::path(warehouse) / (dataset + ".db"), sql);
  }
  // Every Phase 4 table of `a` equals `b`'s, write times aside.
  void ExpectSameTables(const std::string& a, const std::string& b) const {
    for (const auto* p : processors::AllProcessors()) {
      const std::string table = p->output->FullName();
      auto x = RunPhase4(On(a, {"export", table}));
      auto y = RunPhase4(On(b, {"export", table}));
      ASSERT_EQ(x.exit_code, 0) << x.err;
      ASSERT_EQ(y.exit_code, 0) << y.err;
      EXPECT_GT(std::count(x.out.begin(), x.out.end(), '\n'), 30) << table;
      EXPECT_EQ(StripTimestamps(x.out, true), StripTimestamps(y.out, true)) << table;
    }
  }
  nlohmann::json PlanJson(const std::string& warehouse) const {
    auto r =
        RunPhase4(On(warehouse, {"plan", "--start-date", kStart, "--end-date", kEnd, "--json"}));
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }

  testing::TempDir dir_;
};

// Problems 1 and 2: a Phase 3 gap blocks units; once the rows are back, a
// `--dates` retry is recorded like any run, the later units whose windows
// reach the restored date are stale (nothing else is), and the same range
// command converges to the tables of a run that never had the gap.
TEST_F(LedgerCliTest, ARetryIsRecordedAndTheLaterDatesOfTheGapAreRecomputed) {
  const std::string clean = (dir_.path() / "clean").string();
  fs::copy(wh(), clean, fs::copy_options::recursive);
  const std::string job = "player_shot_zone_analysis";
  Exec(wh(), "nba_analytics", "DELETE FROM player_game_summary WHERE game_date = '2023-11-14'");
  auto gap = RunPhase4(RunAll(wh(), ckdir()));
  ASSERT_EQ(gap.exit_code, 2) << gap.out;
  // Restored by another tool, straight into the file (the triggers see it).
  Exec(wh(), "nba_analytics",
       "ATTACH '" + clean +
           "/nba_analytics.db' AS clean; INSERT INTO player_game_summary "
           "SELECT * FROM clean.player_game_summary WHERE game_date = '2023-11-14'");
  auto plan = PlanJson(wh());
  for (const auto& j : plan["jobs"]) {
    SCOPED_TRACE(j["job"].get<std::string>());
    if (j["job"] == "team_defense_zone_analysis") {
      EXPECT_EQ(j["stale"], 0);  // it does not read player_game_summary
      EXPECT_EQ(j["blocked"], 0);
      continue;
    }
    EXPECT_EQ(j["blocked"], 0);
    EXPECT_GT(j["stale"].get<int>() + j["missing"].get<int>(), 0);
    for (const auto& u : j["units"]) EXPECT_GE(u["date"].get<std::string>(), "2023-11-15") << u;
  }
  // The retry the operator document suggests: exactly the blocked date.
  auto retry = RunPhase4(On(wh(), {"backfill", job, "--dates", "2023-11-15"}));
  ASSERT_EQ(retry.exit_code, 0) << retry.out << retry.err;
  EXPECT_EQ(Query(wh(), "nba_precompute",
                  "SELECT state FROM phase4_units WHERE job = '" + job +
                      "' AND game_date = '2023-11-15'"),
            "succeeded");
  // The range is not complete yet: later units read the restored date.
  auto status = RunPhase4(On(wh(), {"backfill", job, "--start-date", kStart, "--end-date", kEnd,
                                    "--checkpoint-dir", ckdir(), "--status"}));
  EXPECT_EQ(status.exit_code, 2) << status.out;
  auto again = RunPhase4(RunAll(wh(), ckdir()));
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("Phase 4 Backfill Complete!"), std::string::npos) << again.out;
  status = RunPhase4(On(wh(), {"backfill", job, "--start-date", kStart, "--end-date", kEnd,
                               "--checkpoint-dir", ckdir(), "--status"}));
  EXPECT_EQ(status.exit_code, 0) << status.out;
  EXPECT_NE(status.out.find("Status: COMPLETE"), std::string::npos) << status.out;
  auto reference = RunPhase4(RunAll(clean, (dir_.path() / "clean-ck").string()));
  ASSERT_EQ(reference.exit_code, 0) << reference.out;
  ExpectSameTables(wh(), clean);
}

// Problem 3: a checkpoint names its warehouse. A fresh warehouse with the
// checkpoints of a finished run elsewhere computes everything.
TEST_F(LedgerCliTest, ACheckpointOfAnotherWarehouseIsNeverTrusted) {
  auto first = RunPhase4(RunAll(wh(), ckdir()));
  ASSERT_EQ(first.exit_code, 0) << first.out;
  const std::string fresh = (dir_.path() / "fresh").string();
  fs::copy(testing::GeneratedLeague(), fresh, fs::copy_options::recursive);
  // A copy of a warehouse is another warehouse only if init gave it another
  // id; this one is a copy of the same generated league, so give it its own.
  Exec(fresh, "nba_reference",
       "UPDATE warehouse_info SET value = 'another' WHERE key = 'warehouse_id'");
  auto r = RunPhase4(RunAll(fresh, ckdir()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string log = testing::RunLogText(r.out);
  ASSERT_FALSE(log.empty()) << r.out;
  EXPECT_EQ(log.find("COMPLETE: every game date"), std::string::npos) << log;
  EXPECT_NE(r.out.find("belongs to another warehouse"), std::string::npos) << r.out;
  ExpectSameTables(fresh, wh());
  const std::string cp = testing::ReadFile(
      fs::path(ckdir()) / (std::string("ml_feature_store_") + kStart + "_" + kEnd + ".json"));
  EXPECT_NE(cp.find("\"warehouse_id\": \"another\""), std::string::npos) << cp;
}

// Problem 3 again: rows deleted behind phase4's back are not "complete".
TEST_F(LedgerCliTest, RowsDeletedByAnotherToolAreMissingAgain) {
  ASSERT_EQ(RunPhase4(RunAll(wh(), ckdir())).exit_code, 0);
  Exec(wh(), "nba_precompute", "DELETE FROM player_daily_cache WHERE cache_date = '2023-12-01'");
  auto plan = PlanJson(wh());
  bool seen = false;
  for (const auto& j : plan["jobs"])
    if (j["job"] == "player_daily_cache") {
      EXPECT_EQ(j["missing"], 1) << j;
      for (const auto& u : j["units"]) {
        EXPECT_EQ(u["date"], "2023-12-01");
        EXPECT_NE(u["reason"].get<std::string>().find("changed outside phase4"), std::string::npos);
        seen = true;
      }
    }
  EXPECT_TRUE(seen);
  auto r = RunPhase4(RunAll(wh(), ckdir()));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_GT(std::stoll(Query(wh(), "nba_precompute",
                             "SELECT COUNT(*) FROM player_daily_cache WHERE cache_date = "
                             "'2023-12-01'")),
            0);
}

// Problem 5: the dry run is the plan. It counts what is done, takes what
// the run itself produces upstream as available, and exits 2 when inputs
// are missing, naming the table and date.
TEST_F(LedgerCliTest, TheDryRunIsThePlan) {
  auto fresh = RunPhase4(RunAll(wh(), ckdir(), {"--dry-run"}));
  EXPECT_EQ(fresh.exit_code, 0) << fresh.out;
  EXPECT_NE(fresh.out.find("#3 player_composite_factors: 0 up to date, 40 missing, 0 failed, 0 "
                           "stale, 0 blocked"),
            std::string::npos)
      << fresh.out;
  ASSERT_EQ(RunPhase4(On(wh(), {"run-all", "--checkpoint-dir", ckdir(), "--start-date", kStart,
                                "--end-date", "2023-11-20"}))
                .exit_code,
            0);
  auto half = RunPhase4(RunAll(wh(), ckdir(), {"--dry-run"}));
  EXPECT_EQ(half.exit_code, 0) << half.out;
  EXPECT_NE(half.out.find("#5 ml_feature_store: 19 up to date, 21 missing"), std::string::npos)
      << half.out;
  Exec(wh(), "nba_analytics",
       "DELETE FROM upcoming_player_game_context WHERE game_date = '2023-12-05'");
  auto gap = RunPhase4(RunAll(wh(), ckdir(), {"--dry-run"}));
  EXPECT_EQ(gap.exit_code, 2) << gap.out;
  EXPECT_NE(gap.out.find("2023-12-05 blocked: No data for date 2023-12-05: "
                         "nba_analytics.upcoming_player_game_context has no rows for 2023-12-05"),
            std::string::npos)
      << gap.out;
  // The same plan from `backfill --dry-run` and `plan`; nothing was written.
  auto one = RunPhase4(On(wh(), {"backfill", "player_composite_factors", "--start-date", kStart,
                                 "--end-date", kEnd, "--dry-run", "--checkpoint-dir", ckdir()}));
  EXPECT_EQ(one.exit_code, 2) << one.out;
  EXPECT_NE(one.out.find("2023-12-05 blocked"), std::string::npos) << one.out;
  EXPECT_EQ(Query(wh(), "nba_precompute",
                  "SELECT COUNT(*) FROM phase4_units WHERE game_date > '2023-11-20'"),
            "0");
}

// Problem 6: one view of every job, exit codes that say what happened, and
// a date without games that writes nothing.
TEST_F(LedgerCliTest, StatusExitCodesAndDatesWithoutGames) {
  auto none =
      RunPhase4(On(wh(), {"backfill", "team_defense_zone_analysis", "--dates", "2024-07-15"}));
  EXPECT_EQ(none.exit_code, 0) << none.out << none.err;
  EXPECT_NE(none.out.find("Skipping 2024-07-15: no games scheduled that day"), std::string::npos)
      << none.out;
  EXPECT_EQ(Query(wh(), "nba_precompute", "SELECT COUNT(*) FROM team_defense_zone_analysis"), "0");
  EXPECT_EQ(Query(wh(), "nba_precompute", "SELECT COUNT(*) FROM phase4_units"), "0");

  Exec(wh(), "nba_analytics",
       "DELETE FROM team_defense_game_summary WHERE game_date = '2023-11-14'");
  auto r = RunPhase4(RunAll(wh(), ckdir()));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  auto status =
      RunPhase4(On(wh(), {"status", "--start-date", kStart, "--end-date", kEnd, "--json"}));
  EXPECT_EQ(status.exit_code, 2) << status.out;
  auto j = nlohmann::json::parse(status.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << status.out;
  ASSERT_EQ(j["jobs"].size(), processors::AllProcessors().size());
  const auto& tdza = j["jobs"][0];
  EXPECT_EQ(tdza["job"], "team_defense_zone_analysis");
  EXPECT_EQ(tdza["blocked"], 1);
  EXPECT_EQ(tdza["blocked_units"][0]["date"], "2023-11-15");
  EXPECT_TRUE(tdza["lock"].is_null());
  // The text view lists the blocked unit too.
  auto text = RunPhase4(On(wh(), {"status", "--start-date", kStart, "--end-date", kEnd}));
  EXPECT_NE(text.out.find("#1 team_defense_zone_analysis 2023-11-15 blocked: No data for date"),
            std::string::npos)
      << text.out;
  // Usage errors are 64; --status of an incomplete range is 2.
  EXPECT_EQ(RunPhase4(On(wh(), {"plan", "--start-date", kStart, "--end-date", kEnd, "--jobs", "7"}))
                .exit_code,
            64);
  EXPECT_EQ(
      RunPhase4(On(wh(), {"status", "--start-date", "2023-12-01", "--end-date", "2023-11-01"}))
          .exit_code,
      64);
  EXPECT_EQ(RunPhase4(On(wh(), {"backfill", "team_defense_zone_analysis", "--start-date", kStart,
                                "--end-date", kEnd, "--checkpoint-dir", ckdir(), "--status"}))
                .exit_code,
            2);
}

// `--start-from N` skips jobs, so theirs must be done; it names those that
// are not.
TEST_F(LedgerCliTest, StartFromRefusesWhenAnEarlierJobIsNotUpToDate) {
  auto r = RunPhase4(RunAll(wh(), ckdir(), {"--start-from", "3"}));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("--start-from 3 skips jobs whose units in this range are not up to date: "
                       "#1 team_defense_zone_analysis (40 missing"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("#2 player_shot_zone_analysis (40 missing"), std::string::npos) << r.err;
  ASSERT_EQ(RunPhase4(RunAll(wh(), ckdir())).exit_code, 0);
  auto ok = RunPhase4(RunAll(wh(), ckdir(), {"--start-from", "3"}));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

// A correction of one game by a direct SQL UPDATE: the plan lists stale
// units on later dates of that season only, naming the table and the date;
// the same command makes every table equal a from-scratch run on the
// corrected data.
TEST_F(LedgerCliTest, AOneGameCorrectionMakesExactlyTheLaterUnitsStale) {
  ASSERT_EQ(RunPhase4(RunAll(wh(), ckdir())).exit_code, 0);
  const std::string corrected = (dir_.path() / "corrected").string();
  fs::copy(testing::GeneratedLeague(), corrected, fs::copy_options::recursive);
  const std::string player =
      Query(wh(), "nba_analytics",
            "SELECT player_lookup FROM player_game_summary WHERE game_date = "
            "'2023-12-01' AND minutes_played > 20 ORDER BY player_lookup "
            "LIMIT 1");
  ASSERT_FALSE(player.empty());
  const std::string update =
      "UPDATE player_game_summary SET points = points + 7 WHERE game_date = '2023-12-01' AND "
      "player_lookup = '" +
      player + "'";
  Exec(wh(), "nba_analytics", update);
  Exec(corrected, "nba_analytics", update);

  auto plan = PlanJson(wh());
  int stale = 0;
  for (const auto& j : plan["jobs"]) {
    SCOPED_TRACE(j["job"].get<std::string>());
    EXPECT_EQ(j["missing"], 0);
    EXPECT_EQ(j["blocked"], 0);
    stale += j["stale"].get<int>();
    if (j["job"] == "team_defense_zone_analysis") {
      EXPECT_EQ(j["stale"], 0);
    }
    for (const auto& u : j["units"]) {
      EXPECT_EQ(u["state"], "stale");
      EXPECT_GT(u["date"].get<std::string>(), "2023-12-01") << u;
    }
  }
  EXPECT_GT(stale, 0);
  const auto& shot_zones = plan["jobs"][1];
  ASSERT_FALSE(shot_zones["units"].empty());
  EXPECT_EQ(shot_zones["units"][0]["reason"],
            "nba_analytics.player_game_summary changed on 2023-12-01");

  auto rerun = RunPhase4(RunAll(wh(), ckdir()));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out;
  auto scratch = RunPhase4(RunAll(corrected, (dir_.path() / "corrected-ck").string()));
  ASSERT_EQ(scratch.exit_code, 0) << scratch.out;
  ExpectSameTables(wh(), corrected);
  // And now nothing is left to do.
  const auto final_plan = PlanJson(wh());  // named: a range-for over a temporary's member dangles
  for (const auto& j : final_plan["jobs"]) EXPECT_EQ(j["stale"], 0) << j;
}

// `process` (the live path) records its unit too, with the fingerprints a
// backfill would record: a backfill over that date finds it up to date.
TEST_F(LedgerCliTest, ProcessRecordsItsUnit) {
  auto p = RunPhase4(On(wh(), {"process", "team_defense_zone_analysis", "--analysis-date",
                               "2023-11-20", "--backfill-mode"}));
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  EXPECT_EQ(Query(wh(), "nba_precompute",
                  "SELECT state || ' ' || rows_written FROM phase4_units WHERE game_date = "
                  "'2023-11-20'"),
            "succeeded 30");
  auto b =
      RunPhase4(On(wh(), {"backfill", "team_defense_zone_analysis", "--start-date", "2023-11-20",
                          "--end-date", "2023-11-20", "--checkpoint-dir", ckdir()}));
  EXPECT_EQ(b.exit_code, 0) << b.out;
  EXPECT_NE(b.out.find("COMPLETE"), std::string::npos) << b.out;
}

// verify-phase3 --verbose says which Phase 4 units each gap blocks: a hole
// on one date blocks the jobs that read it as the previous game date on the
// next game date, and their downstream units of that date.
TEST_F(LedgerCliTest, VerifyPhase3NamesTheUnitsAGapBlocks) {
  Exec(wh(), "nba_analytics",
       "DELETE FROM team_defense_game_summary WHERE game_date = '2023-11-14'");
  auto r = RunPhase4(
      On(wh(), {"verify-phase3", "--start-date", kStart, "--end-date", kEnd, "--verbose"}));
  EXPECT_NE(r.out.find("     2023-11-14: #1 team_defense_zone_analysis 2023-11-15, "
                       "#3 player_composite_factors 2023-11-15, #4 player_daily_cache 2023-11-15, "
                       "#5 ml_feature_store 2023-11-15"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace phase4::ledger
