// Processors #1 and #2 over a generated season: the real binary generates
// the 2023-24 season into a warehouse once; the tests then run `process`
// through the binary and every game date of the season in process.
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "phase3/schedule_store.h"
#include "processors/common/season_inputs.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "execution/run_date.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"
#include "test_support.h"
#include "warehouse/sqlite_warehouse.h"

namespace phase4::processors {
namespace {

class ZoneProcessorsSeasonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto r = testing::RunPhase4({"--warehouse", dir_->str(), "generate", "--seasons", "2023-2023"});
    generated_ = r.exit_code == 0;
    generate_error_ = r.err + r.out;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(generated_) << "phase4 generate failed: " << generate_error_;
  }

  static std::unique_ptr<SqliteWarehouse> Open() {
    return std::move(SqliteWarehouse::Open(dir_->str(), false)).value();
  }
  static int64_t Scalar(SqliteWarehouse& wh, const std::string& sql) {
    auto st = wh.Prepare(sql);
    EXPECT_TRUE(st.ok()) << sql;
    if (!st.ok() || !st->Step()) return -1;
    return st->ColumnInt(0);
  }

  static testing::TempDir* dir_;
  static bool generated_;
  static std::string generate_error_;
};

testing::TempDir* ZoneProcessorsSeasonTest::dir_ = nullptr;
bool ZoneProcessorsSeasonTest::generated_ = false;
std::string ZoneProcessorsSeasonTest::generate_error_;

// The integration path an operator uses (a historical date, so backfill
// mode: live mode refuses dates more than 90 days old).
TEST_F(ZoneProcessorsSeasonTest, ProcessCommandOnAGeneratedSeason) {
  auto r = testing::RunPhase4({"--warehouse", dir_->str(), "process", "team_defense_zone_analysis",
                               "--analysis-date", "2024-01-15", "--backfill-mode"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("team_defense_zone_analysis 2024-01-15: 30 rows written"), std::string::npos)
      << r.out;
  r = testing::RunPhase4({"--warehouse", dir_->str(), "process", "player_shot_zone_analysis",
                          "--analysis-date", "2024-01-15", "--backfill-mode"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("player_shot_zone_analysis 2024-01-15: "), std::string::npos) << r.out;
  auto wh = Open();
  const int64_t players = Scalar(*wh,
                                 "SELECT COUNT(*) FROM nba_precompute.player_shot_zone_analysis "
                                 "WHERE analysis_date = '2024-01-15'");
  EXPECT_GT(players, 300);
  EXPECT_NE(r.out.find(std::to_string(players) + " rows written"), std::string::npos) << r.out;
  // Every player with a played game of the season before D, and no one else.
  EXPECT_EQ(players, Scalar(*wh,
                            "SELECT COUNT(DISTINCT player_lookup) "
                            "FROM nba_analytics.player_game_summary "
                            "WHERE game_date >= '2023-10-01' AND game_date < '2024-01-15' "
                            "AND is_active = 1 AND (minutes_played > 0 OR fg_attempts > 0)"));
  // A bootstrap date writes nothing.
  r = testing::RunPhase4({"--warehouse", dir_->str(), "process", "team_defense_zone_analysis",
                          "--analysis-date", "2023-10-25", "--backfill-mode"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Bootstrap period skipped"), std::string::npos) << r.out;
}

// Both processors over every game date of 2023-24, inputs read once.
TEST_F(ZoneProcessorsSeasonTest, EveryGameDateOfTheSeason) {
  auto wh = Open();
  auto calendar = phase3::ReadCalendar(*wh);
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  execution::InputReader reader(*wh, *calendar);
  const auto dates = calendar->GameDates(MakeDate(2023, 10, 1), MakeDate(2024, 9, 30));
  ASSERT_GT(dates.size(), 150u);
  int computed = 0;
  execution::RunOptions options;
  options.processed_at = "2024-07-01T00:00:00.000000Z";
  for (Date d : dates) {
    for (const ProcessorInfo* info :
         {&TeamDefenseZoneAnalysisInfo(), &PlayerShotZoneAnalysisInfo()}) {
      auto out = execution::RunProcessorDate(reader, *info, d, options);
      ASSERT_TRUE(out.ok()) << FormatDate(d) << ": " << out.status().message();
      EXPECT_EQ(out->bootstrap, calendar->IsBootstrap(d));
      if (out->bootstrap) continue;
      if (info->order == 1) {
        EXPECT_EQ(out->rows_written, 30) << FormatDate(d);
      }
      EXPECT_GT(out->rows_written, 0) << info->name << FormatDate(d);
    }
    if (!calendar->IsBootstrap(d)) ++computed;
  }
  // Each Phase 3 table was read once for the whole season.
  EXPECT_EQ(reader.table_reads(), 2);

  const std::string tdza = "nba_precompute.team_defense_zone_analysis";
  const std::string psza = "nba_precompute.player_shot_zone_analysis";
  // #1: one row per team and date, for every non-bootstrap game date.
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + tdza), 30 * computed);
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(DISTINCT analysis_date) FROM " + tdza), computed);
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM (SELECT analysis_date FROM " + tdza +
                            " GROUP BY analysis_date HAVING COUNT(DISTINCT team_abbr) <> 30)"),
            0);
  // #2: no duplicate keys; rows on every computed date.
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM (SELECT 1 FROM " + psza +
                            " GROUP BY analysis_date, player_lookup HAVING COUNT(*) > 1)"),
            0);
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(DISTINCT analysis_date) FROM " + psza), computed);

  // Every percentage in range (NULL allowed).
  auto out_of_range = [&](const std::string& table, const std::string& col, double lo, double hi) {
    return Scalar(*wh, "SELECT COUNT(*) FROM " + table + " WHERE " + col + " IS NOT NULL AND (" +
                           col + " < " + std::to_string(lo) + " OR " + col + " > " +
                           std::to_string(hi) + ")");
  };
  for (const char* c : {"paint_pct_allowed_last_15", "mid_range_pct_allowed_last_15",
                        "three_pt_pct_allowed_last_15"})
    EXPECT_EQ(out_of_range(tdza, c, 0, 1), 0) << c;
  for (const char* c : {"paint_defense_vs_league_avg", "mid_range_defense_vs_league_avg",
                        "three_pt_defense_vs_league_avg"})
    EXPECT_EQ(out_of_range(tdza, c, -100, 100), 0) << c;
  for (const char* c : {"paint_attempts_allowed_per_game", "paint_points_allowed_per_game",
                        "paint_blocks_per_game", "opponent_points_per_game", "opponent_pace"})
    EXPECT_EQ(out_of_range(tdza, c, 0, 1000), 0) << c;
  for (const char* c : {"paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10",
                        "paint_rate_last_20", "assisted_rate_last_10", "unassisted_rate_last_10"})
    EXPECT_EQ(out_of_range(psza, c, 0, 100), 0) << c;
  for (const char* c :
       {"paint_pct_last_10", "mid_range_pct_last_10", "three_pt_pct_last_10", "paint_pct_last_20"})
    EXPECT_EQ(out_of_range(psza, c, 0, 1), 0) << c;
  for (const std::string& t : {tdza, psza}) {
    EXPECT_EQ(out_of_range(t, "completeness_percentage", 0, 100), 0) << t;
    EXPECT_EQ(out_of_range(t,
                           "source_" + std::string(t == tdza ? "team_defense" : "player_game") +
                               "_completeness_pct",
                           0, 100),
              0)
        << t;
  }
  // Rates sum to 100 (rounding aside) wherever they exist.
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + psza +
                            " WHERE paint_rate_last_10 IS NOT NULL AND ABS(paint_rate_last_10 + "
                            "mid_range_rate_last_10 + three_pt_rate_last_10 - 100) > 0.03"),
            0);
  // The 20-game fields only with 15 games; the early-season flag below 10.
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + psza +
                            " WHERE paint_rate_last_20 IS NOT NULL AND games_in_sample_20 < 15"),
            0);
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + psza +
                            " WHERE early_season_flag <> (games_in_sample_10 < 10)"),
            0);
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + tdza +
                            " WHERE early_season_flag <> (games_in_sample < 15)"),
            0);
  // Late in the season every team has a full window.
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + tdza +
                            " WHERE analysis_date = '2024-03-01' AND data_quality_tier = 'high'"),
            30);
  // Row counts for the issue note.
  std::printf("[season 2023-24] game dates %zu, computed %d, %s rows %lld, %s rows %lld\n",
              dates.size(), computed, tdza.c_str(),
              static_cast<long long>(Scalar(*wh, "SELECT COUNT(*) FROM " + tdza)), psza.c_str(),
              static_cast<long long>(Scalar(*wh, "SELECT COUNT(*) FROM " + psza)));
}

}  // namespace
}  // namespace phase4::processors
