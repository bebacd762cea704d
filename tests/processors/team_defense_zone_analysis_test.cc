// Processor #1, team_defense_zone_analysis: the test vectors and invariants
// of zone-processors.md §7 under the contract's decisions.
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "common/teams.h"
#include "processor_test_util.h"
#include "processors/common/writer.h"

namespace phase4::processors {
namespace {

using test::D;
using test::DefenseGame;
using test::DefenseRow;

const TableSchema& S() { return TeamDefenseZoneAnalysisSchema(); }
std::optional<double> Real(const Row& r, const char* c) { return test::RealOf(S(), r, c); }
std::optional<int64_t> Int(const Row& r, const char* c) { return test::IntOf(S(), r, c); }
std::optional<std::string> Text(const Row& r, const char* c) { return test::TextOf(S(), r, c); }

// A league fixture: every added game is scheduled (home = the defending
// team) and its team_defense_game_summary row stored.
struct League {
  test::ScheduleBuilder schedule;
  std::vector<Row> rows;
  League() { schedule.Game(D("2024-10-22"), "NYK", "ORL"); }  // opening night
  void Add(const DefenseGame& g, bool scheduled = true) {
    if (scheduled) schedule.Game(g.date, g.team, g.opponent);
    rows.push_back(DefenseRow(g));
  }
  // `n` games of `base` on the n days before `d`.
  void AddGames(DefenseGame base, Date d, int n) {
    for (int i = 1; i <= n; ++i) {
      base.date = AddDays(d, -i);
      Add(base);
    }
  }
  std::vector<Row> Compute(Date d) const {
    auto in =
        test::MakeInputs(schedule, SeasonYearOf(d), {{std::string(kTeamDefenseGameSummary), rows}});
    auto out = ComputeTeamDefenseZoneAnalysis(d, in.For(d));
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? *out : std::vector<Row>{};
  }
};

const Row& Team(const std::vector<Row>& rows, const std::string& team) {
  const Row* r = test::FindRow(S(), rows, "team_abbr", team);
  if (!r) throw std::runtime_error("no row for " + team);
  return *r;
}

// Finishes a row the way the writer does (hash, rounding, processed_at).
Row Finished(const Row& row, Date d) {
  std::vector<Row> rows{row};
  Status s = FinalizeRows(TeamDefenseZoneAnalysisInfo(), d, rows, "2025-01-27T23:00:00.000000Z");
  EXPECT_TRUE(s.ok()) << s.message();
  return rows[0];
}

const Date kD = D("2025-01-27");

TEST(TeamDefenseZoneTest, T1Baseline) {
  League league;
  league.AddGames(DefenseGame{}, kD, 15);
  auto rows = league.Compute(kD);
  ASSERT_EQ(rows.size(), 30u);
  const Row& r = Team(rows, "LAL");
  // Exact, rounded once at the declared scales (decision 35): 40/70, 12/35.
  EXPECT_EQ(*Real(r, "paint_pct_allowed_last_15"), 0.571);
  EXPECT_EQ(*Real(r, "mid_range_pct_allowed_last_15"), 0.4);
  EXPECT_EQ(*Real(r, "three_pt_pct_allowed_last_15"), 0.343);
  EXPECT_EQ(*Real(r, "paint_attempts_allowed_per_game"), 35.0);
  EXPECT_EQ(*Real(r, "mid_range_attempts_allowed_per_game"), 20.0);
  EXPECT_EQ(*Real(r, "three_pt_attempts_allowed_per_game"), 35.0);
  EXPECT_EQ(*Real(r, "paint_points_allowed_per_game"), 42.0);
  EXPECT_EQ(*Real(r, "paint_blocks_per_game"), 2.0);
  EXPECT_EQ(*Real(r, "mid_range_blocks_per_game"), 1.0);
  EXPECT_EQ(*Real(r, "three_pt_blocks_per_game"), 0.0);
  // 100 (4/7 - 0.58) = -6/7, 100 (0.4 - 0.41) = -1, 100 (12/35 - 0.355) =
  // -1.2142857...: the reference's floating point gave -0.8571428571428563,
  // -0.9999999999999953 and -1.2142857142857122, the same stored values.
  EXPECT_EQ(*Real(r, "paint_defense_vs_league_avg"), -0.86);
  EXPECT_EQ(*Real(r, "mid_range_defense_vs_league_avg"), -1.0);
  EXPECT_EQ(*Real(r, "three_pt_defense_vs_league_avg"), -1.21);
  EXPECT_EQ(*Real(r, "defensive_rating_last_15"), 112.5);
  EXPECT_EQ(*Real(r, "opponent_points_per_game"), 110.0);
  EXPECT_EQ(*Real(r, "opponent_pace"), 99.2);  // decisions 34, 35: exact mean of 15 x 99.2
  EXPECT_EQ(*Int(r, "games_in_sample"), 15);
  EXPECT_EQ(Text(r, "strongest_zone"), "perimeter");
  EXPECT_EQ(Text(r, "weakest_zone"), "paint");
  EXPECT_EQ(Text(r, "data_quality_tier"), "high");
  EXPECT_FALSE(Text(r, "calculation_notes"));
  EXPECT_EQ(*Int(r, "early_season_flag"), 0);
  EXPECT_FALSE(Text(r, "insufficient_data_reason"));

  const Row f = Finished(r, kD);
  // The hash renders the stored values (writer.h): the spec's a6a54d7d6db54b91
  // rendered the reference's floating-point digits (-0.8571428571428563 ...).
  EXPECT_EQ(Text(f, "data_hash"), "d3ece1636a29773d");
  // Stored at the declared scales.
  EXPECT_EQ(*Real(f, "paint_pct_allowed_last_15"), 0.571);
  EXPECT_EQ(*Real(f, "mid_range_pct_allowed_last_15"), 0.4);
  EXPECT_EQ(*Real(f, "three_pt_pct_allowed_last_15"), 0.343);
  EXPECT_EQ(*Real(f, "paint_attempts_allowed_per_game"), 35.0);
  EXPECT_EQ(*Real(f, "paint_points_allowed_per_game"), 42.0);
  EXPECT_EQ(*Real(f, "paint_blocks_per_game"), 2.0);
  EXPECT_EQ(*Real(f, "paint_defense_vs_league_avg"), -0.86);
  EXPECT_EQ(*Real(f, "mid_range_defense_vs_league_avg"), -1.0);
  EXPECT_EQ(*Real(f, "three_pt_defense_vs_league_avg"), -1.21);
  EXPECT_EQ(*Real(f, "opponent_pace"), 99.2);
}

TEST(TeamDefenseZoneTest, T2ZeroMidRangeAttempts) {
  League league;
  DefenseGame g;
  g.mid_attempts = 0;
  g.mid_makes = 0;
  league.AddGames(g, kD, 15);
  const Row r = Team(league.Compute(kD), "LAL");
  EXPECT_FALSE(Real(r, "mid_range_pct_allowed_last_15"));
  EXPECT_FALSE(Real(r, "mid_range_defense_vs_league_avg"));
  EXPECT_EQ(*Real(r, "mid_range_attempts_allowed_per_game"), 0.0);
  EXPECT_EQ(Text(r, "calculation_notes"), "No mid-range attempts");
  EXPECT_EQ(Text(r, "strongest_zone"), "perimeter");
  EXPECT_EQ(Text(r, "weakest_zone"), "paint");
}

TEST(TeamDefenseZoneTest, T3AllZonesZero) {
  League league;
  DefenseGame g;
  g.paint_attempts = g.paint_makes = g.mid_attempts = g.mid_makes = 0;
  g.three_attempts = g.three_makes = 0;
  league.AddGames(g, kD, 15);
  const Row r = Team(league.Compute(kD), "LAL");
  for (const char* c : {"paint_pct_allowed_last_15", "mid_range_pct_allowed_last_15",
                        "three_pt_pct_allowed_last_15", "paint_defense_vs_league_avg",
                        "mid_range_defense_vs_league_avg", "three_pt_defense_vs_league_avg"})
    EXPECT_FALSE(Real(r, c)) << c;
  EXPECT_EQ(*Real(r, "paint_attempts_allowed_per_game"), 0.0);
  EXPECT_EQ(*Real(r, "mid_range_attempts_allowed_per_game"), 0.0);
  EXPECT_EQ(*Real(r, "three_pt_attempts_allowed_per_game"), 0.0);
  EXPECT_EQ(Text(r, "calculation_notes"),
            "No paint attempts; No mid-range attempts; No three-point attempts");
  EXPECT_FALSE(Text(r, "strongest_zone"));
  EXPECT_FALSE(Text(r, "weakest_zone"));
}

// T4, changed by decision 28: a zone column NULL in every game gives NULL
// per-game values (the reference wrote 0.0 for paint points and blocks).
TEST(TeamDefenseZoneTest, T4NullZoneColumnsUpstream) {
  League league;
  DefenseGame g;
  g.paint_attempts = g.paint_makes = g.mid_attempts = g.mid_makes = std::nullopt;
  g.paint_points = g.mid_points = std::nullopt;
  g.blocks_paint = g.blocks_mid = g.blocks_three = std::nullopt;
  league.AddGames(g, kD, 15);
  const Row r = Team(league.Compute(kD), "LAL");
  EXPECT_FALSE(Real(r, "paint_pct_allowed_last_15"));
  EXPECT_FALSE(Real(r, "mid_range_pct_allowed_last_15"));
  EXPECT_FALSE(Real(r, "paint_defense_vs_league_avg"));
  EXPECT_FALSE(Real(r, "paint_attempts_allowed_per_game"));
  EXPECT_FALSE(Real(r, "mid_range_attempts_allowed_per_game"));
  EXPECT_FALSE(Real(r, "paint_points_allowed_per_game"));
  EXPECT_FALSE(Real(r, "paint_blocks_per_game"));
  EXPECT_FALSE(Real(r, "mid_range_blocks_per_game"));
  EXPECT_FALSE(Real(r, "three_pt_blocks_per_game"));
  EXPECT_EQ(*Real(r, "three_pt_pct_allowed_last_15"), 0.343);  // 12/35
  EXPECT_EQ(Text(r, "strongest_zone"), "perimeter");
  EXPECT_EQ(Text(r, "weakest_zone"), "perimeter");
  EXPECT_EQ(Text(r, "calculation_notes"), "No paint attempts; No mid-range attempts");
}

TEST(TeamDefenseZoneTest, PartlyNullColumnsSumTheirValuesOverTheGameCount) {
  League league;
  DefenseGame g;
  for (int i = 1; i <= 15; ++i) {
    g.date = AddDays(kD, -i);
    g.blocks_paint = i <= 5 ? std::optional<int64_t>(3) : std::nullopt;
    league.Add(g);
  }
  const Row r = Team(league.Compute(kD), "LAL");
  EXPECT_EQ(*Real(r, "paint_blocks_per_game"), 15.0 / 15);
}

TEST(TeamDefenseZoneTest, T5StrongestAndWeakestZones) {
  struct Case {
    std::optional<double> p, m, t;
    std::optional<std::string> strongest, weakest;
  };
  const std::vector<Case> cases = {
      {3.0, -2.5, 0.5, "mid_range", "paint"},
      {1.0, 0.5, -4.0, "perimeter", "paint"},
      {2.0, std::nullopt, -1.0, "perimeter", "paint"},
      {0.1, 0.2, -0.1, "perimeter", "mid_range"},
      {1, 1, 1, "paint", "paint"},
      {std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) {
    auto [s, w] = StrongestWeakestZones(c.p, c.m, c.t);
    EXPECT_EQ(s, c.strongest);
    EXPECT_EQ(w, c.weakest);
  }
}

TEST(TeamDefenseZoneTest, StrongestAndWeakestCompareUnroundedDeltas) {
  // Deltas that round to the same 2 decimals still order by their exact value.
  auto [s, w] = StrongestWeakestZones(-1.2344, -1.2341, -1.2342);
  EXPECT_EQ(s, "paint");
  EXPECT_EQ(w, "mid_range");
}

// T6: fewer than 10 qualifying teams -> the defaults; otherwise the
// unweighted mean of the team ratios, never pooled makes over attempts.
TEST(TeamDefenseZoneTest, T6LeagueAverages) {
  {
    League league;
    for (int t = 0; t < 9; ++t) {
      DefenseGame g;
      g.team = std::string(AllTeams()[static_cast<size_t>(t)].tricode);
      league.AddGames(g, kD, 12);
    }
    auto in = test::MakeInputs(league.schedule, 2024,
                               {{std::string(kTeamDefenseGameSummary), league.rows}});
    LeagueAverages avg = ComputeLeagueAverages(*in.season->Table(kTeamDefenseGameSummary), kD);
    EXPECT_EQ(avg.teams_in_sample, 0);
    EXPECT_EQ(avg.paint, 0.580);
    EXPECT_EQ(avg.mid_range, 0.410);
    EXPECT_EQ(avg.three_pt, 0.355);
  }
  {
    League league;
    for (int t = 0; t < 10; ++t) {
      DefenseGame g;
      g.team = std::string(AllTeams()[static_cast<size_t>(t)].tricode);
      // Team 0: 10/20 = 0.5 over 20 attempts per game; team 1: 7/10 = 0.7 over
      // 10 attempts; the others 0.6. Pooled would weight team 0 double.
      if (t == 0)
        g.paint_makes = 10, g.paint_attempts = 20;
      else if (t == 1)
        g.paint_makes = 7, g.paint_attempts = 10;
      else
        g.paint_makes = 6, g.paint_attempts = 10;
      league.AddGames(g, kD, 10);
    }
    auto in = test::MakeInputs(league.schedule, 2024,
                               {{std::string(kTeamDefenseGameSummary), league.rows}});
    LeagueAverages avg = ComputeLeagueAverages(*in.season->Table(kTeamDefenseGameSummary), kD);
    EXPECT_EQ(avg.teams_in_sample, 10);
    EXPECT_NEAR(avg.paint, (0.5 + 0.7 + 8 * 0.6) / 10, 1e-12);
    EXPECT_NEAR(avg.mid_range, 0.4, 1e-12);
    // The team rows use it: vs_league = 100 * (pct - league) exactly, -10
    // (in floating point 100 * (0.5 - 0.6) is -9.999999999999998).
    auto rows = league.Compute(kD);
    const Row& r = Team(rows, std::string(AllTeams()[0].tricode));
    EXPECT_EQ(*Real(r, "paint_defense_vs_league_avg"), -10.0);
  }
}

// Decision 28: the league-average window is D-30 <= game_date < D.
TEST(TeamDefenseZoneTest, LeagueAverageWindowIsThirtyDaysBeforeD) {
  auto make = [](int first_offset) {
    League league;
    for (int t = 0; t < 10; ++t) {
      DefenseGame g;
      g.team = std::string(AllTeams()[static_cast<size_t>(t)].tricode);
      for (int i = 0; i < 10; ++i) {
        g.date = AddDays(kD, first_offset + i);
        league.Add(g);
      }
    }
    auto in = test::MakeInputs(league.schedule, 2024,
                               {{std::string(kTeamDefenseGameSummary), league.rows}});
    return ComputeLeagueAverages(*in.season->Table(kTeamDefenseGameSummary), kD).teams_in_sample;
  };
  EXPECT_EQ(make(-30), 10);  // D-30 .. D-21: inside
  EXPECT_EQ(make(-31), 0);   // D-31 is outside: only 9 games each
  EXPECT_EQ(make(-9), 0);    // D-9 .. D: the game on D is outside
  EXPECT_EQ(make(-10), 10);  // D-10 .. D-1
}

// T7: tiers on the actual game count (decision 28). The reference's dynamic
// minimum (T7's second half) does not apply: decision 8 fixes the minimum at
// 15 games and it decides quality, not existence.
TEST(TeamDefenseZoneTest, T7QualityTier) {
  for (int g : {15, 20}) EXPECT_EQ(TeamDefenseQualityTier(g), "high") << g;
  for (int g : {14, 12, 10}) EXPECT_EQ(TeamDefenseQualityTier(g), "medium") << g;
  for (int g : {9, 5, 1, 0}) EXPECT_EQ(TeamDefenseQualityTier(g), "low") << g;
}

// Decision 8 / 28: every one of the 30 teams gets a row; a team below 15
// games gets metrics over the games it has; a team with no game gets NULLs.
TEST(TeamDefenseZoneTest, EveryTeamHasARowEarlySeasonRowsAndEmptyTeams) {
  League league;
  DefenseGame g;
  league.AddGames(g, kD, 6);
  g.team = "BOS";
  g.opponent = "LAL";
  league.AddGames(g, kD, 12);
  auto rows = league.Compute(kD);
  ASSERT_EQ(rows.size(), 30u);
  std::set<std::string> teams;
  for (const Row& r : rows) teams.insert(*Text(r, "team_abbr"));
  EXPECT_EQ(teams.size(), 30u);

  const Row& lal = Team(rows, "LAL");
  EXPECT_EQ(*Int(lal, "games_in_sample"), 6);
  EXPECT_EQ(*Int(lal, "early_season_flag"), 1);
  EXPECT_EQ(Text(lal, "insufficient_data_reason"), "Only 6 games available, need 15");
  EXPECT_EQ(Text(lal, "data_quality_tier"), "low");
  EXPECT_EQ(*Real(lal, "paint_pct_allowed_last_15"), 0.571);  // 120 / 210
  EXPECT_EQ(*Real(lal, "opponent_points_per_game"), 110.0);

  const Row& bos = Team(rows, "BOS");
  EXPECT_EQ(Text(bos, "data_quality_tier"), "medium");
  EXPECT_EQ(Text(bos, "insufficient_data_reason"), "Only 12 games available, need 15");

  const Row& atl = Team(rows, "ATL");
  EXPECT_EQ(*Int(atl, "games_in_sample"), 0);
  EXPECT_EQ(Text(atl, "data_quality_tier"), "low");
  EXPECT_EQ(*Int(atl, "early_season_flag"), 1);
  EXPECT_EQ(Text(atl, "insufficient_data_reason"), "Only 0 games available, need 15");
  for (const char* c :
       {"paint_pct_allowed_last_15", "paint_attempts_allowed_per_game",
        "paint_points_allowed_per_game", "paint_blocks_per_game", "paint_defense_vs_league_avg",
        "mid_range_pct_allowed_last_15", "mid_range_attempts_allowed_per_game",
        "mid_range_blocks_per_game", "mid_range_defense_vs_league_avg",
        "three_pt_pct_allowed_last_15", "three_pt_attempts_allowed_per_game",
        "three_pt_blocks_per_game", "three_pt_defense_vs_league_avg", "defensive_rating_last_15",
        "opponent_points_per_game", "opponent_pace", "strongest_zone", "weakest_zone",
        "calculation_notes"})
    EXPECT_TRUE(IsNull(test::CellOf(S(), atl, c))) << c;
  EXPECT_FALSE(Text(atl, "source_team_defense_hash"));
  EXPECT_EQ(*Int(atl, "source_team_defense_rows_found"), 0);
  // A written row of an empty team is valid (every NOT NULL column set).
  Finished(atl, kD);
}

TEST(TeamDefenseZoneTest, WindowIsTheLast15GamesBeforeD) {
  League league;
  DefenseGame g;
  for (int i = 1; i <= 20; ++i) {
    g.date = AddDays(kD, -i);
    g.points_allowed = i <= 15 ? 100 : 200;  // the 5 oldest games must not count
    league.Add(g);
  }
  g.date = kD;  // a game on D itself is not before D (decision 5)
  g.points_allowed = 300;
  league.Add(g);
  const Row r = Team(league.Compute(kD), "LAL");
  EXPECT_EQ(*Int(r, "games_in_sample"), 15);
  EXPECT_EQ(*Real(r, "opponent_points_per_game"), 100.0);
  EXPECT_EQ(*Int(r, "source_team_defense_rows_found"), 15);
}

// Decision 26: windows stay in the season; preseason and Cup-final games,
// and rows on dates without a counted game, never enter them.
TEST(TeamDefenseZoneTest, WindowKeepsToTheSeasonsCountedGames) {
  League league;
  DefenseGame g;
  g.points_allowed = 100;
  league.AddGames(g, kD, 10);
  DefenseGame other = g;
  other.points_allowed = 500;
  other.date = D("2024-04-10");  // last season
  league.Add(other);
  other.date = D("2024-10-10");  // preseason
  league.schedule.Game(other.date, "LAL", "BOS", GameType::kPreseason);
  league.Add(other, /*scheduled=*/false);
  other.date = D("2024-12-17");  // NBA Cup final
  league.schedule.Game(other.date, "LAL", "BOS", GameType::kCupFinal);
  league.Add(other, /*scheduled=*/false);
  other.date = D("2024-12-24");  // no game in the schedule that day
  league.Add(other, /*scheduled=*/false);
  const Row r = Team(league.Compute(kD), "LAL");
  EXPECT_EQ(*Int(r, "games_in_sample"), 10);
  EXPECT_EQ(*Real(r, "opponent_points_per_game"), 100.0);
}

// No leakage (decision 5): a row dated D changes nothing; one dated D-1 does.
TEST(TeamDefenseZoneTest, NoLeakage) {
  League base;
  for (int t = 0; t < 30; ++t) {
    DefenseGame g;
    g.team = std::string(AllTeams()[static_cast<size_t>(t)].tricode);
    g.paint_makes = 15 + t % 7;
    base.AddGames(g, AddDays(kD, 1), 16);  // games on D-15 .. D
  }
  auto hashes = [](const League& l) {
    auto rows = l.Compute(kD);
    std::vector<Row> done = rows;
    EXPECT_TRUE(FinalizeRows(TeamDefenseZoneAnalysisInfo(), kD, done, "t").ok());
    std::vector<std::string> out;
    for (const Row& r : done) out.push_back(*Text(r, "data_hash"));
    return out;
  };
  const auto original = hashes(base);
  const int paint_makes = TeamDefenseGameSummarySchema().ColumnIndex("opp_paint_makes");
  const int game_date = TeamDefenseGameSummarySchema().ColumnIndex("game_date");
  auto changed_on = [&](Date d) {
    League l = base;
    for (Row& r : l.rows)
      if (std::get<std::string>(r[static_cast<size_t>(game_date)]) == FormatDate(d))
        r[static_cast<size_t>(paint_makes)] = int64_t{2};
    return hashes(l);
  };
  EXPECT_EQ(changed_on(kD), original);
  const auto after = changed_on(AddDays(kD, -1));
  for (size_t i = 0; i < after.size(); ++i) EXPECT_NE(after[i], original[i]) << i;
}

// Completeness (zone-processors.md §1.6 with the later fixes): the team's
// last 15 scheduled games before D, home and away both credited.
TEST(TeamDefenseZoneTest, CompletenessCountsHomeAndAwayGames) {
  League league;
  for (int i = 1; i <= 20; ++i) {
    Date d = AddDays(kD, -i);
    // LAL alternates home and away; its row is missing for 3 of the games.
    if (i % 2)
      league.schedule.Game(d, "LAL", "BOS");
    else
      league.schedule.Game(d, "BOS", "LAL");
    if (i == 2 || i == 5 || i == 9) continue;
    DefenseGame g;
    g.date = d;
    league.Add(g, /*scheduled=*/false);
  }
  const Row r = Team(league.Compute(kD), "LAL");
  EXPECT_EQ(*Int(r, "expected_games_count"), 15);
  EXPECT_EQ(*Int(r, "actual_games_count"), 12);
  EXPECT_EQ(*Int(r, "missing_games_count"), 3);
  EXPECT_EQ(*Real(r, "completeness_percentage"), 80.0);
  EXPECT_EQ(*Int(r, "is_production_ready"), 1);
  EXPECT_EQ(*Real(r, "source_team_defense_completeness_pct"), 80.0);
  EXPECT_EQ(*Int(r, "games_in_sample"), 15);
  EXPECT_EQ(Text(r, "processing_decision_reason"), "processed_successfully");
  EXPECT_EQ(*Int(r, "season_boundary_detected"), 0);
  EXPECT_EQ(*Int(r, "backfill_bootstrap_mode"), 0);
  EXPECT_EQ(*Int(r, "circuit_breaker_active"), 0);
  EXPECT_EQ(Text(r, "data_quality_issues"), "[]");
  EXPECT_EQ(Text(r, "source_team_defense_last_updated"), "2025-01-01T00:00:00.000000Z");
  EXPECT_EQ(Text(r, "source_team_defense_hash")->size(), 16u);
}

// §7 invariants 2-4 over a varied league.
TEST(TeamDefenseZoneTest, Invariants) {
  League league;
  uint32_t x = 12345;
  auto next = [&](int mod) {
    x = x * 1103515245u + 12345u;
    return static_cast<int64_t>((x >> 8) % static_cast<uint32_t>(mod));
  };
  for (int t = 0; t < 30; ++t) {
    for (int i = 1; i <= 18 - t % 10; ++i) {
      DefenseGame g;
      g.team = std::string(AllTeams()[static_cast<size_t>(t)].tricode);
      g.date = AddDays(kD, -i);
      g.paint_attempts = next(40);
      g.paint_makes = *g.paint_attempts ? next(*g.paint_attempts + 1) : 0;
      g.mid_attempts = t == 3 ? 0 : next(25);
      g.mid_makes = *g.mid_attempts ? next(*g.mid_attempts + 1) : 0;
      g.three_attempts = next(40) + 1;
      g.three_makes = next(*g.three_attempts + 1);
      league.Add(g);
    }
  }
  auto in = test::MakeInputs(league.schedule, 2024,
                             {{std::string(kTeamDefenseGameSummary), league.rows}});
  const LeagueAverages avg = ComputeLeagueAverages(*in.season->Table(kTeamDefenseGameSummary), kD);
  EXPECT_GE(avg.teams_in_sample, 10);
  const std::array<double, 3> lg = {avg.paint, avg.mid_range, avg.three_pt};
  auto rows = league.Compute(kD);
  ASSERT_EQ(rows.size(), 30u);
  const char* pct_cols[] = {"paint_pct_allowed_last_15", "mid_range_pct_allowed_last_15",
                            "three_pt_pct_allowed_last_15"};
  const char* vs_cols[] = {"paint_defense_vs_league_avg", "mid_range_defense_vs_league_avg",
                           "three_pt_defense_vs_league_avg"};
  const char* att_cols[] = {"paint_attempts_allowed_per_game",
                            "mid_range_attempts_allowed_per_game",
                            "three_pt_attempts_allowed_per_game"};
  const std::set<std::string> zones = {"paint", "mid_range", "perimeter"};
  for (const Row& r : rows) {
    const int64_t g = *Int(r, "games_in_sample");
    EXPECT_LE(g, 15);
    EXPECT_EQ(*Int(r, "early_season_flag") == 1, g < 15);
    int available = 0;
    for (int z = 0; z < 3; ++z) {
      auto pct = Real(r, pct_cols[z]);
      auto vs = Real(r, vs_cols[z]);
      auto att = Real(r, att_cols[z]);
      ASSERT_TRUE(att);
      EXPECT_GE(*att, 0);
      EXPECT_EQ(pct.has_value(), *att > 0);  // NULL <=> no attempts
      EXPECT_EQ(pct.has_value(), vs.has_value());
      if (pct) {
        ++available;
        EXPECT_GE(*pct, 0);
        EXPECT_LE(*pct, 1);
        // Both columns are stored rounded (pct at 3 decimals, vs at 2), so
        // the stored pct gives vs within 0.05 + 0.005, and its sign where
        // it is further from 0 than that.
        const double expected = (*pct - lg[static_cast<size_t>(z)]) * 100;
        EXPECT_NEAR(*vs, expected, 0.0551);
        if (std::fabs(*vs) > 0.06) {
          EXPECT_EQ(*vs < 0, *pct < lg[static_cast<size_t>(z)]);
        }
      }
    }
    auto s = Text(r, "strongest_zone"), w = Text(r, "weakest_zone");
    ASSERT_TRUE(s && w);
    EXPECT_TRUE(zones.count(*s) && zones.count(*w));
    if (available > 1 && *s == *w) ADD_FAILURE() << "equal zones with " << available << " zones";
    if (*Text(r, "team_abbr") == std::string(AllTeams()[3].tricode)) {
      EXPECT_EQ(Text(r, "calculation_notes"), "No mid-range attempts");
    }
  }
}

TEST(TeamDefenseZoneTest, InfoDeclaresTheProcessor) {
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  EXPECT_EQ(info.name, "team_defense_zone_analysis");
  EXPECT_EQ(info.order, 1);
  EXPECT_EQ(info.output->FullName(), "nba_precompute.team_defense_zone_analysis");
  EXPECT_EQ(info.date_column, "analysis_date");
  EXPECT_EQ(info.entity_column, "team_abbr");
  EXPECT_EQ(info.hash_fields.size(), 23u);
  EXPECT_EQ(info.phase3_inputs,
            std::vector<std::string>{"nba_analytics.team_defense_game_summary"});
}

}  // namespace
}  // namespace phase4::processors
