// Decision 36 end to end: a player with two upcoming-context rows for the
// same date. The real binary runs #1..#5 for that date on a generated
// season, and #3, #4 and #5 must all read the same row: the one with the
// latest processed_at, or, when both have the same, the first stored (not
// the first by game_id). The run log counts the duplicate dropped.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "test_support.h"

namespace phase4::processors {
namespace {

namespace fs = std::filesystem;

class DuplicateRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(testing::GeneratedLeague(), dir_.path(), fs::copy_options::recursive);
    analytics_ = dir_.path() / "nba_analytics.db";
    date_ = testing::QuerySql(analytics_,
                              "SELECT MIN(game_date) FROM upcoming_player_game_context "
                              "WHERE game_date >= '2024-01-10'");
    player_ = testing::QuerySql(analytics_,
                                "SELECT MIN(player_lookup) FROM upcoming_player_game_context "
                                "WHERE game_date = '" +
                                    date_ + "'");
    ASSERT_FALSE(date_.empty());
    ASSERT_FALSE(player_.empty());
    original_game_ = Context("game_id");
    original_age_ = Context("player_age");
  }

  std::string Context(const std::string& column) {
    return testing::QuerySql(analytics_, "SELECT " + column +
                                             " FROM upcoming_player_game_context WHERE "
                                             "player_lookup = '" +
                                             player_ + "' AND game_date = '" + date_ +
                                             "' ORDER BY rowid LIMIT 1");
  }

  // Stores a second context row for the player and date, after the first:
  // another game id (sorting before the real one), age 99, 7 days of rest,
  // and `processed_at` (empty: the original's).
  void AddDuplicate(const std::string& processed_at) {
    testing::ExecSql(analytics_,
                     "CREATE TEMP TABLE dup AS SELECT * FROM upcoming_player_game_context "
                     "WHERE player_lookup = '" +
                         player_ + "' AND game_date = '" + date_ +
                         "';"
                         "UPDATE dup SET game_id = '0000000001', player_age = 99, days_rest = 7" +
                         (processed_at.empty() ? "" : ", processed_at = '" + processed_at + "'") +
                         ";"
                         "INSERT INTO upcoming_player_game_context SELECT * FROM dup;");
    ASSERT_EQ(testing::QuerySql(analytics_,
                                "SELECT COUNT(*) FROM upcoming_player_game_context "
                                "WHERE player_lookup = '" +
                                    player_ + "' AND game_date = '" + date_ + "'"),
              "2");
  }

  testing::CommandResult ProcessAll() {
    return testing::RunPhase4(
        {"--warehouse", dir_.str(), "process", "all", "--analysis-date", date_, "--backfill-mode"});
  }

  // What #3, #4 and #5 read of the player's context row.
  struct Read {
    std::string composite_game, cache_age, features_game, features_rest;
  };
  Read Outputs() {
    const fs::path precompute = dir_.path() / "nba_precompute.db";
    const fs::path predictions = dir_.path() / "nba_predictions.db";
    const std::string who = " WHERE player_lookup = '" + player_ + "' AND ";
    EXPECT_EQ(testing::QuerySql(precompute, "SELECT COUNT(*) FROM player_composite_factors" + who +
                                                "game_date = '" + date_ + "'"),
              "1");
    EXPECT_EQ(testing::QuerySql(precompute, "SELECT COUNT(*) FROM player_daily_cache" + who +
                                                "cache_date = '" + date_ + "'"),
              "1");
    EXPECT_EQ(testing::QuerySql(predictions, "SELECT COUNT(*) FROM ml_feature_store_v2" + who +
                                                 "game_date = '" + date_ + "'"),
              "1");
    return {testing::QuerySql(precompute, "SELECT game_id FROM player_composite_factors" + who +
                                              "game_date = '" + date_ + "'"),
            testing::QuerySql(precompute, "SELECT player_age FROM player_daily_cache" + who +
                                              "cache_date = '" + date_ + "'"),
            testing::QuerySql(predictions, "SELECT game_id FROM ml_feature_store_v2" + who +
                                               "game_date = '" + date_ + "'"),
            testing::QuerySql(predictions, "SELECT days_rest FROM ml_feature_store_v2" + who +
                                               "game_date = '" + date_ + "'")};
  }

  testing::TempDir dir_;
  fs::path analytics_;
  std::string date_, player_, original_game_, original_age_;
};

constexpr const char* kDropped =
    "nba_analytics.upcoming_player_game_context, season 2023: 1 duplicate row dropped";

TEST_F(DuplicateRowsTest, TheLatestProcessedAtWinsInEveryProcessor) {
  AddDuplicate("2099-01-01T00:00:00.000000Z");
  auto r = ProcessAll();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find(kDropped), std::string::npos) << r.out << r.err;
  const Read read = Outputs();
  EXPECT_EQ(read.composite_game, "0000000001");
  EXPECT_EQ(read.cache_age, "99");
  EXPECT_EQ(read.features_game, "0000000001");
  EXPECT_EQ(read.features_rest, "7");
}

TEST_F(DuplicateRowsTest, OnEqualProcessedAtTheFirstStoredWinsInEveryProcessor) {
  AddDuplicate("");
  auto r = ProcessAll();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find(kDropped), std::string::npos) << r.out << r.err;
  const Read read = Outputs();
  // The original row, though the duplicate's game id sorts first.
  EXPECT_EQ(read.composite_game, original_game_);
  EXPECT_EQ(read.cache_age, original_age_);
  EXPECT_EQ(read.features_game, original_game_);
  EXPECT_NE(read.features_rest, "7");
}

TEST_F(DuplicateRowsTest, NoDuplicatesNoLogLine) {
  auto r = ProcessAll();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find("duplicate row"), std::string::npos) << r.out << r.err;
  const Read read = Outputs();
  EXPECT_EQ(read.composite_game, original_game_);
  EXPECT_EQ(read.cache_age, original_age_);
}

}  // namespace
}  // namespace phase4::processors
