// Decision 35's one limit, end to end: a Phase 3 value beyond exact
// arithmetic's range (10^36) fails the dates that read it, with a message
// naming the table and column, and nothing is written for them.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "test_support.h"

namespace phase4::processors {
namespace {

TEST(DecimalRangeTest, AnAbsurdValueFailsTheDateNamingTheColumn) {
  testing::TempDir dir;
  std::filesystem::copy(testing::GeneratedLeague(), dir.path(),
                        std::filesystem::copy_options::recursive);
  const auto analytics = dir.path() / "nba_analytics.db";
  const std::string d = testing::QuerySql(analytics,
                                          "SELECT MIN(game_date) FROM upcoming_player_game_context "
                                          "WHERE game_date >= '2024-01-10'");
  const std::string player = testing::QuerySql(
      analytics,
      "SELECT MIN(player_lookup) FROM upcoming_player_game_context WHERE game_date = '" + d + "'");
  // One of the player's earlier games played 1e300 minutes.
  testing::ExecSql(analytics,
                   "UPDATE player_game_summary SET minutes_played = 1e300 WHERE rowid = "
                   "(SELECT rowid FROM player_game_summary WHERE player_lookup = '" +
                       player + "' AND game_date < '" + d +
                       "' AND minutes_played > 0 ORDER BY game_date DESC LIMIT 1)");
  auto r = testing::RunPhase4(
      {"--warehouse", dir.str(), "process", "all", "--analysis-date", d, "--backfill-mode"});
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err)
                .find("nba_analytics.player_game_summary.minutes_played: 1e+300 has "
                      "no exact decimal value in range (decision 35)"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_EQ(
      testing::QuerySql(dir.path() / "nba_precompute.db",
                        "SELECT COUNT(*) FROM player_daily_cache WHERE cache_date = '" + d + "'"),
      "0");
  // The jobs that do not read minutes wrote the date.
  EXPECT_NE(testing::QuerySql(
                dir.path() / "nba_precompute.db",
                "SELECT COUNT(*) FROM player_shot_zone_analysis WHERE analysis_date = '" + d + "'"),
            "0");
}

}  // namespace
}  // namespace phase4::processors
