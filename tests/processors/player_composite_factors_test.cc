// Processor #3, player_composite_factors: the test vectors and invariants of
// composite-and-cache.md §5.1 under the contract's decisions, and every
// factor's boundaries.
#include "processors/player_composite_factors/player_composite_factors.h"

#include <gtest/gtest.h>

#include <cmath>

#include "processor_test_util.h"
#include "processors/common/numeric.h"
#include "processors/common/writer.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

namespace phase4::processors {
namespace {

using test::D;

const TableSchema& S() { return PlayerCompositeFactorsSchema(); }
std::optional<double> Real(const Row& r, const char* c) { return test::RealOf(S(), r, c); }
std::optional<int64_t> Int(const Row& r, const char* c) { return test::IntOf(S(), r, c); }
std::optional<std::string> Text(const Row& r, const char* c) { return test::TextOf(S(), r, c); }

const Date kD = D("2024-01-15");

// ------------------------------------------------------------------ Factor 1
FatigueResult F(std::optional<int64_t> r, std::optional<bool> b, std::optional<int64_t> g7,
                std::optional<double> m7, std::optional<double> a7, std::optional<int64_t> k,
                std::optional<int64_t> age) {
  return FatigueScore(FatigueInputs{r, b, g7, m7, a7, k, age});
}

TEST(PlayerCompositeFactorsTest, FatigueVectors) {
  // V1
  EXPECT_EQ(F(2, false, 3, 175, 29.2, 0, 28).score, 100);
  EXPECT_EQ(FatigueAdjustment(100).ToDouble(), 0.0);
  // V2: 100-15-10-10-8-12-10 = 35, the floor in practice.
  EXPECT_EQ(F(0, true, 4, 250, 36.5, 2, 35).score, 35);
  EXPECT_EQ(FatigueAdjustment(35).ToDouble(), -3.25);
  // V3: 105 clamps to 100.
  EXPECT_EQ(F(5, false, 2, 100, 20, 0, 22).score, 100);
  // V4: all NULL -> defaults (r 1, b false, g7 3, m7 200, a7 30, k 0, age 25).
  EXPECT_EQ(F({}, {}, {}, {}, {}, {}, {}).score, 100);
  // V5: back-to-back beats the 3-day-rest bonus.
  auto v5 = F(3, true, {}, {}, {}, {}, {});
  EXPECT_EQ(v5.score, 85);
  EXPECT_EQ(FatigueAdjustment(85).ToDouble(), -0.75);
  EXPECT_TRUE(v5.bonuses.empty());
  // V6: age 30 / 34 -> -5, 35 -> -10.
  EXPECT_EQ(F({}, {}, {}, {}, {}, {}, 30).score, 95);
  EXPECT_EQ(F({}, {}, {}, {}, {}, {}, 34).score, 95);
  EXPECT_EQ(F({}, {}, {}, {}, {}, {}, 35).score, 90);
  EXPECT_EQ(F({}, {}, {}, {}, {}, {}, 29).score, 100);
  // V7: m7 = 240 and a7 = 35 are not penalised (strict >); g7 = 4 is.
  EXPECT_EQ(F({}, {}, 4, 240, 35, {}, {}).score, 90);
  EXPECT_EQ(FatigueAdjustment(90).ToDouble(), -0.5);
  EXPECT_EQ(F({}, {}, 3, 240.1, 35.1, {}, {}).score, 82);
  // Back-to-backs in 14 days: 1 -> -5, 2+ -> -12.
  EXPECT_EQ(F({}, {}, {}, {}, {}, 1, {}).score, 95);
  EXPECT_EQ(F({}, {}, {}, {}, {}, 3, {}).score, 88);
  // Rest bonus: only from 3 days, capped at 100.
  EXPECT_EQ(F(3, false, 3, 200, 30, 0, 30).score, 100);
  EXPECT_EQ(F(2, false, 3, 200, 30, 0, 30).score, 95);
}

TEST(PlayerCompositeFactorsTest, FatigueNeverBelow35) {
  int lowest = 100;
  for (int b = 0; b < 2; ++b)
    for (int r : {0, 1, 3, 9})
      for (int g7 : {0, 4, 7})
        for (double m7 : {0.0, 240.0, 400.0})
          for (double a7 : {0.0, 35.0, 48.0})
            for (int k : {0, 1, 2, 6})
              for (int age : {19, 30, 35, 45}) {
                int s = F(r, b == 1, g7, m7, a7, k, age).score;
                EXPECT_GE(s, 35);
                EXPECT_LE(s, 100);
                lowest = std::min(lowest, s);
              }
  EXPECT_EQ(lowest, 35);
}

// The factors are exact (decision 35); the vectors below are written as
// decimals and read back as the nearest doubles.
Exact X(double v) { return *Exact::OfStored(v); }
std::optional<Exact> Opt(std::optional<double> v) {
  return v ? std::optional<Exact>(X(*v)) : std::nullopt;
}
double Zone(std::optional<double> u, std::optional<double> d) {
  return ShotZoneMismatch(Opt(u), Opt(d)).ToDouble();
}
double Pace(std::optional<double> p) { return PaceScore(Opt(p)).ToDouble(); }
double Usage(std::optional<double> p, std::optional<double> q, std::optional<int64_t> stars) {
  return UsageSpike(Opt(p), Opt(q), stars).ToDouble();
}

// ------------------------------------------------------------------ Factor 2
TEST(PlayerCompositeFactorsTest, ShotZoneVectors) {
  EXPECT_DOUBLE_EQ(Zone(65, 4.3), 4.3);    // Z1
  EXPECT_DOUBLE_EQ(Zone(65, -3.8), -3.8);  // Z2
  EXPECT_DOUBLE_EQ(Zone(70, 6.0), 7.2);    // Z3: |w| > 5 -> x1.2
  EXPECT_DOUBLE_EQ(Zone(25, 4.0), 2.0);    // Z4: weight 0.5
  EXPECT_DOUBLE_EQ(Zone(30, 4.0), 2.4);    // Z6: weight 0.6
  EXPECT_DOUBLE_EQ(Zone(80, 15), 10.0);    // Z7: 18 -> clamp
  EXPECT_DOUBLE_EQ(Zone(80, -15), -10.0);
  EXPECT_EQ(Zone(50, 5.0), 5.0);              // Z8: |w| exactly 5 -> no boost
  EXPECT_EQ(Zone(50, -5.0), -5.0);            // ... on both sides
  EXPECT_NEAR(Zone(50, 5.01), 6.012, 1e-12);  // Z9
  EXPECT_NEAR(Zone(50, -5.01), -6.012, 1e-12);
  // |Z| = 10 from |w| > 8.333...
  EXPECT_EQ(Zone(100, 8.34), 10.0);
  EXPECT_LT(Zone(100, 8.33), 10.0);
  // NULL defaults: usage 50 (weight 1), defense 0.
  EXPECT_DOUBLE_EQ(Zone({}, 4.0), 4.0);
  EXPECT_EQ(Zone(65, {}), 0.0);
  // Value set: |Z| never in (5, 6].
  for (double d = -20; d <= 20; d += 0.01) {
    double z = std::fabs(Zone(100, d));
    EXPECT_FALSE(z > 5.0 && z <= 6.0) << d;
    EXPECT_LE(z, 10.0);
  }
}

// ------------------------------------------------------------------ Factor 3
TEST(PlayerCompositeFactorsTest, PaceVectors) {
  EXPECT_EQ(Pace(3.5), 1.75);
  EXPECT_EQ(PaceScore(X(3.5)).Round(1), 1.8);
  EXPECT_EQ(Pace(-4.0), -2.0);
  EXPECT_EQ(Pace(10), 3.0);
  EXPECT_EQ(Pace(-10), -3.0);
  EXPECT_EQ(Pace(6.0), 3.0);  // exactly at the clamp
  EXPECT_EQ(Pace(-6.2), -3.0);
  EXPECT_EQ(Pace(std::nullopt), 0.0);
}

// ------------------------------------------------------------------ Factor 4
TEST(PlayerCompositeFactorsTest, UsageVectors) {
  EXPECT_NEAR(Usage(26, 25, 0), 0.3, 1e-12);    // U1
  EXPECT_NEAR(Usage(20, 25, 0), -1.5, 1e-12);   // U2
  EXPECT_NEAR(Usage(30, 25, 1), 1.725, 1e-12);  // U3
  EXPECT_EQ(UsageSpike(30, 25, 1).Round(1), 1.7);
  EXPECT_NEAR(Usage(30, 25, 2), 1.95, 1e-12);  // U4
  EXPECT_EQ(UsageSpike(30, 25, 2).Round(1), 2.0);
  // U5: the star boost applies to positive spikes only.
  EXPECT_NEAR(Usage(20, 25, 2), -1.5, 1e-12);
  EXPECT_NEAR(Usage(20, 25, 1), -1.5, 1e-12);
  EXPECT_EQ(Usage(30, 0, 2), 0.0);             // U6: q == 0
  EXPECT_EQ(Usage(50, 20, 0), 3.0);            // U7: clamp
  EXPECT_EQ(Usage(10, 40, 0), -3.0);           // U8: clamp
  EXPECT_EQ(Usage({}, {}, {}), 0.0);           // U9: both NULL
  EXPECT_NEAR(Usage(30, 25, {}), 1.5, 1e-12);  // stars NULL -> 0
  // Decision 31 (changes the reference's NULL -> 25 for the projection): a
  // missing projection takes the baseline and gives no spike, whatever the
  // baseline and the stars.
  EXPECT_EQ(Usage({}, 20, 2), 0.0);
  EXPECT_EQ(Usage({}, 31.5, 0), 0.0);
  // A NULL baseline is 25.
  EXPECT_NEAR(Usage(26, {}, 0), 0.3, 1e-12);
}

// ------------------------------------------------------------------ Whole rows
struct Ctx {
  std::string player = "lebronjames";
  std::string team = "LAL";
  std::string opponent = "BOS";
  std::string game_id = "0022300500";
  std::optional<int64_t> days_rest, games7, b2b14, age, stars;
  std::optional<bool> b2b;
  std::optional<int64_t> minutes7;
  std::optional<double> avg_minutes7, pace_diff, projected, usage7, opp_pace;
  std::optional<bool> ready = true;
};

Row ContextRow(const Ctx& c, Date d) {
  RowBuilder b(UpcomingPlayerGameContextSchema());
  b.Set("player_lookup", c.player)
      .Set("universal_player_id", c.player + "_001")
      .Set("game_id", c.game_id)
      .Set("game_date", FormatDate(d))
      .Set("team_abbr", c.team)
      .Set("opponent_team_abbr", c.opponent)
      .Set("home_game", int64_t{1})
      .Set("back_to_back", int64_t{c.b2b.value_or(false) ? 1 : 0})
      .Set("days_rest", ToValue(c.days_rest))
      .Set("games_in_last_7_days", ToValue(c.games7))
      .Set("minutes_in_last_7_days", ToValue(c.minutes7))
      .Set("avg_minutes_per_game_last_7", ToValue(c.avg_minutes7))
      .Set("back_to_backs_last_14_days", ToValue(c.b2b14))
      .Set("player_age", ToValue(c.age))
      .Set("star_teammates_out", ToValue(c.stars))
      .Set("pace_differential", ToValue(c.pace_diff))
      .Set("opponent_pace_last_10", ToValue(c.opp_pace))
      .Set("projected_usage_rate", ToValue(c.projected))
      .Set("avg_usage_rate_last_7_games", ToValue(c.usage7))
      .Set("is_production_ready", ToValue(c.ready))
      .Set("processed_at", std::string("2024-01-15T10:00:00.000000Z"));
  return b.Build();
}

Row TeamContextRow(const std::string& team, const std::string& opp, Date d, bool ready = true) {
  RowBuilder b(UpcomingTeamGameContextSchema());
  b.Set("team_abbr", team)
      .Set("game_id", std::string("0022300500"))
      .Set("game_date", FormatDate(d))
      .Set("season_year", int64_t{SeasonYearOf(d)})
      .Set("opponent_team_abbr", opp)
      .Set("home_game", int64_t{1})
      .Set("is_back_to_back", int64_t{0})
      .Set("games_in_last_7_days", int64_t{3})
      .Set("games_in_last_14_days", int64_t{6})
      .Set("starters_out_count", int64_t{0})
      .Set("questionable_players_count", int64_t{0})
      .Set("team_win_streak_entering", int64_t{0})
      .Set("team_loss_streak_entering", int64_t{0})
      .Set("travel_miles", int64_t{0})
      .Set("is_production_ready", int64_t{ready ? 1 : 0})
      .Set("processed_at", std::string("2024-01-15T10:00:00.000000Z"));
  return b.Build();
}

Row ShotRow(const std::string& player, Date d, std::optional<std::string> zone,
            std::optional<double> paint, std::optional<double> mid, std::optional<double> three,
            bool ready = true) {
  RowBuilder b(PlayerShotZoneAnalysisSchema());
  b.Set("player_lookup", player)
      .Set("analysis_date", FormatDate(d))
      .Set("primary_scoring_zone", ToValue(zone))
      .Set("paint_rate_last_10", ToValue(paint))
      .Set("mid_range_rate_last_10", ToValue(mid))
      .Set("three_pt_rate_last_10", ToValue(three))
      .Set("is_production_ready", int64_t{ready ? 1 : 0})
      .Set("early_season_flag", int64_t{0})
      .Set("data_hash", std::string("shothash00000000"))
      .Set("processed_at", std::string("2024-01-15T23:00:00.000000Z"));
  return b.Build();
}

Row DefenseRow(const std::string& team, Date d, std::optional<double> paint,
               std::optional<double> mid, std::optional<double> three, bool ready = true) {
  RowBuilder b(TeamDefenseZoneAnalysisSchema());
  b.Set("team_abbr", team)
      .Set("analysis_date", FormatDate(d))
      .Set("paint_defense_vs_league_avg", ToValue(paint))
      .Set("mid_range_defense_vs_league_avg", ToValue(mid))
      .Set("three_pt_defense_vs_league_avg", ToValue(three))
      .Set("weakest_zone", std::string("paint"))
      .Set("is_production_ready", int64_t{ready ? 1 : 0})
      .Set("early_season_flag", int64_t{0})
      .Set("data_hash", std::string("defhash000000000"))
      .Set("processed_at", std::string("2024-01-15T22:00:00.000000Z"));
  return b.Build();
}

struct Fixture {
  test::ScheduleBuilder schedule;
  std::vector<Row> ctx, tctx, pgs, shot, defense;
  Fixture() {
    schedule.Game(D("2023-10-24"), "LAL", "BOS");
    schedule.Game(kD, "LAL", "BOS");
    tctx.push_back(TeamContextRow("LAL", "BOS", kD));
    tctx.push_back(TeamContextRow("BOS", "LAL", kD));
  }
  // `n` played games of the player on the days before d, scheduled.
  void Games(const std::string& player, int n, Date d = kD) {
    for (int i = 1; i <= n; ++i) {
      test::PlayerGame g;
      g.player = player;
      g.date = AddDays(d, -i);
      schedule.Game(g.date, g.team, g.opponent);
      pgs.push_back(test::PlayerRow(g));
    }
  }
  std::vector<Row> Compute(Date d = kD) const {
    auto in = test::MakeInputs(schedule, SeasonYearOf(d),
                               {{std::string(kUpcomingPlayerGameContext), ctx},
                                {std::string(kUpcomingTeamGameContext), tctx},
                                {std::string(kPlayerGameSummary), pgs}});
    ProcessorInputs pi = in.For(d);
    pi.upstream["player_shot_zone_analysis"] = shot;
    pi.upstream["team_defense_zone_analysis"] = defense;
    auto out = ComputePlayerCompositeFactors(d, pi);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? *out : std::vector<Row>{};
  }
  std::vector<Row> Finished(Date d = kD) const {
    auto rows = Compute(d);
    Status s = FinalizeRows(PlayerCompositeFactorsInfo(), d, rows, "2024-01-15T23:30:00.000000Z");
    EXPECT_TRUE(s.ok()) << s.message();
    return rows;
  }
};

// R1 = V1 + Z1 + pace 3.5 + U1: total 6.35, completeness 100, no warnings.
TEST(PlayerCompositeFactorsTest, R1FavorableRow) {
  Fixture f;
  Ctx c;
  c.days_rest = 2, c.b2b = false, c.games7 = 3, c.minutes7 = 175, c.avg_minutes7 = 29.2;
  c.b2b14 = 0, c.age = 28, c.pace_diff = 3.5, c.projected = 26, c.usage7 = 25, c.stars = 0;
  f.ctx.push_back(ContextRow(c, kD));
  f.shot.push_back(ShotRow("lebronjames", kD, "paint", 65, 20, 15));
  f.defense.push_back(DefenseRow("BOS", kD, 4.3, -1.0, 2.0));
  f.Games("lebronjames", 12);
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 1u);
  const Row& r = rows[0];
  EXPECT_EQ(*Int(r, "fatigue_score"), 100);
  EXPECT_EQ(*Real(r, "shot_zone_mismatch_score"), 4.3);
  EXPECT_EQ(*Real(r, "pace_score"), 1.8);
  EXPECT_EQ(*Real(r, "usage_spike_score"), 0.3);
  EXPECT_EQ(*Real(r, "total_composite_adjustment"), 6.35);
  EXPECT_EQ(*Real(r, "data_completeness_pct"), 100.0);
  EXPECT_FALSE(Text(r, "missing_data_fields"));
  EXPECT_EQ(*Int(r, "has_warnings"), 0);
  EXPECT_FALSE(Text(r, "warning_details"));
  EXPECT_NE(Text(r, "pace_context_json")->find("\"pace_environment\": \"fast\""),
            std::string::npos);
  EXPECT_NE(Text(r, "shot_zone_context_json")->find("\"mismatch_type\": \"favorable\""),
            std::string::npos);
  EXPECT_NE(Text(r, "usage_context_json")->find("\"usage_trend\": \"stable\""), std::string::npos);
  for (const char* col : {"referee_favorability_score", "look_ahead_pressure_score",
                          "travel_impact_score", "opponent_strength_score"})
    EXPECT_EQ(*Real(r, col), 0.0) << col;
  EXPECT_EQ(*Text(r, "game_date"), "2024-01-15");
  EXPECT_EQ(*Text(r, "analysis_date"), "2024-01-15");
  EXPECT_EQ(*Text(r, "game_id"), "0022300500");
  EXPECT_EQ(*Text(r, "calculation_version"), "v1_4factors");
  EXPECT_EQ(*Int(r, "early_season_flag"), 0);
  EXPECT_FALSE(Text(r, "insufficient_data_reason"));
  EXPECT_EQ(*Int(r, "all_upstreams_ready"), 1);
  EXPECT_EQ(*Text(r, "source_player_shot_hash"), "shothash00000000");
  EXPECT_EQ(*Text(r, "source_team_defense_hash"), "defhash000000000");
  EXPECT_EQ(*Int(r, "source_player_context_rows_found"), 1);
  EXPECT_TRUE(Text(r, "data_hash"));
}

// Decision 35 through the processor: the factors are exact and each stored
// value is rounded once, half to even. Pace 0.9 / 2 = 0.45 -> 0.4 (binary
// 0.5); zone -3.55 x 1 -> -3.6 (binary -3.5); usage 0.3 x 0.05 = 0.015 ->
// 0.0; total 0 - 3.55 + 0.45 + 0.015 = -3.085 -> -3.08.
TEST(PlayerCompositeFactorsTest, Decision35ExactFactorsAtTies) {
  Fixture f;
  Ctx c;
  c.days_rest = 2, c.b2b = false, c.games7 = 3, c.minutes7 = 175, c.avg_minutes7 = 29.2;
  c.b2b14 = 0, c.age = 28, c.pace_diff = 0.9, c.projected = 25.05, c.usage7 = 25, c.stars = 0;
  f.ctx.push_back(ContextRow(c, kD));
  f.shot.push_back(ShotRow("lebronjames", kD, "paint", 65, 20, 15));
  f.defense.push_back(DefenseRow("BOS", kD, -3.55, -1.0, 2.0));
  f.Games("lebronjames", 12);
  const Row r = f.Finished().at(0);
  EXPECT_EQ(*Int(r, "fatigue_score"), 100);
  EXPECT_EQ(*Real(r, "pace_score"), 0.4);
  EXPECT_EQ(*Real(r, "shot_zone_mismatch_score"), -3.6);
  EXPECT_EQ(*Real(r, "usage_spike_score"), 0.0);
  EXPECT_EQ(*Real(r, "total_composite_adjustment"), -3.08);
  // Differences in the context JSON are exact too (binary: 0.05000000000000071).
  EXPECT_NE(Text(r, "usage_context_json")->find("\"usage_differential\": 0.05,"), std::string::npos)
      << *Text(r, "usage_context_json");
  EXPECT_NE(Text(r, "pace_context_json")->find("\"final_score\": 0.4}"), std::string::npos);
}

// R2 = V2 + Z2 + pace -4 + usage (28.0, 27.5, 0): total -8.9, one warning.
TEST(PlayerCompositeFactorsTest, R2FatiguedRow) {
  Fixture f;
  Ctx c;
  c.days_rest = 0, c.b2b = true, c.games7 = 4, c.minutes7 = 250, c.avg_minutes7 = 36.5;
  c.b2b14 = 2, c.age = 35, c.pace_diff = -4.0, c.projected = 28.0, c.usage7 = 27.5, c.stars = 0;
  f.ctx.push_back(ContextRow(c, kD));
  f.shot.push_back(ShotRow("lebronjames", kD, "paint", 65, 20, 15));
  f.defense.push_back(DefenseRow("BOS", kD, -3.8, 1.0, 2.0));
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 1u);
  const Row& r = rows[0];
  EXPECT_EQ(*Int(r, "fatigue_score"), 35);
  EXPECT_EQ(*Real(r, "shot_zone_mismatch_score"), -3.8);
  EXPECT_EQ(*Real(r, "pace_score"), -2.0);
  // 0.3 x 0.5 = 0.15 exactly, half to even: 0.2 (decision 35; decision 34's
  // binary rounding gave 0.1, as 0.15 is 0.1499... in binary).
  EXPECT_EQ(*Real(r, "usage_spike_score"), 0.2);
  EXPECT_EQ(*Real(r, "total_composite_adjustment"), -8.9);
  EXPECT_EQ(*Int(r, "has_warnings"), 1);
  EXPECT_EQ(*Text(r, "warning_details"), "EXTREME_FATIGUE: Player showing severe fatigue");
  EXPECT_NE(Text(r, "fatigue_context_json")->find("\"final_score\": 35"), std::string::npos);
}

// R3 (the doc's "LeBron" inputs under the code's rules): total 5.13.
TEST(PlayerCompositeFactorsTest, R3) {
  Fixture f;
  Ctx c;
  c.days_rest = 0, c.b2b = true, c.games7 = 4, c.minutes7 = 245, c.avg_minutes7 = 35.1;
  c.b2b14 = 2, c.age = 40, c.pace_diff = 5.2, c.projected = 28.5, c.usage7 = 24.2, c.stars = 1;
  f.ctx.push_back(ContextRow(c, kD));
  f.shot.push_back(ShotRow("lebronjames", kD, "paint", 65.2, 20, 14.8));
  f.defense.push_back(DefenseRow("BOS", kD, 4.3, 0, 0));
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(*Int(rows[0], "fatigue_score"), 35);
  EXPECT_EQ(*Real(rows[0], "shot_zone_mismatch_score"), 4.3);
  EXPECT_EQ(*Real(rows[0], "pace_score"), 2.6);
  EXPECT_EQ(*Real(rows[0], "usage_spike_score"), 1.5);
  EXPECT_EQ(*Real(rows[0], "total_composite_adjustment"), 5.13);
}

// R4 (the doc's "Curry" inputs): age 36, otherwise fresh: F 90, total -3.09.
TEST(PlayerCompositeFactorsTest, R4) {
  Fixture f;
  Ctx c;
  c.days_rest = 2, c.b2b = false, c.games7 = 2, c.minutes7 = 64, c.avg_minutes7 = 32;
  c.b2b14 = 0, c.age = 36, c.pace_diff = -2.0, c.projected = 27.7, c.usage7 = 28.0, c.stars = 0;
  f.ctx.push_back(ContextRow(c, kD));
  f.shot.push_back(ShotRow("lebronjames", kD, "perimeter", 20, 20, 60));
  f.defense.push_back(DefenseRow("BOS", kD, 3.0, 0, -1.5));
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(*Int(rows[0], "fatigue_score"), 90);
  EXPECT_EQ(*Real(rows[0], "shot_zone_mismatch_score"), -1.5);
  EXPECT_EQ(*Real(rows[0], "pace_score"), -1.0);
  EXPECT_EQ(*Real(rows[0], "usage_spike_score"), -0.1);
  EXPECT_EQ(*Real(rows[0], "total_composite_adjustment"), -3.09);
}

// Z5 and Z6 through the row: the zone picks the columns.
TEST(PlayerCompositeFactorsTest, ZoneSelectsColumns) {
  Fixture f;
  Ctx a, b, m;
  a.player = "perimeterguy", b.player = "balancedguy", m.player = "midguy";
  for (Ctx* c : {&a, &b, &m}) f.ctx.push_back(ContextRow(*c, kD));
  f.shot.push_back(ShotRow("perimeterguy", kD, "perimeter", 10, 25, 65));  // Z5
  f.shot.push_back(ShotRow("balancedguy", kD, "balanced", 30, 34, 36));    // Z6
  f.shot.push_back(ShotRow("midguy", kD, "mid_range", 30, 40, 30));
  f.defense.push_back(DefenseRow("BOS", kD, -2.0 + 6.0, 1.0, 3.5));  // paint 4.0
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 3u);
  auto z = [&](const char* p) {
    return *Real(*test::FindRow(S(), rows, "player_lookup", p), "shot_zone_mismatch_score");
  };
  EXPECT_EQ(z("perimeterguy"), 3.5);
  EXPECT_EQ(z("balancedguy"), 2.4);
  EXPECT_EQ(z("midguy"), 0.8);  // 1.0 x min(40/50, 1)
}

// Z10 / decision 9: a player without a #2 row and whose opponent has no #1
// row, with NULL usage and pace, still gets a row: completeness 20, total =
// fatigue adjustment only, the quality fields name the missing sources.
TEST(PlayerCompositeFactorsTest, MissingUpstreamsStillWriteARow) {
  Fixture f;
  Ctx c;
  c.days_rest = 1, c.b2b = true, c.usage7 = 22.0;
  f.ctx.push_back(ContextRow(c, kD));
  f.defense.push_back(DefenseRow("NYK", kD, 4.0, 0, 0));  // not the opponent
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 1u);
  const Row& r = rows[0];
  EXPECT_EQ(*Int(r, "fatigue_score"), 85);
  EXPECT_EQ(*Real(r, "shot_zone_mismatch_score"), 0.0);
  EXPECT_EQ(*Real(r, "pace_score"), 0.0);
  EXPECT_EQ(*Real(r, "usage_spike_score"), 0.0);  // decision 31: no spike
  EXPECT_EQ(*Real(r, "total_composite_adjustment"), -0.75);
  EXPECT_EQ(*Text(r, "shot_zone_context_json"), "{\"missing_data\": true}");
  EXPECT_EQ(*Real(r, "data_completeness_pct"), 20.0);
  EXPECT_EQ(*Text(r, "missing_data_fields"),
            "projected_usage_rate, pace_differential, player_shot_zone, team_defense_zone");
  // Decision 31: the row says the projection was defaulted.
  EXPECT_EQ(*Int(r, "has_warnings"), 1);
  EXPECT_NE(Text(r, "warning_details")->find("projected_usage_rate missing"), std::string::npos);
  EXPECT_NE(Text(r, "usage_context_json")->find("\"projected_usage_defaulted\": true"),
            std::string::npos);
  EXPECT_EQ(*Int(r, "upstream_player_shot_ready"), 0);
  EXPECT_EQ(*Int(r, "upstream_team_defense_ready"), 0);
  EXPECT_EQ(*Int(r, "all_upstreams_ready"), 0);
  EXPECT_EQ(*Int(r, "is_production_ready"), 0);
  const std::string issues = *Text(r, "data_quality_issues");
  EXPECT_NE(issues.find("upstream_player_shot_zone_incomplete"), std::string::npos);
  EXPECT_NE(issues.find("upstream_team_defense_zone_incomplete"), std::string::npos);
  EXPECT_EQ(*Int(r, "source_player_shot_rows_found"), 0);
  EXPECT_FALSE(Text(r, "source_player_shot_hash"));
  // No game yet: early season.
  EXPECT_EQ(*Int(r, "early_season_flag"), 1);
  EXPECT_EQ(*Text(r, "insufficient_data_reason"), "Only 0 games played, need 10 minimum");
}

// Only the shot-zone row missing: the factor is 0, the defense row alone
// does nothing; all NULL context inputs take the defaults.
TEST(PlayerCompositeFactorsTest, NullContextTakesDefaults) {
  Fixture f;
  Ctx c;  // every optional input NULL
  f.ctx.push_back(ContextRow(c, kD));
  f.defense.push_back(DefenseRow("BOS", kD, 9.0, 9.0, 9.0));
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 1u);
  const Row& r = rows[0];
  EXPECT_EQ(*Int(r, "fatigue_score"), 100);
  EXPECT_EQ(*Real(r, "shot_zone_mismatch_score"), 0.0);
  EXPECT_EQ(*Real(r, "total_composite_adjustment"), 0.0);
  EXPECT_EQ(*Real(r, "data_completeness_pct"), 20.0);  // only the defense row
  EXPECT_EQ(*Text(r, "missing_data_fields"),
            "days_rest, projected_usage_rate, pace_differential, player_shot_zone");
  // The context JSON shows the context defaults (days_rest 0, age 25).
  EXPECT_NE(Text(r, "fatigue_context_json")->find("\"days_rest\": 0"), std::string::npos);
  EXPECT_NE(Text(r, "fatigue_context_json")->find("\"player_age\": 25"), std::string::npos);
}

TEST(PlayerCompositeFactorsTest, ExtremeWarnings) {
  Fixture f;
  Ctx c;
  c.pace_diff = 9, c.projected = 40, c.usage7 = 20, c.stars = 2;
  f.ctx.push_back(ContextRow(c, kD));
  f.shot.push_back(ShotRow("lebronjames", kD, "paint", 80, 10, 10));
  f.defense.push_back(DefenseRow("BOS", kD, 9.0, 0, 0));
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(*Real(rows[0], "shot_zone_mismatch_score"), 10.0);
  EXPECT_EQ(*Real(rows[0], "total_composite_adjustment"), 16.0);  // the maximum
  EXPECT_EQ(*Text(rows[0], "warning_details"),
            "EXTREME_MATCHUP: Unusual zone mismatch; EXTREME_ADJUSTMENT: Very large composite "
            "adjustment");
}

// One row per player (the context deduplicated on player_lookup); the early
// season flag from the played games before D; re-running gives identical
// rows and hashes.
TEST(PlayerCompositeFactorsTest, OneRowPerPlayerAndIdempotent) {
  Fixture f;
  Ctx a, b;
  b.player = "other";
  f.ctx.push_back(ContextRow(a, kD));
  f.ctx.push_back(ContextRow(a, kD));  // duplicate context row
  Ctx a2 = a;
  a2.game_id = "0022300501";
  f.ctx.push_back(ContextRow(a2, kD));
  f.ctx.push_back(ContextRow(b, kD));
  f.Games("lebronjames", 10);
  f.Games("other", 9);
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 2u);
  const Row* l = test::FindRow(S(), rows, "player_lookup", "lebronjames");
  const Row* o = test::FindRow(S(), rows, "player_lookup", "other");
  ASSERT_TRUE(l && o);
  EXPECT_EQ(*Int(*l, "early_season_flag"), 0);
  EXPECT_EQ(*Int(*o, "early_season_flag"), 1);
  EXPECT_EQ(*Text(*o, "insufficient_data_reason"), "Only 9 games played, need 10 minimum");
  auto again = f.Finished();
  ASSERT_EQ(again.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i], again[i]);
}

// §5.1 invariants over a spread of generated inputs.
TEST(PlayerCompositeFactorsTest, Invariants) {
  Fixture f;
  int n = 0;
  for (int rest = 0; rest < 4; ++rest)
    for (double pace : {-8.0, -2.5, 0.0, 1.3, 7.0})
      for (double proj : {10.0, 24.9, 31.0, 45.0})
        for (int stars = 0; stars < 3; ++stars) {
          Ctx c;
          c.player = "p" + std::to_string(n++);
          c.days_rest = rest, c.b2b = rest == 1, c.games7 = rest + 2, c.minutes7 = 60 * rest + 80;
          c.avg_minutes7 = 28 + 3 * rest, c.b2b14 = rest % 3, c.age = 24 + 4 * rest;
          c.pace_diff = pace, c.projected = proj, c.usage7 = 25, c.stars = stars;
          f.ctx.push_back(ContextRow(c, kD));
          if (n % 3) f.shot.push_back(ShotRow(c.player, kD, "paint", 30.0 + n % 70, 10, 10));
        }
  f.defense.push_back(DefenseRow("BOS", kD, 7.5, -3, 2));
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), static_cast<size_t>(n));
  for (const Row& r : rows) {
    const int64_t fs = *Int(r, "fatigue_score");
    const double z = *Real(r, "shot_zone_mismatch_score"), p = *Real(r, "pace_score"),
                 u = *Real(r, "usage_spike_score"), t = *Real(r, "total_composite_adjustment");
    EXPECT_GE(fs, 35);
    EXPECT_LE(fs, 100);
    EXPECT_LE(std::fabs(z), 10.0);
    EXPECT_LE(std::fabs(p), 3.0);
    EXPECT_LE(std::fabs(u), 3.0);
    EXPECT_GE(t, -19.25);
    EXPECT_LE(t, 16.0);
    EXPECT_NEAR(t, (fs - 100) / 20.0 + z + p + u, 0.16);
    EXPECT_EQ(*Int(r, "has_warnings") == 1, Text(r, "warning_details").has_value());
    const double pct = *Real(r, "data_completeness_pct");
    EXPECT_EQ(std::fmod(pct, 20.0), 0.0);
    if (*Int(r, "is_production_ready")) {
      EXPECT_EQ(*Int(r, "all_upstreams_ready"), 1);
    }
  }
}

}  // namespace
}  // namespace phase4::processors
