// Live mode through the real binary (decision 23): the 90-day rule, the
// defensive checks (upstream status, gap detection in game dates), alerts to
// a local webhook, the completion message in the outbox, and run history.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "live/local_http_server.h"
#include "test_support.h"

namespace phase4::live {
namespace {

namespace fs = std::filesystem;
using testing::RunPhase4;
using testing::TempDir;

const fs::path& GeneratedSeason() {
  static TempDir dir;  // lives as long as the test binary
  static const fs::path path = [] {
    fs::path p = dir.path() / "wh";
    auto r = RunPhase4({"--warehouse", p.string(), "generate", "--seasons", "2023-2023"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return p;
  }();
  return path;
}

class LiveModeTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::copy(GeneratedSeason(), wh(), fs::copy_options::recursive); }
  std::string wh() const { return (dir_.path() / "wh").string(); }

  testing::CommandResult Process(const std::string& job, const std::string& date,
                                 const std::string& today, std::vector<std::string> extra = {},
                                 const std::string& webhook = "") {
    std::vector<std::string> args{"--warehouse", wh(), "process", job, "--analysis-date", date};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::string> env{"PHASE4_TODAY=" + today};
    if (!webhook.empty()) env.push_back("PHASE4_SLACK_WEBHOOK_URL=" + webhook);
    return RunPhase4(args, "", env);
  }
  void Sql(const std::string& db, const std::string& sql) {
    testing::ExecSql(dir_.path() / "wh" / (db + ".db"), sql);
  }
  std::string Text(const std::string& db, const std::string& sql) {
    return testing::QuerySql(dir_.path() / "wh" / (db + ".db"), sql);
  }
  std::string Outbox(bool all = false) {
    std::vector<std::string> args{"--warehouse", wh(), "outbox", "list"};
    if (all) args.push_back("--all");
    auto r = RunPhase4(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  TempDir dir_;
};

TEST_F(LiveModeTest, RejectsDatesMoreThanNinetyDaysOldUnlessBackfillMode) {
  auto r = Process("team_defense_zone_analysis", "2024-01-15", "2024-06-01");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is 138 days old (more than 90); use --backfill-mode"), std::string::npos)
      << r.err;
  EXPECT_EQ(Text("nba_precompute", "SELECT COUNT(*) FROM team_defense_zone_analysis"), "0");
  EXPECT_EQ(Text("nba_reference",
                 "SELECT status FROM processor_run_history WHERE row_kind = 'final' "
                 "AND processor_name = 'team_defense_zone_analysis'"),
            "skipped");
  r = Process("team_defense_zone_analysis", "2024-01-15", "2024-06-01", {"--backfill-mode"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Outbox(), "");  // backfill mode publishes nothing
}

TEST_F(LiveModeTest, SuccessAfterTheAllStarBreakPublishesTheCompletionMessage) {
  // 2024-02-22 is the first game date after the All-Star break (02-16..02-21):
  // the 15 game dates before it have no gap.
  testing::LocalHttpServer hook;
  auto r = Process("team_defense_zone_analysis", "2024-02-22", "2024-03-01", {}, hook.url());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Defensive checks passed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("team_defense_zone_analysis 2024-02-22: 30 rows written"),
            std::string::npos);
  EXPECT_TRUE(hook.bodies().empty());  // no alert on success
  std::string out = Outbox();
  ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  auto msg = nlohmann::json::parse(out);
  EXPECT_EQ(msg["topic"], "nba-phase4-precompute-complete");
  const auto& p = msg["payload"];
  EXPECT_EQ(p["processor_name"], "team_defense_zone_analysis");
  EXPECT_EQ(p["phase"], "phase_4_precompute");
  EXPECT_EQ(p["game_date"], "2024-02-22");
  EXPECT_EQ(p["output_table"], "team_defense_zone_analysis");
  EXPECT_EQ(p["output_dataset"], "nba_precompute");
  EXPECT_EQ(p["status"], "success");
  EXPECT_EQ(p["record_count"], 30);
  EXPECT_FALSE(p["execution_id"].get<std::string>().empty());
  EXPECT_EQ(p["correlation_id"], p["execution_id"]);
  // The run's final row is the success, with the message's run id.
  EXPECT_EQ(
      Text("nba_reference",
           "SELECT status FROM processor_run_history WHERE row_kind = 'final' AND run_id = '" +
               p["execution_id"].get<std::string>() + "'"),
      "success");
  // Consumers acknowledge it.
  auto ack = RunPhase4({"--warehouse", wh(), "outbox", "ack", msg["id"].get<std::string>()});
  EXPECT_EQ(ack.exit_code, 0) << ack.err;
  EXPECT_EQ(Outbox(), "");
  EXPECT_NE(Outbox(true).find("\"acked_at\":\"20"), std::string::npos);
}

// Into a pipe (stdout and stderr on one), the defensive checks' line comes
// before the error of the run that followed them, not after it.
TEST_F(LiveModeTest, DefensiveChecksLineComesBeforeTheErrorWhenPiped) {
  Sql("nba_precompute",
      "CREATE TRIGGER refuse BEFORE INSERT ON team_defense_zone_analysis BEGIN "
      "SELECT RAISE(ABORT, 'refused by the test'); END");
  const std::string cmd = std::string(PHASE4_BINARY) + " --warehouse '" + wh() +
                          "' process team_defense_zone_analysis --analysis-date 2024-02-22 "
                          "2>&1 | cat";
  auto r = testing::RunProgram("/bin/sh", {"-c", cmd}, "", {"PHASE4_TODAY=2024-03-01"});
  const size_t passed = r.out.find("✅ Defensive checks passed");
  const size_t error = r.out.find("refused by the test");
  ASSERT_NE(passed, std::string::npos) << r.out;
  ASSERT_NE(error, std::string::npos) << r.out;
  EXPECT_LT(passed, error) << r.out;
}

TEST_F(LiveModeTest, AMissingGameDateInTheLookbackBlocksAndAlerts) {
  Sql("nba_analytics", "DELETE FROM team_defense_game_summary WHERE game_date = '2024-02-08'");
  testing::LocalHttpServer hook;
  auto r = Process("team_defense_zone_analysis", "2024-02-22", "2024-03-01", {}, hook.url());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("BLOCKED: 1 gaps detected in historical data"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Missing dates: 2024-02-08"), std::string::npos) << r.err;
  ASSERT_EQ(hook.bodies().size(), 1u);
  auto alert = nlohmann::json::parse(hook.bodies()[0]);
  EXPECT_EQ(alert["title"], "Precompute BLOCKED: Data Gaps - team_defense_zone_analysis");
  EXPECT_EQ(alert["details"]["gap_count"], 1);
  EXPECT_EQ(Text("nba_precompute", "SELECT COUNT(*) FROM team_defense_zone_analysis"), "0");
  EXPECT_EQ(Outbox(), "");
  EXPECT_EQ(Text("nba_reference",
                 "SELECT status FROM processor_run_history WHERE row_kind = 'final' "
                 "AND mode = 'live'"),
            "blocked");
  // Checks are skipped for dates >= today (the day's data may not exist yet).
  r = Process("team_defense_zone_analysis", "2024-02-22", "2024-02-22", {}, hook.url());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // --no-strict skips them too; backfill mode sends no alert even when it fails.
  r = Process("team_defense_zone_analysis", "2024-02-22", "2024-03-01", {"--no-strict"},
              hook.url());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(hook.bodies().size(), 1u);
}

TEST_F(LiveModeTest, AFailedUpstreamRunOfThePreviousGameDateBlocks) {
  // The latest run of the team defense load for 2024-02-15 failed.
  Sql("nba_reference",
      "INSERT INTO processor_run_history (run_id, row_kind, processor_name, phase, data_date, "
      "status, mode, "
      "started_at) VALUES ('later_failed', 'start', 'team_defense_game_summary', "
      "'phase_3_analytics', "
      "'2024-02-15', 'running', 'import', '2999-01-01T00:00:00.000000Z'), ('later_failed', "
      "'final', "
      "'team_defense_game_summary', 'phase_3_analytics', '2024-02-15', 'failed', 'import', "
      "'2999-01-01T00:00:00.000000Z')");
  testing::LocalHttpServer hook;
  auto r = Process("team_defense_zone_analysis", "2024-02-22", "2024-03-01", {}, hook.url());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Upstream team_defense_game_summary failed for 2024-02-15"),
            std::string::npos)
      << r.err;
  ASSERT_EQ(hook.bodies().size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(hook.bodies()[0])["title"],
            "Precompute BLOCKED: Upstream Failure - team_defense_zone_analysis");
}

TEST_F(LiveModeTest, SkipDownstreamTriggerWritesRowsButNoMessage) {
  auto r = Process("player_shot_zone_analysis", "2024-02-22", "2024-03-01",
                   {"--skip-downstream-trigger"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rows written"), std::string::npos);
  EXPECT_EQ(Outbox(), "");
}

TEST_F(LiveModeTest, PhaseThreeLoadsRecordTheirRuns) {
  // generate recorded one finished run per Phase 3 table and date.
  EXPECT_EQ(Text("nba_reference",
                 "SELECT status FROM processor_run_history WHERE processor_name = "
                 "'player_game_summary' AND data_date = '2024-01-15' AND row_kind = 'final'"),
            "success");
  EXPECT_EQ(Text("nba_reference",
                 "SELECT COUNT(DISTINCT processor_name) FROM processor_run_history WHERE "
                 "phase = 'phase_3_analytics'"),
            "5");
}

}  // namespace
}  // namespace phase4::live
