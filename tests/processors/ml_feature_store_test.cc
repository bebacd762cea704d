// Processor #5, ml_feature_store: the calculator, quality and data_source
// vectors of ml-feature-store.md §10 under the contract's decisions, the
// end-to-end vectors TV1/TV2 through the pure feature function, and compute
// over in-memory inputs (upstream Phase 4 rows built here, so these tests do
// not depend on processors #3 and #4).
#include "processors/ml_feature_store/ml_feature_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "processor_test_util.h"
#include "processors/common/output_row.h"
#include "processors/common/writer.h"
#include "processors/player_composite_factors/player_composite_factors.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

namespace phase4::processors {
namespace {

using test::D;

const TableSchema& S() { return MlFeatureStoreSchema(); }
std::optional<double> Real(const Row& r, const char* c) { return test::RealOf(S(), r, c); }
std::optional<int64_t> Int(const Row& r, const char* c) { return test::IntOf(S(), r, c); }
std::optional<std::string> Text(const Row& r, const char* c) { return test::TextOf(S(), r, c); }

const std::vector<std::string> kNames = {"points_avg_last_5",
                                         "points_avg_last_10",
                                         "points_avg_season",
                                         "points_std_last_10",
                                         "games_in_last_7_days",
                                         "fatigue_score",
                                         "shot_zone_mismatch_score",
                                         "pace_score",
                                         "usage_spike_score",
                                         "rest_advantage",
                                         "injury_risk",
                                         "recent_trend",
                                         "minutes_change",
                                         "opponent_def_rating",
                                         "opponent_pace",
                                         "home_away",
                                         "back_to_back",
                                         "playoff_game",
                                         "pct_paint",
                                         "pct_mid_range",
                                         "pct_three",
                                         "pct_free_throw",
                                         "team_pace",
                                         "team_off_rating",
                                         "team_win_pct"};

// Labels: n4 phase4, n3 phase3, nd default, nc calculated.
std::vector<std::string_view> Labels(int n4, int n3, int nd, int nc) {
  std::vector<std::string_view> v;
  v.insert(v.end(), static_cast<size_t>(n4), "phase4");
  v.insert(v.end(), static_cast<size_t>(n3), "phase3");
  v.insert(v.end(), static_cast<size_t>(nd), "default");
  v.insert(v.end(), static_cast<size_t>(nc), "calculated");
  return v;
}

// ---------------------------------------------------------------- §10.1
TEST(MlFeatureStoreCalculatorTest, RestAdvantage) {
  EXPECT_EQ(RestAdvantage(2, 0), 2.0);
  EXPECT_EQ(RestAdvantage(0, 2), -2.0);
  EXPECT_EQ(RestAdvantage(1, 1), 0.0);
  EXPECT_EQ(RestAdvantage(5, 0), 2.0);  // clamped
  EXPECT_EQ(RestAdvantage(std::nullopt, 1), 0.0);
  EXPECT_EQ(RestAdvantage(1, std::nullopt), 0.0);
}

TEST(MlFeatureStoreCalculatorTest, InjuryRisk) {
  EXPECT_EQ(InjuryRisk("available"), 0.0);
  EXPECT_EQ(InjuryRisk("probable"), 1.0);
  EXPECT_EQ(InjuryRisk("questionable"), 2.0);
  EXPECT_EQ(InjuryRisk("doubtful"), 3.0);
  EXPECT_EQ(InjuryRisk("out"), 3.0);
  EXPECT_EQ(InjuryRisk("QUESTIONABLE"), 2.0);
  EXPECT_EQ(InjuryRisk("day-to-day"), 0.0);
  EXPECT_EQ(InjuryRisk(""), 0.0);
  EXPECT_EQ(InjuryRisk(std::nullopt), 0.0);  // NULL -> "" (recommended)
}

// Decisions 10 and 33 replace the as-shipped rule (A = mean(g0..g2), B =
// mean(g3, g4), diff = B - A) by the fixed one: the as-shipped vectors are
// adapted to recent = mean(g0, g1), older = mean(g2..g4).
TEST(MlFeatureStoreCalculatorTest, RecentTrendFixedRule) {
  const std::vector<double> up{25, 24, 26, 18, 17};  // 24.5 vs 20.33: +4.17
  EXPECT_EQ(RecentTrend(up), 1.0);
  const std::vector<double> down{17, 18, 16, 25, 26};  // 17.5 vs 22.33: -4.83
  EXPECT_EQ(RecentTrend(down), -1.0);
  const std::vector<double> flat{22, 21, 23, 22, 21};  // 21.5 vs 22: -0.5
  EXPECT_EQ(RecentTrend(flat), 0.0);
  const std::vector<double> two{30, 10};
  EXPECT_EQ(RecentTrend(two), 0.0);
  // TV1's newest five: 29 vs 22.67 -> +2 (the as-shipped rule gave -2).
  const std::vector<double> tv1{30, 28, 26, 22, 20, 25, 24, 23, 27, 27};
  EXPECT_EQ(RecentTrend(tv1), 2.0);
  const std::vector<double> big_drop{10, 10, 20, 20, 20};
  EXPECT_EQ(RecentTrend(big_drop), -2.0);
  // Exactly on the thresholds.
  const std::vector<double> plus2{22, 22, 20, 20, 20}, minus5{15, 15, 20, 20, 20};
  EXPECT_EQ(RecentTrend(plus2), 1.0);
  EXPECT_EQ(RecentTrend(minus5), -2.0);
}

TEST(MlFeatureStoreCalculatorTest, MinutesChange) {
  EXPECT_EQ(MinutesChange(36, 28), 2.0);
  EXPECT_EQ(MinutesChange(32, 28), 1.0);
  EXPECT_EQ(MinutesChange(30, 30), 0.0);
  EXPECT_EQ(MinutesChange(24, 32), -2.0);
  EXPECT_EQ(MinutesChange(33, 30), 1.0);  // p = 0.1 exactly in double
  EXPECT_EQ(MinutesChange(22, 20), 1.0);
  EXPECT_EQ(MinutesChange(30, 0), 0.0);
  EXPECT_EQ(MinutesChange(0, 30), 0.0);
  // Decision 35: a ratio of exactly +-0.2 or +-0.1 is on the threshold, where
  // binary arithmetic lands just inside it ((12.6 - 10.5) / 10.5 =
  // 0.19999999999999996 in double).
  auto x = [](double v) { return *Exact::OfStored(v); };
  EXPECT_EQ(MinutesChange(x(12.6), x(10.5)), 2.0);
  EXPECT_EQ(MinutesChange(x(8.4), x(10.5)), -2.0);
  EXPECT_EQ(MinutesChange(x(12.1), 11), 1.0);
  EXPECT_EQ(MinutesChange(x(9.9), 11), -1.0);
  EXPECT_EQ(MinutesChange(x(12.09), 11), 0.0);
  // No Phase 4: the mean of the last-10 minutes (35.3) against 30.
  Phase3Record p3;
  p3.last_minutes = {35, 36, 34, 37, 35, 36, 35, 34, 36, 35};
  p3.minutes_avg_season = 30;
  EXPECT_EQ(BuildFeatures({}, p3).values[12], 1.0);
  // Through the feature function: the daily cache's 12.6 against a season
  // mean of exactly 10.5 (10.4 and 10.6) is +20 %.
  Phase4Record p4;
  p4.minutes_avg_last_10 = 12.6;
  p3.minutes_avg_season = (x(10.4) + x(10.6)) / Exact(2);
  EXPECT_EQ(BuildFeatures(p4, p3).values[12], 2.0);
  // Stored rates become exact fractions: 39.02 % is 0.3902, not
  // 39.02 / 100 = 0.39020000000000005.
  p4.paint_rate_last_10 = 39.02;
  EXPECT_EQ(BuildFeatures(p4, p3).values[18], 0.3902);
}

TEST(MlFeatureStoreCalculatorTest, PctFreeThrow) {
  const std::vector<double> ft1{8, 6, 10, 4, 7, 5, 9, 6, 8, 7};
  const std::vector<double> pts1{28, 24, 32, 20, 26, 22, 30, 25, 29, 27};
  EXPECT_DOUBLE_EQ(PctFreeThrow(ft1, pts1), 70.0 / 263.0);
  EXPECT_NEAR(PctFreeThrow(ft1, pts1), 0.266160, 5e-7);
  const std::vector<double> ft2{12, 10, 11, 13, 12}, pts2{30, 28, 29, 31, 30};
  EXPECT_NEAR(PctFreeThrow(ft2, pts2), 0.391892, 5e-7);
  const std::vector<double> one_ft{5}, one_pts{20};
  EXPECT_EQ(PctFreeThrow(one_ft, one_pts), 0.15);
  const std::vector<double> zeros(5, 0.0);
  EXPECT_EQ(PctFreeThrow(zeros, zeros), 0.15);
  const std::vector<double> ft_hi(5, 8.0), pts_lo(5, 10.0);
  EXPECT_EQ(PctFreeThrow(ft_hi, pts_lo), 0.5);
}

TEST(MlFeatureStoreCalculatorTest, TeamWinPct) {
  EXPECT_EQ(TeamWinPct(6, 8), 0.75);
  EXPECT_EQ(TeamWinPct(2, 8), 0.25);
  EXPECT_EQ(TeamWinPct(3, 6), 0.5);
  EXPECT_EQ(TeamWinPct(2, 2), 0.5);  // fewer than 5 games
  EXPECT_EQ(TeamWinPct(35, 50), 0.7);
}

// ---------------------------------------------------------------- §10.2
TEST(MlFeatureStoreQualityTest, ScoreAndDataSourceVectors) {
  EXPECT_EQ(FeatureQualityScore(Labels(25, 0, 0, 0)), 100.0);
  EXPECT_EQ(FeatureQualityScore(Labels(0, 25, 0, 0)), 75.0);
  EXPECT_EQ(FeatureQualityScore(Labels(0, 0, 25, 0)), 40.0);
  EXPECT_EQ(FeatureQualityScore(Labels(10, 10, 0, 5)), 90.0);
  EXPECT_EQ(FeatureQualityScore(Labels(19, 0, 0, 6)), 100.0);
  EXPECT_EQ(FeatureQualityScore({}), 0.0);
  EXPECT_EQ(DataSourceLabel({}), "unknown");
  EXPECT_EQ(DataSourceLabel(Labels(23, 1, 0, 1)), "phase4");
  EXPECT_EQ(DataSourceLabel(Labels(15, 10, 0, 0)), "phase4_partial");
  EXPECT_EQ(DataSourceLabel(Labels(10, 15, 0, 0)), "phase3");
  EXPECT_EQ(DataSourceLabel(Labels(10, 5, 5, 5)), "mixed");
  // Realistic rows: n3 = 3 and nc = 6 fixed.
  struct Case {
    int n4, nd;
    double score;
    const char* source;
  };
  for (const Case& c : {Case{16, 0, 97.0, "phase4_partial"}, Case{12, 4, 87.4, "mixed"},
                        Case{14, 2, 92.2, "phase4_partial"}, Case{15, 1, 94.6, "phase4_partial"},
                        Case{13, 3, 89.8, "phase4_partial"}, Case{0, 16, 58.6, "mixed"}}) {
    auto l = Labels(c.n4, 3, c.nd, 6);
    EXPECT_DOUBLE_EQ(FeatureQualityScore(l), c.score) << c.n4;
    EXPECT_EQ(DataSourceLabel(l), c.source) << c.n4;
  }
  // No Phase 4 at all, >= 5 PGS games: 0-2 phase3 (n3 = 6).
  auto l = Labels(0, 6, 13, 6);
  EXPECT_DOUBLE_EQ(FeatureQualityScore(l), 62.8);
  EXPECT_EQ(DataSourceLabel(l), "mixed");
  // Fixed steps: phase4->default -2.4, phase4->phase3 -1.0, phase3->default -1.4.
  EXPECT_NEAR(FeatureQualityScore(Labels(15, 3, 1, 6)) - 97.0, -2.4, 1e-9);
  EXPECT_NEAR(FeatureQualityScore(Labels(15, 4, 0, 6)) - 97.0, -1.0, 1e-9);
  EXPECT_NEAR(FeatureQualityScore(Labels(0, 5, 14, 6)) - 62.8, -1.4, 1e-9);
}

// The persisted `quality_tier` of doc/schema-phase4.md (gold/silver/bronze/
// poor/unusable), which replaces the reference's high/medium/low helper.
TEST(MlFeatureStoreQualityTest, Tiers) {
  EXPECT_EQ(QualityTier(97.0), "gold");
  EXPECT_EQ(QualityTier(95.0), "gold");
  EXPECT_EQ(QualityTier(94.6), "silver");
  EXPECT_EQ(QualityTier(75.0), "silver");
  EXPECT_EQ(QualityTier(62.8), "bronze");
  EXPECT_EQ(QualityTier(58.6), "bronze");
  EXPECT_EQ(QualityTier(25.0), "poor");
  EXPECT_EQ(QualityTier(0.0), "unusable");
}

TEST(MlFeatureStoreQualityTest, NamesInOrder) {
  ASSERT_EQ(FeatureNames().size(), kNames.size());
  for (size_t i = 0; i < kNames.size(); ++i) EXPECT_EQ(FeatureNames()[i], kNames[i]) << i;
  EXPECT_EQ(kFeatureVersion, "v1_baseline_25");
  // One REAL column per name, in order, in the output schema.
  int first = S().ColumnIndex("points_avg_last_5");
  for (size_t i = 0; i < kNames.size(); ++i)
    EXPECT_EQ(S().ColumnIndex(kNames[i]), first + static_cast<int>(i)) << kNames[i];
}

std::vector<std::string_view> LabelsOf(const FeatureVector& f) {
  std::vector<std::string_view> l;
  for (FeatureSource s : f.sources) l.push_back(SourceLabel(s));
  return l;
}

// ---------------------------------------------------------------- §10.3
Phase4Record Tv1Phase4() {
  Phase4Record p4;
  p4.points_avg_last_5 = 25.2;
  p4.points_avg_last_10 = 24.8;
  p4.points_avg_season = 24.5;
  p4.points_std_last_10 = 4.23;
  p4.games_in_last_7_days = 3;
  p4.cache_paint_rate_last_10 = 40.0;
  p4.cache_three_pt_rate_last_10 = 30.0;
  p4.team_pace_last_10 = 99.8;
  p4.team_off_rating_last_10 = 115.2;
  p4.minutes_avg_last_10 = 35.0;
  p4.fatigue_score = 75;
  p4.shot_zone_mismatch_score = 3.5;
  p4.pace_score = 1.5;
  p4.usage_spike_score = 0.8;
  p4.paint_rate_last_10 = 35.0;
  p4.mid_range_rate_last_10 = 20.0;
  p4.three_pt_rate_last_10 = 45.0;
  p4.opponent_def_rating = 110.5;
  p4.opponent_pace = 101.2;
  return p4;
}

Phase3Record Tv1Phase3() {
  Phase3Record p3;
  p3.home_game = false;
  p3.back_to_back = false;
  p3.season_phase = "mid";
  p3.days_rest = 1;
  p3.opponent_days_rest = 1;
  p3.player_status = "available";
  p3.last_points = {30, 28, 26, 22, 20, 25, 24, 23, 27, 27};
  p3.last_ft_makes = {8, 8, 7, 7, 7, 7, 7, 7, 7, 7};  // Σ 72
  p3.last_minutes = std::vector<double>(10, 30.0);
  p3.points_avg_season = 25.2;
  p3.minutes_avg_season = 30;
  p3.team_games = 50;
  p3.team_wins = 35;
  return p3;
}

// TV1 with decision 33: f11 = +2 (29 vs 22.67) where the reference had -2.
// The data_hash of TV1 is not reproduced: early_season_flag is FALSE, not
// NULL (decision 30), f11 differs, and feature_names is stored as JSON.
TEST(MlFeatureStoreVectorTest, Tv1AllSourcesPresent) {
  const FeatureVector f = BuildFeatures(Tv1Phase4(), Tv1Phase3());
  const std::array<double, 25> expected{
      25.2, 24.8,  24.5,  4.23,  3.0, 75.0, 3.5, 1.5,  0.8, 0.0,  0.0,
      2.0,  1.0,   110.5, 101.2, 0.0, 0.0,  0.0, 0.35, 0.2, 0.45, 0.2857142857142857,
      99.8, 115.2, 0.7};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(f.values[i], expected[i]) << kNames[i];
  auto labels = LabelsOf(f);
  EXPECT_EQ(FeatureQualityScore(labels), 97.0);
  EXPECT_EQ(DataSourceLabel(labels), "phase4_partial");
  for (int i : {9, 10, 11, 12, 21, 24})
    EXPECT_EQ(f.sources[static_cast<size_t>(i)], FeatureSource::kCalculated) << i;
  for (int i : {15, 16, 17}) EXPECT_EQ(f.sources[static_cast<size_t>(i)], FeatureSource::kPhase3);
}

// ---------------------------------------------------------------- §10.4
TEST(MlFeatureStoreVectorTest, Tv2NoPhase4) {
  Phase3Record p3;
  p3.home_game = true;
  p3.back_to_back = true;
  p3.season_phase = "early";
  p3.days_rest = 0;
  p3.opponent_days_rest = 2;
  p3.player_status = "questionable";
  p3.last_points = {10, 12, 8, 14, 6, 9};
  p3.last_ft_makes = {2, 3, 1, 4, 0, 2};
  p3.last_minutes = {22, 24, 20, 26, 18, 22};
  p3.points_avg_season = 9.5;
  p3.minutes_avg_season = 20;
  p3.team_games = 4;
  p3.team_wins = 3;
  const FeatureVector f = BuildFeatures({}, p3);
  const std::array<double, 25> expected{
      10.0,  59.0 / 6, 9.5, 5.0, 3.0, 50.0, 0.0,  0.0,  0.0,       -2.0,  2.0,   0.0, 1.0,
      112.0, 100.0,    1.0, 1.0, 0.0, 0.30, 0.20, 0.35, 12.0 / 59, 100.0, 112.0, 0.5};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(f.values[i], expected[i]) << kNames[i];
  EXPECT_NEAR(f.values[1], 9.833333, 5e-7);
  EXPECT_NEAR(f.values[21], 0.203390, 5e-7);
  std::set<int> phase3, defaults;
  for (int i = 0; i < 25; ++i) {
    if (f.sources[static_cast<size_t>(i)] == FeatureSource::kPhase3) phase3.insert(i);
    if (f.sources[static_cast<size_t>(i)] == FeatureSource::kDefault) defaults.insert(i);
  }
  EXPECT_EQ(phase3, (std::set<int>{0, 1, 2, 15, 16, 17}));
  EXPECT_EQ(defaults, (std::set<int>{3, 4, 5, 6, 7, 8, 13, 14, 18, 19, 20, 22, 23}));
  auto labels = LabelsOf(f);
  EXPECT_DOUBLE_EQ(FeatureQualityScore(labels), 62.8);
  EXPECT_EQ(DataSourceLabel(labels), "mixed");
}

// Decision 33: a NULL upstream value takes its fallback or default and is
// labelled accordingly; shot zones first, then the daily cache (18, 20).
TEST(MlFeatureStoreVectorTest, NullUpstreamValuesFallBack) {
  Phase4Record p4 = Tv1Phase4();
  p4.paint_rate_last_10.reset();  // the shot-zone row exists with NULL rates
  p4.mid_range_rate_last_10.reset();
  p4.three_pt_rate_last_10.reset();
  p4.fatigue_score.reset();
  p4.points_avg_last_5 = std::nan("");  // NaN never reaches the vector
  Phase3Record p3 = Tv1Phase3();
  const FeatureVector f = BuildFeatures(p4, p3);
  EXPECT_EQ(f.values[18], 0.40);
  EXPECT_EQ(f.sources[18], FeatureSource::kPhase4);
  EXPECT_EQ(f.values[19], 0.20);
  EXPECT_EQ(f.sources[19], FeatureSource::kDefault);
  EXPECT_EQ(f.values[20], 0.30);
  EXPECT_EQ(f.values[5], 50.0);
  EXPECT_EQ(f.sources[5], FeatureSource::kDefault);
  EXPECT_EQ(f.values[0], 25.2);  // Phase 3: mean of the 5 newest games
  EXPECT_EQ(f.sources[0], FeatureSource::kPhase3);
  for (double v : f.values) EXPECT_TRUE(std::isfinite(v));
}

// ------------------------------------------------- compute over inputs
const Date kD = D("2025-01-15");

Row PgsRow(const std::string& player, Date date, int64_t points, int64_t ft, double minutes) {
  test::PlayerGame g;
  g.player = player;
  g.upid = player + "_001";
  g.team = "LAL";
  g.opponent = "GSW";
  g.date = date;
  g.minutes = minutes;
  Row r = test::PlayerRow(g);
  const TableSchema& s = PlayerGameSummarySchema();
  r[static_cast<size_t>(s.ColumnIndex("points"))] = points;
  r[static_cast<size_t>(s.ColumnIndex("ft_makes"))] = ft;
  return r;
}

Row OffenseRow(Date date, bool win) {
  RowBuilder b(TeamOffenseGameSummarySchema());
  b.Set("game_id", FormatCompactDate(date) + "_GSW_LAL")
      .Set("game_date", FormatDate(date))
      .Set("team_abbr", std::string("LAL"))
      .Set("opponent_team_abbr", std::string("GSW"))
      .Set("season_year", int64_t{SeasonYearOf(date)})
      .Set("home_game", int64_t{1})
      .Set("win_flag", int64_t{win ? 1 : 0})
      .Set("processed_at", std::string("2025-01-01T00:00:00.000000Z"));
  return b.Build();
}

Row ContextRow(const std::string& player,
               const std::string& processed_at = "2025-01-15T08:00:00Z") {
  RowBuilder b(UpcomingPlayerGameContextSchema());
  b.Set("player_lookup", player)
      .Set("universal_player_id", player + "_001")
      .Set("game_id", FormatCompactDate(kD) + "_LAL_GSW")
      .Set("game_date", FormatDate(kD))
      .Set("team_abbr", std::string("LAL"))
      .Set("opponent_team_abbr", std::string("GSW"))
      .Set("home_game", int64_t{0})
      .Set("back_to_back", int64_t{0})
      .Set("season_phase", std::string("regular_season"))
      .Set("days_rest", int64_t{2})
      .Set("opponent_days_rest", int64_t{1})
      .Set("player_status", std::string("available"))
      .Set("processed_at", processed_at);
  return b.Build();
}

Row UpstreamRow(const TableSchema& s, const std::string& key_col, const std::string& key,
                const char* date_col, std::vector<std::pair<const char*, Value>> cells) {
  RowBuilder b(s);
  b.Set(key_col, key)
      .Set(date_col, FormatDate(kD))
      .Set("is_production_ready", int64_t{1})
      .Set("data_hash", std::string("hash_") + key)
      .Set("processed_at", std::string("2025-01-15T07:00:00.000000Z"));
  for (auto& [c, v] : cells) b.Set(c, v);
  return b.Build();
}

// LAL's 10 games before D (wins in 7), lebronjames played all of them
// (TV1's points, 30 minutes each), `bench` played 6 (TV2's games), `rookie`
// none. Phase 4 rows exist for lebronjames and the opponent GSW only.
struct Scenario {
  test::ScheduleBuilder schedule;
  std::vector<Row> pgs, offense, context;
  std::map<std::string, std::vector<Row>, std::less<>> upstream;

  Scenario() {
    const std::vector<int64_t> lbj{30, 28, 26, 22, 20, 25, 24, 23, 27, 27};  // newest first
    const std::vector<int64_t> lbj_ft{8, 8, 7, 7, 7, 7, 7, 7, 7, 7};
    const std::vector<int64_t> bench{10, 12, 8, 14, 6, 9}, bench_ft{2, 3, 1, 4, 0, 2};
    const std::vector<double> bench_min{22, 24, 20, 26, 18, 22};
    schedule.Game(D("2024-10-22"), "NYK", "BOS");
    for (int i = 1; i <= 10; ++i) {
      const Date g = AddDays(kD, -2 * i);
      schedule.Game(g, "LAL", "GSW");
      offense.push_back(OffenseRow(g, i <= 7));
      pgs.push_back(PgsRow("lebronjames", g, lbj[static_cast<size_t>(i - 1)],
                           lbj_ft[static_cast<size_t>(i - 1)], 30.0));
      if (i <= 6)
        pgs.push_back(PgsRow("bench", g, bench[static_cast<size_t>(i - 1)],
                             bench_ft[static_cast<size_t>(i - 1)],
                             bench_min[static_cast<size_t>(i - 1)]));
    }
    schedule.Game(kD, "GSW", "LAL");
    context = {ContextRow("lebronjames"), ContextRow("bench"), ContextRow("rookie")};
    upstream["player_daily_cache"] = {UpstreamRow(PlayerDailyCacheSchema(), "player_lookup",
                                                  "lebronjames", "cache_date",
                                                  {{"points_avg_last_5", 25.2},
                                                   {"points_avg_last_10", 24.8},
                                                   {"points_avg_season", 24.5},
                                                   {"points_std_last_10", 4.23},
                                                   {"games_in_last_7_days", int64_t{3}},
                                                   {"paint_rate_last_10", 40.0},
                                                   {"three_pt_rate_last_10", 30.0},
                                                   {"team_pace_last_10", 99.8},
                                                   {"team_off_rating_last_10", 115.2},
                                                   {"minutes_avg_last_10", 35.0}})};
    upstream["player_composite_factors"] = {UpstreamRow(PlayerCompositeFactorsSchema(),
                                                        "player_lookup", "lebronjames", "game_date",
                                                        {{"game_id", std::string("x")},
                                                         {"fatigue_score", int64_t{75}},
                                                         {"shot_zone_mismatch_score", 3.5},
                                                         {"pace_score", 1.5},
                                                         {"usage_spike_score", 0.8}})};
    upstream["player_shot_zone_analysis"] = {
        UpstreamRow(PlayerShotZoneAnalysisSchema(), "player_lookup", "lebronjames", "analysis_date",
                    {{"paint_rate_last_10", 35.0},
                     {"mid_range_rate_last_10", 20.0},
                     {"three_pt_rate_last_10", 45.0}})};
    upstream["team_defense_zone_analysis"] = {
        UpstreamRow(TeamDefenseZoneAnalysisSchema(), "team_abbr", "GSW", "analysis_date",
                    {{"defensive_rating_last_15", 110.5}, {"opponent_pace", 101.2}})};
  }

  std::vector<Row> Compute() const {
    auto in = test::MakeInputs(schedule, SeasonYearOf(kD),
                               {{std::string(kPlayerGameSummary), pgs},
                                {std::string(kTeamOffenseGameSummary), offense},
                                {std::string(kUpcomingPlayerGameContext), context}});
    ProcessorInputs pi = in.For(kD);
    for (const auto& name : MlFeatureStoreInfo().phase4_upstreams) {
      auto it = upstream.find(name);
      pi.upstream[name] = it == upstream.end() ? std::vector<Row>{} : it->second;
    }
    auto out = ComputeMlFeatureStore(kD, pi);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? *out : std::vector<Row>{};
  }
};

const Row* Player(const std::vector<Row>& rows, const std::string& p) {
  return test::FindRow(S(), rows, "player_lookup", p);
}

std::vector<double> FeaturesOf(const Row& r) {
  auto j = nlohmann::json::parse(*Text(r, "features"));
  return j.get<std::vector<double>>();
}

// §10.5 invariants of one computed row.
void ExpectInvariants(const Row& r, Date d) {
  SCOPED_TRACE(*Text(r, "player_lookup"));
  EXPECT_EQ(Text(r, "game_date"), FormatDate(d));
  EXPECT_EQ(Int(r, "feature_count"), 25);
  EXPECT_EQ(Text(r, "feature_version"), "v1_baseline_25");
  auto names = nlohmann::json::parse(*Text(r, "feature_names")).get<std::vector<std::string>>();
  EXPECT_EQ(names, kNames);
  auto sources = nlohmann::json::parse(*Text(r, "feature_sources")).get<std::vector<std::string>>();
  ASSERT_EQ(sources.size(), 25u);
  const std::vector<double> f = FeaturesOf(r);
  ASSERT_EQ(f.size(), 25u);
  for (size_t i = 0; i < 25; ++i) {
    auto col = Real(r, kNames[i].c_str());
    ASSERT_TRUE(col.has_value()) << kNames[i];
    EXPECT_TRUE(std::isfinite(f[i])) << kNames[i];
    EXPECT_EQ(*col, f[i]) << kNames[i];  // the column equals the array element
  }
  auto in = [](double v, std::set<double> s) { return s.count(v) == 1; };
  for (int i : {9, 11, 12}) EXPECT_TRUE(in(f[static_cast<size_t>(i)], {-2, -1, 0, 1, 2})) << i;
  EXPECT_TRUE(in(f[10], {0, 1, 2, 3}));
  for (int i : {15, 16, 17}) EXPECT_TRUE(in(f[static_cast<size_t>(i)], {0, 1})) << i;
  EXPECT_GE(f[21], 0.0);
  EXPECT_LE(f[21], 0.5);
  EXPECT_GE(f[24], 0.0);
  EXPECT_LE(f[24], 1.0);
  for (int i : {9, 10, 11, 12, 21, 24}) EXPECT_EQ(sources[static_cast<size_t>(i)], "calculated");
  for (int i : {15, 16, 17}) EXPECT_EQ(sources[static_cast<size_t>(i)], "phase3");
  if (sources[5] != "phase4") {
    EXPECT_EQ(f[5], 50.0);
    EXPECT_EQ(f[6], 0.0);
    EXPECT_EQ(f[7], 0.0);
    EXPECT_EQ(f[8], 0.0);
  }
  int n4 = 0, n3 = 0, nd = 0;
  for (const auto& s : sources) {
    n4 += s == "phase4";
    n3 += s == "phase3";
    nd += s == "default";
  }
  EXPECT_EQ(n4 + n3 + nd, 19);
  EXPECT_GE(n3, 3);
  EXPECT_LE(n3, 6);
  const double q = *Real(r, "feature_quality_score");
  EXPECT_DOUBLE_EQ(q, (100.0 * n4 + 75.0 * n3 + 40.0 * nd + 600) / 25);
  EXPECT_GE(q, 58.6);
  EXPECT_LE(q, 97.0);
  EXPECT_NEAR(q * 5, std::round(q * 5), 1e-9);  // a multiple of 0.2
  const std::string ds = *Text(r, "data_source");
  EXPECT_TRUE(ds == "phase4_partial" || ds == "mixed") << ds;
  EXPECT_EQ(Text(r, "quality_tier"), QualityTier(q));
}

TEST(MlFeatureStoreComputeTest, OneRowPerContextPlayerWithDocumentedScores) {
  Scenario s;
  s.context.push_back(ContextRow("bench", "2025-01-15T09:00:00Z"));  // a duplicate: deduplicated
  auto rows = s.Compute();
  ASSERT_EQ(rows.size(), 3u);
  for (const Row& r : rows) ExpectInvariants(r, kD);

  // Everything present: the documented maximum 97.0.
  const Row* lbj = Player(rows, "lebronjames");
  ASSERT_TRUE(lbj);
  const std::vector<double> f = FeaturesOf(*lbj);
  const std::vector<double> expected{
      25.2, 24.8,  24.5,  4.23,  3.0, 75.0, 3.5, 1.5,  0.8, 0.0,  0.0,
      2.0,  1.0,   110.5, 101.2, 0.0, 0.0,  0.0, 0.35, 0.2, 0.45, 0.2857142857142857,
      99.8, 115.2, 0.7};
  // f9: days_rest 2 vs 1 -> +1 here (TV1 had 1 vs 1).
  std::vector<double> want = expected;
  want[9] = 1.0;
  EXPECT_EQ(f, want);
  EXPECT_EQ(*Real(*lbj, "feature_quality_score"), 97.0);
  EXPECT_EQ(Text(*lbj, "data_source"), "phase4_partial");
  EXPECT_EQ(Text(*lbj, "quality_tier"), "gold");
  EXPECT_EQ(Text(*lbj, "opponent_team_abbr"), "GSW");
  EXPECT_EQ(Int(*lbj, "is_home"), 0);
  EXPECT_EQ(Int(*lbj, "days_rest"), 2);
  EXPECT_EQ(Int(*lbj, "early_season_flag"), 0);
  EXPECT_FALSE(Text(*lbj, "insufficient_data_reason").has_value());
  EXPECT_EQ(Text(*lbj, "source_daily_cache_hash"), "hash_lebronjames");
  EXPECT_EQ(Text(*lbj, "source_team_defense_hash"), "hash_GSW");
  EXPECT_EQ(Int(*lbj, "source_team_defense_rows_found"), 1);
  EXPECT_EQ(Real(*lbj, "source_team_defense_completeness_pct"), 5.0);  // 1 of 20
  EXPECT_EQ(Int(*lbj, "is_production_ready"), 1);
  EXPECT_EQ(Text(*lbj, "data_quality_issues"), "[]");

  // No Phase 4 rows, 6 played games: Phase 3 for 0-2, defaults elsewhere.
  const Row* bench = Player(rows, "bench");
  ASSERT_TRUE(bench);
  const std::vector<double> fb = FeaturesOf(*bench);
  EXPECT_EQ(fb[0], 10.0);
  EXPECT_EQ(fb[1], 59.0 / 6);
  EXPECT_EQ(fb[2], 59.0 / 6);
  EXPECT_EQ(fb[3], 5.0);
  EXPECT_EQ(fb[13], 110.5);  // the opponent's defence is a team row: present
  EXPECT_EQ(fb[21], 12.0 / 59);
  EXPECT_FALSE(Text(*bench, "source_daily_cache_hash").has_value());
  EXPECT_EQ(Int(*bench, "is_production_ready"), 0);
  // n4 = 2 (13, 14), n3 = 6, nd = 11: (200 + 450 + 440 + 600) / 25.
  EXPECT_DOUBLE_EQ(*Real(*bench, "feature_quality_score"), 67.6);
  EXPECT_EQ(Text(*bench, "data_source"), "mixed");
  EXPECT_EQ(Int(*bench, "early_season_flag"), 1);
  EXPECT_EQ(Text(*bench, "insufficient_data_reason"), "Only 6 games played, need 10 minimum");

  // Rookie debut: no Phase 4 row, no game.
  const Row* rookie = Player(rows, "rookie");
  ASSERT_TRUE(rookie);
  const std::vector<double> fr = FeaturesOf(*rookie);
  EXPECT_EQ(fr[0], 10.0);
  EXPECT_EQ(fr[11], 0.0);
  EXPECT_EQ(fr[21], 0.15);
  EXPECT_EQ(fr[24], 0.7);  // the team's record still counts
  EXPECT_EQ(Text(*rookie, "insufficient_data_reason"), "Only 0 games played, need 10 minimum");
}

// No Phase 4 rows at all (not even the opponent's): the documented floor
// scores of §10.2 (62.8 with >= 5 games, 58.6 for a debut).
TEST(MlFeatureStoreComputeTest, NoPhase4RowsGivesDefaultsAndLowerScore) {
  Scenario s;
  s.upstream.clear();
  auto rows = s.Compute();
  ASSERT_EQ(rows.size(), 3u);
  for (const Row& r : rows) ExpectInvariants(r, kD);
  EXPECT_DOUBLE_EQ(*Real(*Player(rows, "bench"), "feature_quality_score"), 62.8);
  EXPECT_DOUBLE_EQ(*Real(*Player(rows, "rookie"), "feature_quality_score"), 58.6);
  const Row* lbj = Player(rows, "lebronjames");
  const std::vector<double> f = FeaturesOf(*lbj);
  EXPECT_EQ(f[0], 25.2);  // Phase 3 L5: (30+28+26+22+20)/5
  EXPECT_EQ(f[1], 25.2);  // Phase 3 L10: 252/10
  EXPECT_EQ(f[3], 5.0);
  EXPECT_EQ(f[5], 50.0);
  EXPECT_EQ(f[13], 112.0);
  EXPECT_EQ(f[14], 100.0);
  EXPECT_EQ(f[18], 0.30);
  EXPECT_EQ(f[19], 0.20);
  EXPECT_EQ(f[20], 0.35);
  EXPECT_EQ(f[22], 100.0);
  EXPECT_EQ(f[23], 112.0);
  EXPECT_EQ(f[12], 0.0);  // recent 30 vs season 30
  EXPECT_DOUBLE_EQ(*Real(*lbj, "feature_quality_score"), 62.8);
  EXPECT_EQ(Text(*lbj, "data_source"), "mixed");
  EXPECT_FALSE(Int(*lbj, "source_daily_cache_rows_found").has_value());
  EXPECT_FALSE(Text(*lbj, "source_daily_cache_last_updated").has_value());
  EXPECT_EQ(Text(*lbj, "data_quality_issues"),
            "[\"upstream_player_daily_cache_incomplete\", "
            "\"upstream_player_composite_factors_incomplete\", "
            "\"upstream_player_shot_zone_incomplete\", \"upstream_team_defense_zone_incomplete\"]");
}

// Decision 5: the player's game on D (its box score) never changes the row
// for D.
TEST(MlFeatureStoreComputeTest, NoLeakageFromTheGameOnD) {
  Scenario s;
  const auto before = s.Compute();
  s.pgs.push_back(PgsRow("lebronjames", kD, 50, 20, 44.0));
  s.pgs.push_back(PgsRow("rookie", kD, 31, 9, 38.0));
  s.offense.push_back(OffenseRow(kD, false));
  const auto with_game = s.Compute();
  s.pgs[s.pgs.size() - 2] = PgsRow("lebronjames", kD, 2, 0, 10.0);
  const auto changed = s.Compute();
  EXPECT_TRUE(before == with_game);
  EXPECT_TRUE(before == changed);
}

// The writer accepts the rows: every NOT NULL column is set, one row per
// key, a 16-hex data_hash, the quality score at 2 decimals.
TEST(MlFeatureStoreComputeTest, RowsFinalize) {
  Scenario s;
  auto rows = s.Compute();
  Status st = FinalizeRows(MlFeatureStoreInfo(), kD, rows, "2025-01-15T12:00:00.000000Z");
  ASSERT_TRUE(st.ok()) << st.message();
  for (const Row& r : rows) {
    auto h = Text(r, "data_hash");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->size(), 16u);
    EXPECT_EQ(h->find_first_not_of("0123456789abcdef"), std::string::npos);
  }
  // Deterministic: the same inputs give the same hashes.
  auto again = s.Compute();
  ASSERT_TRUE(FinalizeRows(MlFeatureStoreInfo(), kD, again, "2025-01-16T12:00:00.000000Z").ok());
  for (size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(Text(rows[i], "data_hash"), Text(again[i], "data_hash"));
}

TEST(MlFeatureStoreComputeTest, Declaration) {
  const ProcessorInfo& info = MlFeatureStoreInfo();
  EXPECT_EQ(info.name, "ml_feature_store");
  EXPECT_EQ(info.order, 5);
  EXPECT_EQ(info.output->FullName(), "nba_predictions.ml_feature_store_v2");
  EXPECT_EQ(info.date_column, "game_date");
  EXPECT_EQ(info.phase4_upstreams,
            (std::vector<std::string>{"team_defense_zone_analysis", "player_shot_zone_analysis",
                                      "player_composite_factors", "player_daily_cache"}));
  EXPECT_EQ(info.required_same_date,
            std::vector<std::string>{"nba_analytics.upcoming_player_game_context"});
  EXPECT_EQ(info.required_previous_game_date,
            (std::vector<std::string>{"nba_analytics.player_game_summary",
                                      "nba_analytics.team_offense_game_summary"}));
  EXPECT_EQ(info.upstream_table, "nba_analytics.player_game_summary");
  EXPECT_EQ(info.lookback_game_dates, 10);
  EXPECT_EQ(info.hash_fields.size(), 15u);
}

}  // namespace
}  // namespace phase4::processors
