// Processor #5 over the generated 2023-24 season: #1-#5 run for every game
// date in order (the real upstream rows), and #5 writes exactly one row per
// player of the upcoming context of each computed date, every row holding
// 25 finite features. Needs processors #3 and #4 registered; skipped (with
// a message) when they are not.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "phase3/schedule_store.h"
#include "processors/ml_feature_store/ml_feature_store.h"
#include "processors/registry.h"
#include "execution/run_date.h"
#include "test_support.h"
#include "warehouse/sqlite_warehouse.h"

namespace phase4::processors {
namespace {

class MlFeatureStoreSeasonTest : public ::testing::Test {
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

testing::TempDir* MlFeatureStoreSeasonTest::dir_ = nullptr;
bool MlFeatureStoreSeasonTest::generated_ = false;
std::string MlFeatureStoreSeasonTest::generate_error_;

TEST_F(MlFeatureStoreSeasonTest, OneRowPerContextPlayerOnEveryGameDate) {
  ASSERT_TRUE(generated_) << "phase4 generate failed: " << generate_error_;
  std::vector<const ProcessorInfo*> chain;
  for (const char* name : {"team_defense_zone_analysis", "player_shot_zone_analysis",
                           "player_composite_factors", "player_daily_cache", "ml_feature_store"}) {
    const ProcessorInfo* p = FindProcessor(name);
    if (!p) GTEST_SKIP() << "processor " << name << " is not registered yet";
    chain.push_back(p);
  }
  auto wh = std::move(SqliteWarehouse::Open(dir_->str(), false)).value();
  auto calendar = phase3::ReadCalendar(*wh);
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  execution::InputReader reader(*wh, *calendar);
  const auto dates = calendar->GameDates(MakeDate(2023, 10, 1), MakeDate(2024, 9, 30));
  ASSERT_GT(dates.size(), 150u);
  execution::RunOptions options;
  options.processed_at = "2024-07-01T00:00:00.000000Z";
  int computed = 0;
  for (Date d : dates) {
    for (const ProcessorInfo* info : chain) {
      auto out = execution::RunProcessorDate(reader, *info, d, options);
      ASSERT_TRUE(out.ok()) << info->name << " " << FormatDate(d) << ": " << out.status().message();
    }
    if (calendar->IsBootstrap(d)) continue;
    ++computed;
  }

  const std::string fs = "nba_predictions.ml_feature_store_v2";
  // Exactly one row per distinct context player, on every computed date.
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(DISTINCT game_date) FROM " + fs), computed);
  EXPECT_EQ(
      Scalar(*wh,
             "SELECT COUNT(*) FROM (SELECT c.game_date, COUNT(DISTINCT c.player_lookup) AS n, "
             "(SELECT COUNT(*) FROM " +
                 fs +
                 " f WHERE f.game_date = c.game_date) AS m "
                 "FROM nba_analytics.upcoming_player_game_context c "
                 "WHERE c.game_date IN (SELECT DISTINCT game_date FROM " +
                 fs + ") GROUP BY c.game_date HAVING n <> m)"),
      0);
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM (SELECT 1 FROM " + fs +
                            " GROUP BY game_date, player_lookup HAVING COUNT(*) > 1)"),
            0);
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + fs +
                            " f LEFT JOIN nba_analytics.upcoming_player_game_context c "
                            "ON c.game_date = f.game_date AND c.player_lookup = f.player_lookup "
                            "WHERE c.player_lookup IS NULL"),
            0);
  // Every row: 25 named, finite features; the named columns equal the array.
  auto st = wh->Prepare(
      "SELECT features, feature_names, feature_count, feature_quality_score, "
      "data_source, points_avg_last_5, team_win_pct, recent_trend FROM " +
      fs);
  ASSERT_TRUE(st.ok());
  int64_t rows = 0, bad = 0;
  double min_q = 1e9, max_q = -1;
  while (st->Step()) {
    ++rows;
    auto f = nlohmann::json::parse(st->ColumnText(0));
    auto n = nlohmann::json::parse(st->ColumnText(1));
    bool ok = f.size() == 25 && n.size() == 25 && st->ColumnInt(2) == 25;
    for (size_t i = 0; ok && i < 25; ++i) {
      ok = f[i].is_number() && std::isfinite(f[i].get<double>()) &&
           n[i].get<std::string>() == FeatureNames()[i];
    }
    ok = ok && f[0].get<double>() == st->ColumnReal(5) &&
         f[24].get<double>() == st->ColumnReal(6) && f[11].get<double>() == st->ColumnReal(7);
    const std::string ds = st->ColumnText(4);
    ok = ok && (ds == "phase4_partial" || ds == "mixed");
    min_q = std::min(min_q, st->ColumnReal(3));
    max_q = std::max(max_q, st->ColumnReal(3));
    if (!ok) ++bad;
  }
  EXPECT_EQ(bad, 0);
  EXPECT_GE(min_q, 58.6);
  EXPECT_LE(max_q, 97.0);
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + fs +
                            " WHERE early_season_flag IS NULL OR data_hash IS NULL"),
            0);
  std::printf(
      "[season 2023-24] game dates %zu, computed %d, %s rows %lld, quality %.1f-%.1f, "
      "rows at 97.0: %lld\n",
      dates.size(), computed, fs.c_str(), static_cast<long long>(rows), min_q, max_q,
      static_cast<long long>(
          Scalar(*wh, "SELECT COUNT(*) FROM " + fs + " WHERE feature_quality_score = 97")));
}

}  // namespace
}  // namespace phase4::processors
