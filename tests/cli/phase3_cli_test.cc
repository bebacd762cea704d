// Integration tests: the real binary on a temporary warehouse.
#include <gtest/gtest.h>

#include <algorithm>

#include "tableio/csv.h"
#include "test_support.h"

namespace phase4::cli {
namespace {

using testing::RunPhase4;
using testing::TempDir;

std::vector<std::string> Args(const TempDir& wh, std::vector<std::string> rest) {
  std::vector<std::string> a{"--warehouse", (wh.path() / "wh").string()};
  a.insert(a.end(), rest.begin(), rest.end());
  return a;
}

TEST(CliTest, InitIsIdempotentAndUsageErrorsExitSixtyFour) {
  TempDir dir;
  auto r = RunPhase4(Args(dir, {"init"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("warehouse ready"), std::string::npos);
  EXPECT_EQ(RunPhase4(Args(dir, {"init"})).exit_code, 0);
  EXPECT_EQ(RunPhase4(Args(dir, {"no-such-command"})).exit_code, 64);
  auto bad = RunPhase4(
      Args(dir, {"verify-phase3", "--start-date", "2024-13-01", "--end-date", "2024-12-01"}));
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_NE(bad.err.find("Invalid date format"), std::string::npos) << bad.err;
  auto order = RunPhase4(
      Args(dir, {"verify-phase3", "--start-date", "2024-12-02", "--end-date", "2024-12-01"}));
  EXPECT_EQ(order.exit_code, 64);
  EXPECT_NE(order.err.find("Start date must be before end date"), std::string::npos);
}

TEST(CliTest, WarehouseComesFromTheEnvironmentWhenNoFlag) {
  TempDir dir;
  auto r =
      testing::RunPhase4({"init"}, "", {"PHASE4_WAREHOUSE=" + (dir.path() / "envwh").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "envwh" / "nba_analytics.db"));
}

TEST(CliTest, LoadsBothRealScheduleFormatsIdempotentlyRicherRowWins) {
  PHASE4_REQUIRE_SHARED_DATA(data);
  TempDir dir;
  std::string csv = (data / "schedule/nba_game_ids_2021-22_to_2024-25.csv").string();
  std::string json = (data / "schedule/nbac_schedule_2024-25.json").string();
  auto r = RunPhase4(Args(dir, {"load-schedule", json, csv}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 4,920 + 24 + 337 games from the CSV; the JSON adds no game of its own.
  EXPECT_NE(r.out.find("5281 games in the schedule"), std::string::npos) << r.out;
  r = RunPhase4(Args(dir, {"load-schedule", csv}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("5281 games in the schedule"), std::string::npos) << r.out;
  // The JSON's matchups and scores survived the CSV reload.
  auto e = RunPhase4(Args(dir, {"export", "nba_raw.nbac_schedule", "--start-date", "2025-06-22",
                                "--end-date", "2025-06-22"}));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("0042400407,20250622/INDOKC,2024,2025-06-22,playoffs,3,OKC,IND,103,91,OKC"),
            std::string::npos)
      << e.out;
}

TEST(CliTest, BadScheduleFileNamesFileLineAndFieldAndLoadsNothing) {
  TempDir dir;
  auto f = dir.path() / "ids.csv";
  testing::WriteFile(f, "game_id,game_date\n0022400001,2024-10-22\n0022400002,2024-10-32\n");
  auto r = RunPhase4(Args(dir, {"load-schedule", f.string()}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(f.string() + ": line 3: field game_date"), std::string::npos) << r.err;
  testing::WriteFile(
      f,
      "{\"games\": [\n{\"gameId\": \"0022400001\", \"gameDateEst\": \"2024-10-22T00:00:00Z\",\n"
      "\"homeTeam\": {\"teamTricode\": \"BOS\"}, \"awayTeam\": {\"teamTricode\": \"QQQ\"}}]}");
  r = RunPhase4(Args(dir, {"load-schedule", f.string()}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("line 2: games[0].awayTeam.teamTricode: unknown team 'QQQ'"),
            std::string::npos)
      << r.err;
}

TEST(CliTest, ImportRejectsABadFileAndLeavesTheTableUnchanged) {
  TempDir dir;
  auto good = dir.path() / "good.csv";
  testing::WriteFile(
      good,
      "team_abbr,game_id,game_date,season_year,opponent_team_abbr,home_game,is_back_to_back,"
      "games_in_last_7_days,games_in_last_14_days,starters_out_count,questionable_players_count,"
      "team_win_streak_entering,team_loss_streak_entering,travel_miles\n"
      "BOS,0022300001,2023-10-25,2023,NYK,true,false,0,0,0,0,0,0,0\n");
  ASSERT_EQ(RunPhase4(Args(dir, {"import", "upcoming_team_game_context", good.string()})).exit_code,
            0);
  auto bad = dir.path() / "bad.csv";
  testing::WriteFile(bad, testing::ReadFile(good) +
                              "NYK,0022300001,2023-10-25,2023,BOS,maybe,false,0,0,0,0,0,0,0\n");
  auto r =
      RunPhase4(Args(dir, {"import", "nba_analytics.upcoming_team_game_context", bad.string()}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(bad.string() + ": line 3: field home_game: 'maybe' is not true or false"),
            std::string::npos)
      << r.err;
  auto e = RunPhase4(Args(dir, {"export", "upcoming_team_game_context"}));
  EXPECT_EQ(std::count(e.out.begin(), e.out.end(), '\n'), 2) << e.out;
}

// Runs generate once per test binary for the tests below.
class GeneratedWarehouseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = RunPhase4(Args(*dir_, {"generate", "--seasons", "2023-2023"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir* dir_;
};
TempDir* GeneratedWarehouseTest::dir_ = nullptr;

TEST_F(GeneratedWarehouseTest, ExportImportRoundTripIsExact) {
  for (const char* table :
       {"nba_analytics.player_game_summary", "nba_analytics.team_offense_game_summary",
        "nba_analytics.team_defense_game_summary", "nba_analytics.upcoming_player_game_context",
        "nba_analytics.upcoming_team_game_context"}) {
    auto first = RunPhase4(Args(*dir_, {"export", table}));
    ASSERT_EQ(first.exit_code, 0) << first.err;
    TempDir other;
    auto file = other.path() / "t.csv";
    testing::WriteFile(file, first.out);
    auto imp = RunPhase4(Args(other, {"import", table, file.string()}));
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    auto second = RunPhase4(Args(other, {"export", table}));
    EXPECT_EQ(first.out, second.out) << table;
  }
}

TEST_F(GeneratedWarehouseTest, VerifyPhase3ReadyThenNotReadyWhenDatesGoMissing) {
  auto r = RunPhase4(
      Args(*dir_, {"verify-phase3", "--start-date", "2023-10-24", "--end-date", "2024-06-17"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PHASE 3 IS READY for Phase 4 backfill"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Bootstrap dates (skipped): 7"), std::string::npos) << r.out;

  // A bootstrap-only range is ready.
  r = RunPhase4(
      Args(*dir_, {"verify-phase3", "--start-date", "2023-10-24", "--end-date", "2023-10-30"}));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("BOOTSTRAP PERIOD - NO PHASE 4 PROCESSING NEEDED"), std::string::npos)
      << r.out;

  // Delete a quarter of team offense's dates in January: coverage drops below 95%.
  TempDir copy;
  std::filesystem::copy(dir_->path() / "wh", copy.path() / "wh",
                        std::filesystem::copy_options::recursive);
  testing::ExecSql(copy.path() / "wh" / "nba_analytics.db",
                   "DELETE FROM team_offense_game_summary WHERE game_date BETWEEN '2024-01-01' AND "
                   "'2024-01-31'");
  r = RunPhase4(Args(copy, {"verify-phase3", "--start-date", "2023-10-24", "--end-date",
                            "2024-03-31", "--verbose"}));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("PHASE 3 HAS GAPS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("⚠️ team_offense_game_summary"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Missing: 2024-01-01, 2024-01-02"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("- team_offense_game_summary: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("✅ player_game_summary"), std::string::npos) << r.out;
}

// An error message quoting what it was given (or what it read) never
// carries bytes that are not UTF-8: they are written \xHH.
TEST(CliTest, ErrorMessagesEscapeBytesThatAreNotUtf8) {
  TempDir dir;
  const std::string wh = (dir.path() / "wh").string();
  ASSERT_EQ(RunPhase4({"--warehouse", wh, "init"}).exit_code, 0);
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--warehouse", wh, "export", "nba_\xfftable"},
           {"--warehouse", wh, "backfill", "job\xc3", "--start-date", "2023-11-01", "--end-date",
            "2023-11-02"}}) {
    auto r = RunPhase4(args);
    // An unknown table is an error of the export; an unknown job, of usage.
    EXPECT_EQ(r.exit_code, args[2] == "backfill" ? 64 : 1) << r.err;
    EXPECT_EQ(tableio::InvalidUtf8Offset(r.err), std::string::npos) << r.err;
    EXPECT_TRUE(r.err.find("\\xff") != std::string::npos ||
                r.err.find("\\xc3") != std::string::npos)
        << r.err;
  }
}

}  // namespace
}  // namespace phase4::cli
