// Processor #2, player_shot_zone_analysis: the test vectors and invariants
// of zone-processors.md §7 under the contract's decisions.
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "processor_test_util.h"
#include "processors/common/numeric.h"
#include "processors/common/writer.h"

namespace phase4::processors {
namespace {

using test::D;
using test::PlayerGame;
using test::PlayerRow;

const TableSchema& S() { return PlayerShotZoneAnalysisSchema(); }
std::optional<double> Real(const Row& r, const char* c) { return test::RealOf(S(), r, c); }
std::optional<int64_t> Int(const Row& r, const char* c) { return test::IntOf(S(), r, c); }
std::optional<std::string> Text(const Row& r, const char* c) { return test::TextOf(S(), r, c); }

const Date kD = D("2025-01-27");

struct Players {
  test::ScheduleBuilder schedule;
  std::vector<Row> rows;
  std::set<std::pair<Date, std::string>> scheduled;
  Players() { schedule.Game(D("2024-10-22"), "NYK", "ORL"); }
  void Add(const PlayerGame& g, bool schedule_it = true) {
    if (schedule_it && scheduled.insert({g.date, g.team}).second) {
      schedule.Game(g.date, g.team, g.opponent);
      scheduled.insert({g.date, g.opponent});
    }
    rows.push_back(PlayerRow(g));
  }
  // `n` games of `base` on the n days before `d`.
  void AddGames(PlayerGame base, Date d, int n) {
    for (int i = 1; i <= n; ++i) {
      base.date = AddDays(d, -i);
      Add(base);
    }
  }
  std::vector<Row> Compute(Date d) const {
    auto in =
        test::MakeInputs(schedule, SeasonYearOf(d), {{std::string(kPlayerGameSummary), rows}});
    auto out = ComputePlayerShotZoneAnalysis(d, in.For(d));
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? *out : std::vector<Row>{};
  }
};

const Row* Player(const std::vector<Row>& rows, const std::string& p) {
  return test::FindRow(S(), rows, "player_lookup", p);
}

Row Finished(const Row& row, Date d) {
  std::vector<Row> rows{row};
  Status s = FinalizeRows(PlayerShotZoneAnalysisInfo(), d, rows, "2025-01-27T23:15:00.000000Z");
  EXPECT_TRUE(s.ok()) << s.message();
  return rows[0];
}

// P1, the LeBron example: 10 games, 80/50 paint, 40/20 mid, 60/20 three,
// 90 makes of which 60 assisted.
TEST(PlayerShotZoneTest, P1Baseline) {
  Players p;
  for (int i = 1; i <= 10; ++i) {
    PlayerGame g;
    g.date = AddDays(kD, -i);
    g.paint_makes = i <= 5 ? 4 : 6;  // 50 over the ten games, varying per game
    p.Add(g);
  }
  auto rows = p.Compute(kD);
  ASSERT_EQ(rows.size(), 1u);
  const Row& r = rows[0];
  EXPECT_EQ(*Real(r, "paint_rate_last_10"), 44.44);
  EXPECT_EQ(*Real(r, "mid_range_rate_last_10"), 22.22);
  EXPECT_EQ(*Real(r, "three_pt_rate_last_10"), 33.33);
  EXPECT_EQ(*Real(r, "paint_pct_last_10"), 0.625);
  EXPECT_EQ(*Real(r, "mid_range_pct_last_10"), 0.5);
  EXPECT_EQ(*Real(r, "three_pt_pct_last_10"), 0.333);
  EXPECT_EQ(*Real(r, "paint_attempts_per_game"), 8.0);
  EXPECT_EQ(*Real(r, "mid_range_attempts_per_game"), 4.0);
  EXPECT_EQ(*Real(r, "three_pt_attempts_per_game"), 6.0);
  EXPECT_EQ(*Real(r, "assisted_rate_last_10"), 66.67);
  EXPECT_EQ(*Real(r, "unassisted_rate_last_10"), 33.33);
  EXPECT_EQ(*Int(r, "total_shots_last_10"), 180);
  EXPECT_EQ(Text(r, "primary_scoring_zone"), "paint");
  EXPECT_EQ(Text(r, "data_quality_tier"), "high");
  EXPECT_EQ(Text(r, "sample_quality_10"), "excellent");
  EXPECT_EQ(*Int(r, "games_in_sample_10"), 10);
  EXPECT_EQ(*Int(r, "games_in_sample_20"), 10);
  EXPECT_EQ(Text(r, "sample_quality_20"), "limited");
  EXPECT_FALSE(Real(r, "paint_rate_last_20"));
  EXPECT_FALSE(Real(r, "paint_pct_last_20"));
  EXPECT_FALSE(Text(r, "player_position"));
  EXPECT_FALSE(Text(r, "calculation_notes"));
  EXPECT_EQ(*Int(r, "early_season_flag"), 0);
  EXPECT_FALSE(Text(r, "insufficient_data_reason"));
  EXPECT_EQ(Text(r, "universal_player_id"), "lebronjames_001");
  EXPECT_EQ(Text(Finished(r, kD), "data_hash"), "f707418fe67d55e8");
}

TEST(PlayerShotZoneTest, P2PrimaryScoringZone) {
  struct Case {
    std::optional<double> p, m, t;
    std::optional<std::string> want;
  };
  const std::vector<Case> cases = {
      {40.0, 30, 30, "paint"},
      {45, 10, 45, "paint"},
      {30, 30, 40.0, "perimeter"},
      {30, 35.0, 35, "mid_range"},
      {35, 30.0, 35, "balanced"},
      {34, 33, 33, "balanced"},
      {std::nullopt, std::nullopt, std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(PrimaryScoringZone(c.p, c.m, c.t), c.want);
}

TEST(PlayerShotZoneTest, P3SampleQuality) {
  for (int n : {10, 12}) EXPECT_EQ(SampleQuality(n, 10), "excellent");
  for (int n : {7, 9}) EXPECT_EQ(SampleQuality(n, 10), "good");
  for (int n : {5, 6}) EXPECT_EQ(SampleQuality(n, 10), "limited");
  for (int n : {4, 0}) EXPECT_EQ(SampleQuality(n, 10), "insufficient");
  EXPECT_EQ(SampleQuality(20, 20), "excellent");
  for (int n : {14, 19}) EXPECT_EQ(SampleQuality(n, 20), "good");
  for (int n : {10, 13}) EXPECT_EQ(SampleQuality(n, 20), "limited");
  EXPECT_EQ(SampleQuality(9, 20), "insufficient");
}

TEST(PlayerShotZoneTest, P4QualityTier) {
  for (int n : {10, 82}) EXPECT_EQ(ShotZoneQualityTier(n), "high");
  for (int n : {7, 8, 9}) EXPECT_EQ(ShotZoneQualityTier(n), "medium");
  for (int n : {6, 0}) EXPECT_EQ(ShotZoneQualityTier(n), "low");
}

// The 10-game sample of a player with `n` games before kD, game i edited by
// `edit(game, i)`.
ShotZoneSample Sample(int n, const std::function<void(PlayerGame&, int)>& edit) {
  Players p;
  for (int i = 0; i < n; ++i) {
    PlayerGame g;
    g.date = AddDays(kD, -1 - i);
    edit(g, i);
    p.Add(g);
  }
  auto in = test::MakeInputs(p.schedule, 2024, {{std::string(kPlayerGameSummary), p.rows}});
  const SeasonTable& t = *in.season->Table(kPlayerGameSummary);
  return ComputeShotZoneSample(t, t.LastN("lebronjames", kD, 10));
}

// P5 with decision 29 (the post-fix behaviour is the contract).
TEST(PlayerShotZoneTest, P5ZeroAndNullHandling) {
  {  // No mid-range attempts over 10 games.
    ShotZoneSample s = Sample(10, [](PlayerGame& g, int) { g.mid_attempts = g.mid_makes = 0; });
    EXPECT_FALSE(s.mid_range_pct);
    EXPECT_EQ(*s.mid_range_pg, 0.0);
    EXPECT_NEAR(*s.paint_rate + *s.mid_range_rate + *s.three_pt_rate, 100, 0.1);
    EXPECT_EQ(*s.mid_range_rate, 0.0);
  }
  {  // All makes 0 with attempts: FG% 0.0, shares NULL (F = 0).
    ShotZoneSample s = Sample(10, [](PlayerGame& g, int) {
      g.paint_makes = g.mid_makes = g.three_makes = g.fg_makes = 0;
      g.assisted = g.unassisted = 0;
    });
    EXPECT_EQ(*s.paint_pct, 0.0);
    EXPECT_EQ(*s.mid_range_pct, 0.0);
    EXPECT_EQ(*s.three_pt_pct, 0.0);
    EXPECT_FALSE(s.assisted_rate);
    EXPECT_FALSE(s.unassisted_rate);
  }
  {  // T = 0 with F > 0: the shares are NULL (the Dec 7 fix), as is total_shots.
    ShotZoneSample s = Sample(10, [](PlayerGame& g, int) {
      g.paint_attempts = g.paint_makes = g.mid_attempts = g.mid_makes = 0;
      g.three_attempts = g.three_makes = 0;
    });
    EXPECT_FALSE(s.assisted_rate);
    EXPECT_FALSE(s.paint_rate);
    EXPECT_FALSE(s.total_shots);
    EXPECT_FALSE(PrimaryScoringZone(s.paint_rate, s.mid_range_rate, s.three_pt_rate));
  }
  {  // Paint and mid NULL upstream, threes present: decision 29 nulls the
     // rates, shares, primary zone and total shots (the reference wrote
     // three_rate 100 and primary perimeter).
    ShotZoneSample s = Sample(10, [](PlayerGame& g, int) {
      g.paint_attempts = g.paint_makes = g.mid_attempts = g.mid_makes = std::nullopt;
    });
    EXPECT_FALSE(s.paint_rate);
    EXPECT_FALSE(s.mid_range_rate);
    EXPECT_FALSE(s.three_pt_rate);
    EXPECT_FALSE(s.assisted_rate);
    EXPECT_FALSE(s.unassisted_rate);
    EXPECT_FALSE(s.total_shots);
    EXPECT_FALSE(s.paint_pct);
    EXPECT_FALSE(s.paint_pg);  // NULL stays NULL (decision 11)
    EXPECT_EQ(*s.three_pt_pct, 0.333);
    EXPECT_EQ(*s.three_pt_pg, 6.0);
  }
}

// NULL zone columns flow through compute to a valid row.
TEST(PlayerShotZoneTest, NullZoneColumnsUpstreamGiveNullSharesInTheRow) {
  Players p;
  PlayerGame g;
  g.paint_attempts = g.paint_makes = g.mid_attempts = g.mid_makes = std::nullopt;
  g.assisted = g.unassisted = std::nullopt;
  p.AddGames(g, kD, 12);
  auto rows = p.Compute(kD);
  ASSERT_EQ(rows.size(), 1u);
  const Row f = Finished(rows[0], kD);
  for (const char* c : {"paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10",
                        "assisted_rate_last_10", "unassisted_rate_last_10", "paint_pct_last_10",
                        "paint_attempts_per_game"})
    EXPECT_FALSE(Real(f, c)) << c;
  EXPECT_FALSE(Int(f, "total_shots_last_10"));
  EXPECT_FALSE(Text(f, "primary_scoring_zone"));
  EXPECT_EQ(*Real(f, "three_pt_attempts_per_game"), 6.0);
}

// P6: round half to even on the exact binary value (decision 34).
TEST(PlayerShotZoneTest, P6RoundingParity) {
  EXPECT_EQ(RoundHalfEven(1.0 / 16, 3), 0.062);
  EXPECT_EQ(RoundHalfEven(9.0 / 4, 1), 2.2);
  EXPECT_EQ(RoundHalfEven(11.0 / 4, 1), 2.8);
  EXPECT_EQ(RoundHalfEven(100.0 / 3, 2), 33.33);
  EXPECT_EQ(RoundHalfEven(200.0 / 3, 2), 66.67);
  // Through compute: 1 make in 16 paint attempts; 9 mid attempts over 4 games.
  ShotZoneSample s = Sample(4, [](PlayerGame& g, int i) {
    g.paint_attempts = 4;
    g.paint_makes = i == 0 ? 1 : 0;
    g.mid_attempts = i == 0 ? 3 : 2;
    g.three_attempts = i < 3 ? 3 : 2;  // 11
  });
  EXPECT_EQ(*s.paint_pct, 0.062);
  EXPECT_EQ(*s.mid_range_pg, 2.2);
  EXPECT_EQ(*s.three_pt_pg, 2.8);
}

// Decision 35 through the processor: 49 paint attempts of 160 is 30.625,
// stored 30.62 (the reference's 49 / 160 * 100 = 30.625000000000004 gave
// 30.63); 51 of 160 is 31.875, stored 31.88 (binary: 31.87).
TEST(PlayerShotZoneTest, Decision35ExactSharesAtTies) {
  for (const auto& [paint, stored] : {std::pair<int, double>{49, 30.62}, {51, 31.88}}) {
    Players p;
    // `total` attempts spread over the ten games.
    auto spread = [](int total, int i) { return total / 10 + (i <= total % 10 ? 1 : 0); };
    for (int i = 1; i <= 10; ++i) {
      PlayerGame g;
      g.date = AddDays(kD, -i);
      g.paint_attempts = spread(paint, i);
      g.paint_makes = 2;
      g.mid_attempts = 5;                              // 50
      g.three_attempts = spread(160 - paint - 50, i);  // the rest of 160
      g.three_makes = 3;
      p.Add(g);
    }
    const Row f = Finished(*Player(p.Compute(kD), "lebronjames"), kD);
    EXPECT_EQ(*Int(f, "total_shots_last_10"), 160);
    EXPECT_EQ(*Real(f, "paint_rate_last_10"), stored) << paint;
    EXPECT_EQ(*Real(f, "mid_range_rate_last_10"), 31.25);
    // 61/160 = 38.125 -> 38.12; 59/160 = 36.875 -> 36.88.
    EXPECT_EQ(*Real(f, "three_pt_rate_last_10"), paint == 49 ? 38.12 : 36.88);
    // Makes 20 of 49 / 51 paint attempts at 3 decimals, per game at 1.
    EXPECT_EQ(*Real(f, "paint_pct_last_10"), paint == 49 ? 0.408 : 0.392);
    EXPECT_EQ(*Real(f, "paint_attempts_per_game"), paint == 49 ? 4.9 : 5.1);
  }
}

// P7: windows over played games; the same-day row is excluded (decision 5,
// the reference included it at 9f2f64b8).
TEST(PlayerShotZoneTest, P7Windows) {
  {
    Players p;
    PlayerGame g;
    p.AddGames(g, kD, 25);
    const Row r = *Player(p.Compute(kD), "lebronjames");
    EXPECT_EQ(*Int(r, "games_in_sample_10"), 10);
    EXPECT_EQ(*Int(r, "games_in_sample_20"), 20);
    EXPECT_EQ(Text(r, "sample_quality_20"), "excellent");
    EXPECT_EQ(*Real(r, "paint_rate_last_20"), 44.44);
    EXPECT_EQ(*Real(r, "paint_pct_last_20"), 0.625);
    EXPECT_EQ(*Int(r, "source_player_game_rows_found"), 20);
  }
  {
    Players p;
    PlayerGame g;
    p.AddGames(g, kD, 14);
    const Row r = *Player(p.Compute(kD), "lebronjames");
    EXPECT_EQ(*Int(r, "games_in_sample_20"), 14);
    EXPECT_FALSE(Real(r, "paint_rate_last_20"));
    EXPECT_FALSE(Real(r, "paint_pct_last_20"));
  }
  {  // 15 games: the 20-game fields appear.
    Players p;
    PlayerGame g;
    p.AddGames(g, kD, 15);
    const Row r = *Player(p.Compute(kD), "lebronjames");
    EXPECT_EQ(*Real(r, "paint_rate_last_20"), 44.44);
  }
  {  // DNP rows are excluded before ranking; the row dated D too.
    Players p;
    PlayerGame g;
    p.AddGames(g, kD, 10);
    // Three non-played rows, older than the played games, would otherwise
    // enter the 20-game window.
    PlayerGame dnp = g;
    dnp.paint_attempts = 100;
    for (int k = 0; k < 3; ++k) {
      dnp.date = AddDays(kD, -11 - k);
      if (k == 0) dnp.is_active = false;  // inactive
      if (k == 1) {                       // active, 0 minutes, no attempts
        dnp.is_active = true;
        dnp.minutes = 0;
        dnp.fg_attempts = 0;
      }
      if (k == 2) dnp.minutes = std::nullopt;  // NULL minutes, no attempts
      p.Add(dnp);
    }
    PlayerGame same_day = g;
    same_day.date = kD;
    same_day.paint_attempts = 100;
    p.Add(same_day);
    const Row r = *Player(p.Compute(kD), "lebronjames");
    EXPECT_EQ(*Int(r, "games_in_sample_10"), 10);
    EXPECT_EQ(*Int(r, "games_in_sample_20"), 10);
    EXPECT_EQ(*Real(r, "paint_attempts_per_game"), 8.0);
  }
  {  // NULL minutes with field-goal attempts is a played game (decision 27).
    Players p;
    PlayerGame g;
    g.minutes = std::nullopt;
    p.AddGames(g, kD, 3);
    const Row r = *Player(p.Compute(kD), "lebronjames");
    EXPECT_EQ(*Int(r, "games_in_sample_10"), 3);
  }
}

// Decisions 8, 29, 30: below 10 played games the row exists, with metrics
// over the games played and the early-season fields set.
TEST(PlayerShotZoneTest, EarlySeasonRows) {
  Players p;
  PlayerGame g;
  p.AddGames(g, kD, 6);
  const Row r = *Player(p.Compute(kD), "lebronjames");
  EXPECT_EQ(*Int(r, "games_in_sample_10"), 6);
  EXPECT_EQ(*Int(r, "early_season_flag"), 1);
  EXPECT_EQ(Text(r, "insufficient_data_reason"), "Only 6 games available, need 10");
  EXPECT_EQ(Text(r, "data_quality_tier"), "low");
  EXPECT_EQ(Text(r, "sample_quality_10"), "limited");
  EXPECT_EQ(*Real(r, "paint_rate_last_10"), 44.44);
  // One game is enough for a row.
  Players one;
  one.AddGames(g, kD, 1);
  auto rows = one.Compute(kD);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Text(rows[0], "insufficient_data_reason"), "Only 1 games available, need 10");
  Finished(rows[0], kD);
}

TEST(PlayerShotZoneTest, TradedPlayersGamesForBothTeamsArePooled) {
  Players p;
  PlayerGame g;
  g.team = "LAL";
  g.opponent = "BOS";
  for (int i = 1; i <= 12; ++i) {
    g.date = AddDays(kD, -i);
    if (i <= 5) {  // the 5 newest games for the new team
      g.team = "DAL";
      g.opponent = "MIA";
      g.paint_attempts = 10;
    } else {
      g.team = "LAL";
      g.opponent = "BOS";
      g.paint_attempts = 4;
    }
    p.Add(g);
  }
  const Row r = *Player(p.Compute(kD), "lebronjames");
  EXPECT_EQ(*Int(r, "games_in_sample_10"), 10);
  EXPECT_EQ(*Real(r, "paint_attempts_per_game"), (5 * 10 + 5 * 4) / 10.0);
  // Completeness follows the current team (DAL: its last 10 scheduled games
  // are the 5 the player played for it).
  EXPECT_EQ(*Int(r, "expected_games_count"), 5);
  EXPECT_EQ(*Int(r, "actual_games_count"), 5);
}

TEST(PlayerShotZoneTest, PlayerWithOnlyDnpGamesGetsNoRow) {
  Players p;
  PlayerGame g;
  g.player = "benchguy";
  g.is_active = false;
  p.AddGames(g, kD, 5);
  PlayerGame z;
  z.player = "zerominutes";
  z.minutes = 0;
  z.fg_attempts = 0;
  p.AddGames(z, kD, 5);
  PlayerGame played;
  played.player = "starter";
  p.AddGames(played, kD, 5);
  auto rows = p.Compute(kD);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Text(rows[0], "player_lookup"), "starter");
}

TEST(PlayerShotZoneTest, PlayerWhoseOnlyGameIsOnDGetsNoRow) {
  Players p;
  PlayerGame g;
  g.date = kD;
  p.Add(g);
  EXPECT_TRUE(p.Compute(kD).empty());
  EXPECT_EQ(p.Compute(AddDays(kD, 1)).size(), 1u);
}

TEST(PlayerShotZoneTest, NoLeakage) {
  Players base;
  for (int k = 0; k < 5; ++k) {
    PlayerGame g;
    g.player = "player" + std::to_string(k);
    g.paint_makes = 3 + k;
    base.AddGames(g, AddDays(kD, 1), 12);  // D-11 .. D
  }
  auto hashes = [](const Players& p) {
    auto rows = p.Compute(kD);
    EXPECT_TRUE(FinalizeRows(PlayerShotZoneAnalysisInfo(), kD, rows, "t").ok());
    std::vector<std::string> out;
    for (const Row& r : rows) out.push_back(*Text(r, "data_hash"));
    return out;
  };
  const auto original = hashes(base);
  ASSERT_EQ(original.size(), 5u);
  const int col = PlayerGameSummarySchema().ColumnIndex("paint_attempts");
  const int date_col = PlayerGameSummarySchema().ColumnIndex("game_date");
  auto changed_on = [&](Date d) {
    Players p = base;
    for (Row& r : p.rows)
      if (std::get<std::string>(r[static_cast<size_t>(date_col)]) == FormatDate(d))
        r[static_cast<size_t>(col)] = int64_t{30};
    return hashes(p);
  };
  EXPECT_EQ(changed_on(kD), original);
  const auto after = changed_on(AddDays(kD, -1));
  for (size_t i = 0; i < after.size(); ++i) EXPECT_NE(after[i], original[i]) << i;
}

// §7 invariants 5-7 over varied players.
TEST(PlayerShotZoneTest, Invariants) {
  Players p;
  uint32_t x = 987;
  auto next = [&](int mod) {
    x = x * 1664525u + 1013904223u;
    return static_cast<int64_t>((x >> 8) % static_cast<uint32_t>(mod));
  };
  for (int k = 0; k < 40; ++k) {
    for (int i = 1; i <= 1 + k % 25; ++i) {
      PlayerGame g;
      g.player = "p" + std::to_string(k);
      g.date = AddDays(kD, -i);
      g.paint_attempts = next(10);
      g.paint_makes = next(*g.paint_attempts + 1);
      g.mid_attempts = next(6);
      g.mid_makes = next(*g.mid_attempts + 1);
      g.three_attempts = next(9);
      g.three_makes = next(*g.three_attempts + 1);
      g.fg_makes = *g.paint_makes + *g.mid_makes + *g.three_makes;
      g.assisted = next(*g.fg_makes + 1);
      g.unassisted = *g.fg_makes - *g.assisted;
      g.fg_attempts = *g.paint_attempts + *g.mid_attempts + *g.three_attempts;
      p.Add(g);
    }
  }
  auto rows = p.Compute(kD);
  ASSERT_EQ(rows.size(), 40u);
  auto in = test::MakeInputs(p.schedule, 2024, {{std::string(kPlayerGameSummary), p.rows}});
  const SeasonTable& pgs = *in.season->Table(kPlayerGameSummary);
  for (Row r : rows) {
    r = Finished(r, kD);
    const std::string player = *Text(r, "player_lookup");
    const int64_t g10 = *Int(r, "games_in_sample_10"), g20 = *Int(r, "games_in_sample_20");
    EXPECT_LE(g10, std::min<int64_t>(10, g20));
    EXPECT_LE(g20, 20);
    if (Real(r, "paint_rate_last_20")) {
      EXPECT_GE(g20, 15);
    }
    auto pr = Real(r, "paint_rate_last_10"), mr = Real(r, "mid_range_rate_last_10"),
         tr = Real(r, "three_pt_rate_last_10");
    if (pr) {
      EXPECT_NEAR(*pr + *mr + *tr, 100, 0.03) << player;
    }
    auto ar = Real(r, "assisted_rate_last_10"), ur = Real(r, "unassisted_rate_last_10");
    if (ar) {
      EXPECT_NEAR(*ar + *ur, 100, 0.02) << player;
    }
    for (const char* c : {"paint_pct_last_10", "mid_range_pct_last_10", "three_pt_pct_last_10"})
      if (auto v = Real(r, c)) {
        EXPECT_TRUE(*v >= 0 && *v <= 1) << c;
      }
    // total_shots = Σ zone attempts over games_10; per-game x g ≈ the sum.
    int64_t pa = 0, ma = 0, ta = 0;
    for (const Row& g : pgs.LastN(player, kD, 10)) {
      pa += *AsInt(g[static_cast<size_t>(pgs.Col("paint_attempts"))]);
      ma += *AsInt(g[static_cast<size_t>(pgs.Col("mid_range_attempts"))]);
      ta += *AsInt(g[static_cast<size_t>(pgs.Col("three_pt_attempts"))]);
    }
    if (pa + ma + ta > 0) {
      EXPECT_EQ(*Int(r, "total_shots_last_10"), pa + ma + ta);
    }
    EXPECT_NEAR(*Real(r, "paint_attempts_per_game") * static_cast<double>(g10),
                static_cast<double>(pa), 0.05 * static_cast<double>(g10));
    EXPECT_NEAR(*Real(r, "three_pt_attempts_per_game") * static_cast<double>(g10),
                static_cast<double>(ta), 0.05 * static_cast<double>(g10));
    EXPECT_EQ(*Int(r, "early_season_flag") == 1, g10 < 10);
    auto pct = Real(r, "source_player_game_completeness_pct");
    EXPECT_TRUE(*pct >= 0 && *pct <= 100);
    EXPECT_EQ(
        *Int(r, "missing_games_count"),
        std::max<int64_t>(0, *Int(r, "expected_games_count") - *Int(r, "actual_games_count")));
    EXPECT_EQ(*Int(r, "is_production_ready") == 1, *Real(r, "completeness_percentage") >= 70.0);
  }
}

TEST(PlayerShotZoneTest, InfoDeclaresTheProcessor) {
  const ProcessorInfo& info = PlayerShotZoneAnalysisInfo();
  EXPECT_EQ(info.name, "player_shot_zone_analysis");
  EXPECT_EQ(info.order, 2);
  EXPECT_EQ(info.entity_column, "player_lookup");
  EXPECT_EQ(info.hash_fields.size(), 25u);
}

}  // namespace
}  // namespace phase4::processors
