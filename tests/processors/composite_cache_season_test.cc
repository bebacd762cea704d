// Processors #3 and #4 over a generated season: the real binary generates the
// 2023-24 season into a warehouse once; #1..#4 then run over every game date
// of the season in order (what run-all does), and every player of each
// date's upcoming context must have exactly one row in #3 and #4, with every
// score inside its documented range.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "phase3/schedule_store.h"
#include "processors/common/season_inputs.h"
#include "processors/player_composite_factors/player_composite_factors.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "execution/run_date.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"
#include "test_support.h"
#include "warehouse/sqlite_warehouse.h"

namespace phase4::processors {
namespace {

class CompositeCacheSeasonTest : public ::testing::Test {
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
  static std::string Hashes(SqliteWarehouse& wh, const std::string& table,
                            const std::string& date_col, const std::string& d) {
    auto st = wh.Prepare("SELECT player_lookup || ':' || data_hash FROM " + table + " WHERE " +
                         date_col + " = '" + d + "' ORDER BY player_lookup");
    EXPECT_TRUE(st.ok());
    std::string out;
    while (st.ok() && st->Step()) out += st->ColumnText(0) + "|";
    return out;
  }

  static testing::TempDir* dir_;
  static bool generated_;
  static std::string generate_error_;
};

testing::TempDir* CompositeCacheSeasonTest::dir_ = nullptr;
bool CompositeCacheSeasonTest::generated_ = false;
std::string CompositeCacheSeasonTest::generate_error_;

TEST_F(CompositeCacheSeasonTest, EveryGameDateOfTheSeason) {
  auto wh = Open();
  auto calendar = phase3::ReadCalendar(*wh);
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  execution::InputReader reader(*wh, *calendar);
  const auto dates = calendar->GameDates(MakeDate(2023, 10, 1), MakeDate(2024, 9, 30));
  ASSERT_GT(dates.size(), 150u);
  const std::string upcg = "nba_analytics.upcoming_player_game_context";
  const std::string pcf = "nba_precompute.player_composite_factors";
  const std::string pdc = "nba_precompute.player_daily_cache";
  execution::RunOptions options;
  options.processed_at = "2024-07-01T00:00:00.000000Z";
  int computed = 0;
  int64_t expected_rows = 0;
  const std::vector<const ProcessorInfo*> jobs = {
      &TeamDefenseZoneAnalysisInfo(), &PlayerShotZoneAnalysisInfo(), &PlayerCompositeFactorsInfo(),
      &PlayerDailyCacheInfo()};
  // The columns all four read, loaded once (as `phase4 process all` does):
  // otherwise a table is read again when a job needs columns an earlier job
  // did not list.
  auto reads = execution::Phase3Reads(jobs);
  ASSERT_TRUE(reads.ok()) << reads.status().message();
  ASSERT_TRUE(reader.Season(2023, *reads).ok());
  for (Date d : dates) {
    const std::string ds = FormatDate(d);
    const int64_t players = calendar->IsBootstrap(d)
                                ? 0
                                : Scalar(*wh, "SELECT COUNT(DISTINCT player_lookup) FROM " + upcg +
                                                  " WHERE game_date = '" + ds + "'");
    for (const ProcessorInfo* info : jobs) {
      auto out = execution::RunProcessorDate(reader, *info, d, options);
      ASSERT_TRUE(out.ok()) << info->name << " " << ds << ": " << out.status().message();
      EXPECT_EQ(out->bootstrap, calendar->IsBootstrap(d));
      if (out->bootstrap || info->order < 3) continue;
      // Every player of the date's context, once.
      EXPECT_EQ(out->rows_written, players) << info->name << " " << ds;
    }
    if (!calendar->IsBootstrap(d)) {
      ++computed;
      expected_rows += players;
    }
  }
  // Each Phase 3 table was read once for the whole season.
  EXPECT_EQ(reader.table_reads(), 5);

  for (const auto& [table, date_col] :
       {std::pair<std::string, std::string>{pcf, "game_date"}, {pdc, "cache_date"}}) {
    EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + table), expected_rows) << table;
    EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM (SELECT 1 FROM " + table + " GROUP BY " + date_col +
                              ", player_lookup HAVING COUNT(*) > 1)"),
              0)
        << table;
    // Every row's player is in the context of its date.
    EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + table + " t WHERE NOT EXISTS (SELECT 1 FROM " +
                              upcg + " u WHERE u.game_date = t." + date_col +
                              " AND u.player_lookup = t.player_lookup)"),
              0)
        << table;
    EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + table +
                              " WHERE early_season_flag IS NULL OR data_hash IS NULL"),
              0);
  }

  auto count = [&](const std::string& table, const std::string& where) {
    return Scalar(*wh, "SELECT COUNT(*) FROM " + table + " WHERE " + where);
  };
  // #3: every score in its documented range, never NULL.
  EXPECT_EQ(count(pcf, "fatigue_score IS NULL OR fatigue_score < 35 OR fatigue_score > 100"), 0);
  EXPECT_EQ(count(pcf, "shot_zone_mismatch_score IS NULL OR ABS(shot_zone_mismatch_score) > 10"),
            0);
  EXPECT_EQ(count(pcf,
                  "ABS(shot_zone_mismatch_score) > 5.05 AND "
                  "ABS(shot_zone_mismatch_score) < 5.95"),
            0);
  EXPECT_EQ(count(pcf, "pace_score IS NULL OR ABS(pace_score) > 3"), 0);
  EXPECT_EQ(count(pcf, "usage_spike_score IS NULL OR ABS(usage_spike_score) > 3"), 0);
  EXPECT_EQ(count(pcf,
                  "total_composite_adjustment IS NULL OR total_composite_adjustment < -19.25 "
                  "OR total_composite_adjustment > 16"),
            0);
  EXPECT_EQ(count(pcf,
                  "ABS(total_composite_adjustment - ((fatigue_score - 100) / 20.0 + "
                  "shot_zone_mismatch_score + pace_score + usage_spike_score)) > 0.16"),
            0);
  EXPECT_EQ(count(pcf,
                  "referee_favorability_score <> 0 OR look_ahead_pressure_score <> 0 OR "
                  "travel_impact_score <> 0 OR opponent_strength_score <> 0"),
            0);
  EXPECT_EQ(count(pcf, "game_date <> analysis_date"), 0);
  EXPECT_EQ(count(pcf, "data_completeness_pct NOT IN (0, 20, 40, 60, 80, 100)"), 0);
  EXPECT_EQ(count(pcf, "has_warnings <> (warning_details IS NOT NULL)"), 0);
  EXPECT_EQ(count(pcf, "is_production_ready = 1 AND all_upstreams_ready = 0"), 0);
  // The generated context has #1 rows for every opponent after bootstrap.
  EXPECT_EQ(count(pcf, "upstream_team_defense_ready IS NULL"), 0);

  // #4: ranges and invariants.
  EXPECT_EQ(count(pdc,
                  "games_played_season IS NULL OR games_played_season < 0 OR "
                  "games_played_season > 82"),
            0);
  EXPECT_EQ(count(pdc, "early_season_flag <> (games_played_season < 10)"), 0);
  EXPECT_EQ(count(pdc, "assisted_rate_last_10 < 0 OR assisted_rate_last_10 > 1"), 0);
  EXPECT_EQ(count(pdc, "ts_pct_last_10 < 0 OR ts_pct_last_10 > 1.5"), 0);
  EXPECT_EQ(count(pdc,
                  "points_avg_last_5 < 0 OR points_avg_last_10 < 0 OR points_avg_season < 0 "
                  "OR points_std_last_10 < 0"),
            0);
  EXPECT_EQ(count(pdc, "games_played_season > 0 AND points_avg_season IS NULL"), 0);
  EXPECT_EQ(count(pdc, "games_played_season = 0 AND points_avg_season IS NOT NULL"), 0);
  for (const char* w : {"l5", "l10", "l7d", "l14d"}) {
    const std::string pct = std::string(w) + "_completeness_pct";
    EXPECT_EQ(count(pdc, pct + " < 0 OR " + pct + " > 100"), 0) << w;
    EXPECT_EQ(count(pdc, std::string(w) + "_is_complete <> (" + pct + " >= 90)"), 0) << w;
  }
  EXPECT_EQ(count(pdc,
                  "all_windows_complete <> (l5_is_complete AND l10_is_complete AND "
                  "l7d_is_complete AND l14d_is_complete)"),
            0);
  EXPECT_EQ(count(pdc, "is_production_ready <> all_windows_complete"), 0);
  EXPECT_EQ(count(pdc, "cache_quality_score <> l5_completeness_pct"), 0);
  EXPECT_EQ(count(pdc, "team_pace_last_10 < 80 OR team_pace_last_10 > 130"), 0);
  EXPECT_EQ(count(pdc,
                  "shot_zone_data_available = 0 AND (primary_scoring_zone IS NOT NULL OR "
                  "paint_rate_last_10 IS NOT NULL OR three_pt_rate_last_10 IS NOT NULL)"),
            0);
  // The fatigue columns equal the context's.
  EXPECT_EQ(Scalar(*wh, "SELECT COUNT(*) FROM " + pdc + " c JOIN " + upcg +
                            " u ON u.game_date = c.cache_date AND u.player_lookup = "
                            "c.player_lookup WHERE c.games_in_last_7_days IS NOT "
                            "u.games_in_last_7_days OR c.player_age IS NOT u.player_age"),
            0);

  // Re-running a date is idempotent: the same rows, the same hashes.
  const Date again = MakeDate(2024, 2, 1);
  const std::string before3 = Hashes(*wh, pcf, "game_date", "2024-02-01");
  const std::string before4 = Hashes(*wh, pdc, "cache_date", "2024-02-01");
  ASSERT_FALSE(before3.empty());
  for (const ProcessorInfo* info : {&PlayerCompositeFactorsInfo(), &PlayerDailyCacheInfo()}) {
    auto out = execution::RunProcessorDate(reader, *info, again, options);
    ASSERT_TRUE(out.ok()) << out.status().message();
  }
  EXPECT_EQ(Hashes(*wh, pcf, "game_date", "2024-02-01"), before3);
  EXPECT_EQ(Hashes(*wh, pdc, "cache_date", "2024-02-01"), before4);

  std::printf("[season 2023-24] game dates %zu, computed %d, %s rows %lld, %s rows %lld\n",
              dates.size(), computed, pcf.c_str(),
              static_cast<long long>(Scalar(*wh, "SELECT COUNT(*) FROM " + pcf)), pdc.c_str(),
              static_cast<long long>(Scalar(*wh, "SELECT COUNT(*) FROM " + pdc)));
}

}  // namespace
}  // namespace phase4::processors
