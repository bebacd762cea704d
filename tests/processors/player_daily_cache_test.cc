// Processor #4, player_daily_cache: the test vectors and invariants of
// composite-and-cache.md §5.2 under the contract's decisions (no leakage, no
// DNP rows, the context team's pace, early season, idempotency).
#include "processors/player_daily_cache/player_daily_cache.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "processor_test_util.h"
#include "processors/common/writer.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"

namespace phase4::processors {
namespace {

using test::D;

const TableSchema& S() { return PlayerDailyCacheSchema(); }
std::optional<double> Real(const Row& r, const char* c) { return test::RealOf(S(), r, c); }
std::optional<int64_t> Int(const Row& r, const char* c) { return test::IntOf(S(), r, c); }
std::optional<std::string> Text(const Row& r, const char* c) { return test::TextOf(S(), r, c); }

const Date kD = D("2024-01-15");

struct Game {
  std::string player = "lebronjames";
  std::string team = "LAL";
  std::string opponent = "BOS";
  Date date{};
  std::optional<int64_t> points = 20;
  std::optional<double> minutes = 35, usage = 28.0, ts = 0.6;
  std::optional<int64_t> fg_makes = 9, assisted = 6, fg_attempts = 18;
  bool active = true;
};

struct Ctx {
  std::string player = "lebronjames";
  std::string team = "LAL";
  std::string opponent = "BOS";
  std::optional<int64_t> games7 = 3, games14 = 6, minutes7 = 105, minutes14 = 210, b2b14 = 1,
                         age = 39;
  std::optional<double> q4_minutes7 = 24.7, avg_minutes7 = 35.0;
};

struct Fixture {
  test::ScheduleBuilder schedule;
  std::set<std::pair<Date, std::string>> scheduled;
  std::vector<Row> pgs, togs, ctx, shot;
  Fixture() { Schedule(D("2023-10-24"), "NYK", "ORL"); }
  void Schedule(Date d, const std::string& home, const std::string& away) {
    if (scheduled.count({d, home}) || scheduled.count({d, away})) return;
    schedule.Game(d, home, away);
    scheduled.insert({d, home});
    scheduled.insert({d, away});
  }
  void Add(const Game& g) {
    Schedule(g.date, g.team, g.opponent);
    test::PlayerGame p;
    p.player = g.player;
    p.upid = g.player + "_001";
    p.team = g.team;
    p.opponent = g.opponent;
    p.date = g.date;
    p.minutes = g.minutes;
    p.fg_makes = g.fg_makes;
    p.fg_attempts = g.fg_attempts;
    p.assisted = g.assisted;
    p.is_active = g.active;
    Row r = test::PlayerRow(p);
    const TableSchema& s = PlayerGameSummarySchema();
    r[static_cast<size_t>(s.ColumnIndex("points"))] = ToValue(g.points);
    r[static_cast<size_t>(s.ColumnIndex("usage_rate"))] = ToValue(g.usage);
    r[static_cast<size_t>(s.ColumnIndex("ts_pct"))] = ToValue(g.ts);
    pgs.push_back(std::move(r));
  }
  // Games of `base` on the days before `d`, newest first, points as given.
  void AddPoints(Game base, Date d, const std::vector<int64_t>& points) {
    for (size_t i = 0; i < points.size(); ++i) {
      base.date = AddDays(d, -static_cast<int>(i) - 1);
      base.points = points[i];
      Add(base);
    }
  }
  void Team(const std::string& team, const std::string& opp, Date d, double pace, double ortg) {
    Schedule(d, team, opp);
    RowBuilder b(TeamOffenseGameSummarySchema());
    b.Set("game_id", FormatCompactDate(d) + "_" + team)
        .Set("game_date", FormatDate(d))
        .Set("team_abbr", team)
        .Set("opponent_team_abbr", opp)
        .Set("season_year", int64_t{SeasonYearOf(d)})
        .Set("pace", pace)
        .Set("offensive_rating", ortg)
        .Set("home_game", int64_t{1})
        .Set("win_flag", int64_t{1})
        .Set("processed_at", std::string("2024-01-01T00:00:00.000000Z"));
    togs.push_back(b.Build());
  }
  void Context(const Ctx& c, Date d = kD) {
    RowBuilder b(UpcomingPlayerGameContextSchema());
    b.Set("player_lookup", c.player)
        .Set("universal_player_id", c.player + "_001")
        .Set("game_id", std::string("0022300500"))
        .Set("game_date", FormatDate(d))
        .Set("team_abbr", c.team)
        .Set("opponent_team_abbr", c.opponent)
        .Set("home_game", int64_t{1})
        .Set("back_to_back", int64_t{0})
        .Set("games_in_last_7_days", ToValue(c.games7))
        .Set("games_in_last_14_days", ToValue(c.games14))
        .Set("minutes_in_last_7_days", ToValue(c.minutes7))
        .Set("minutes_in_last_14_days", ToValue(c.minutes14))
        .Set("back_to_backs_last_14_days", ToValue(c.b2b14))
        .Set("fourth_quarter_minutes_last_7", ToValue(c.q4_minutes7))
        .Set("avg_minutes_per_game_last_7", ToValue(c.avg_minutes7))
        .Set("player_age", ToValue(c.age))
        .Set("processed_at", std::string("2024-01-15T10:00:00.000000Z"));
    ctx.push_back(b.Build());
  }
  void Shot(const std::string& player, std::optional<std::string> zone, double paint,
            double three) {
    RowBuilder b(PlayerShotZoneAnalysisSchema());
    b.Set("player_lookup", player)
        .Set("analysis_date", FormatDate(kD))
        .Set("primary_scoring_zone", ToValue(zone))
        .Set("paint_rate_last_10", paint)
        .Set("three_pt_rate_last_10", three)
        .Set("early_season_flag", int64_t{0})
        .Set("data_hash", std::string("shothash00000000"))
        .Set("processed_at", std::string("2024-01-15T23:00:00.000000Z"));
    shot.push_back(b.Build());
  }
  std::vector<Row> Finished(Date d = kD) const {
    auto in = test::MakeInputs(schedule, SeasonYearOf(d),
                               {{std::string(kUpcomingPlayerGameContext), ctx},
                                {std::string(kTeamOffenseGameSummary), togs},
                                {std::string(kPlayerGameSummary), pgs}});
    ProcessorInputs pi = in.For(d);
    pi.upstream["player_shot_zone_analysis"] = shot;
    auto out = ComputePlayerDailyCache(d, pi);
    EXPECT_TRUE(out.ok()) << out.status().message();
    if (!out.ok()) return {};
    std::vector<Row> rows = *out;
    Status s = FinalizeRows(PlayerDailyCacheInfo(), d, rows, "2024-01-16T00:00:00.000000Z");
    EXPECT_TRUE(s.ok()) << s.message();
    return rows;
  }
};

// The single row of a date (by value: callers pass temporaries).
Row Only(const std::vector<Row>& rows) {
  EXPECT_EQ(rows.size(), 1u);
  return rows.empty() ? Row(PlayerDailyCacheSchema().size()) : rows[0];
}

// P1: twelve played games.
TEST(PlayerDailyCacheTest, P1) {
  Fixture f;
  f.Context(Ctx{});
  const std::vector<int64_t> pts{30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8};
  const std::vector<int64_t> fgm{10, 9, 8, 11, 10, 7, 12, 9, 10, 14, 5, 5};
  const std::vector<int64_t> ast{4, 5, 3, 6, 4, 2, 7, 5, 4, 8, 5, 5};
  for (size_t i = 0; i < pts.size(); ++i) {
    Game g;
    g.date = AddDays(kD, -static_cast<int>(i) - 1);
    g.points = pts[i], g.fg_makes = fgm[i], g.assisted = ast[i];
    f.Add(g);
  }
  const Row& r = Only(f.Finished());
  EXPECT_EQ(*Real(r, "points_avg_last_5"), 26.0);
  EXPECT_EQ(*Real(r, "points_avg_last_10"), 21.0);
  EXPECT_EQ(*Real(r, "points_avg_season"), 19.0);
  EXPECT_EQ(*Real(r, "points_std_last_10"), 6.06);  // 6.0553 at 2 decimals
  EXPECT_EQ(*Real(r, "assisted_rate_last_10"), 0.48);
  EXPECT_EQ(*Int(r, "games_played_season"), 12);
  EXPECT_EQ(*Int(r, "early_season_flag"), 0);
  EXPECT_FALSE(Text(r, "insufficient_data_reason"));
  EXPECT_EQ(*Real(r, "minutes_avg_last_10"), 35.0);
  EXPECT_EQ(*Real(r, "usage_rate_last_10"), 28.0);
  EXPECT_EQ(*Real(r, "ts_pct_last_10"), 0.6);
  EXPECT_EQ(*Real(r, "player_usage_rate_season"), 28.0);
  EXPECT_EQ(*Text(r, "cache_version"), "v1");
  EXPECT_EQ(*Int(r, "source_player_game_rows_found"), 12);
}

TEST(PlayerDailyCacheTest, StandardDeviationVectors) {
  // P2: points 26..35: std 3.0277, mean 30.5; P5: 20, 22 -> 1.4142; one
  // game -> NULL.
  Fixture f;
  std::vector<int64_t> p2;
  for (int64_t p = 35; p >= 26; --p) p2.push_back(p);
  Game g;
  f.AddPoints(g, kD, p2);
  f.Context(Ctx{});
  auto t = test::MakeInputs(f.schedule, 2023, {{std::string(kPlayerGameSummary), f.pgs}});
  const SeasonTable& pgs = *t.season->Table(kPlayerGameSummary);
  auto s = ComputePlayerCacheStats(pgs, pgs.Before("lebronjames", kD));
  EXPECT_NEAR(*s.points_std_last_10, 3.0277, 5e-5);
  EXPECT_EQ(*s.points_avg_last_10, Exact::Decimal(305, 1));
  Fixture f2;
  f2.AddPoints(g, kD, {20, 22});
  auto t2 = test::MakeInputs(f2.schedule, 2023, {{std::string(kPlayerGameSummary), f2.pgs}});
  const SeasonTable& pgs2 = *t2.season->Table(kPlayerGameSummary);
  auto s2 = ComputePlayerCacheStats(pgs2, pgs2.Before("lebronjames", kD));
  EXPECT_NEAR(*s2.points_std_last_10, 1.4142, 5e-5);
  auto s1 = ComputePlayerCacheStats(pgs2, pgs2.Before("lebronjames", kD).last(1));
  EXPECT_FALSE(s1.points_std_last_10);
  EXPECT_EQ(*s1.points_avg_last_5, Exact(20));
}

// Decision 35 through the processor: means of decimals are exact before
// their one rounding. Usage 16.86, 17.03, 15.52, 27.9, 10.94, 6.28 average
// 15.755, stored 15.76 (a long-double mean is 15.75499..., stored 15.75).
TEST(PlayerDailyCacheTest, Decision35ExactMeansAtTies) {
  Fixture f;
  f.Context(Ctx{});
  const std::vector<double> usage{16.86, 17.03, 15.52, 27.9, 10.94, 6.28};
  const std::vector<double> ts{0.5, 0.5, 0.5, 0.5, 0.5, 0.509};   // 0.5015 -> 0.502
  const std::vector<double> minutes{35.1, 35.2, 35, 35, 35, 35};  // 35.05 -> 35.0
  for (size_t i = 0; i < usage.size(); ++i) {
    Game g;
    g.date = AddDays(kD, -static_cast<int>(i) - 1);
    g.usage = usage[i], g.ts = ts[i], g.minutes = minutes[i];
    f.Add(g);
  }
  // The context team's last games: pace 100.15 -> 100.2, rating 110.025 -> 110.02.
  f.Team("LAL", "BOS", AddDays(kD, -1), 100.1, 110.01);
  f.Team("LAL", "BOS", AddDays(kD, -2), 100.2, 110.04);
  const Row r = Only(f.Finished());
  EXPECT_EQ(*Real(r, "usage_rate_last_10"), 15.76);
  EXPECT_EQ(*Real(r, "player_usage_rate_season"), 15.76);
  EXPECT_EQ(*Real(r, "ts_pct_last_10"), 0.502);
  EXPECT_EQ(*Real(r, "minutes_avg_last_10"), 35.0);
  EXPECT_EQ(*Real(r, "team_pace_last_10"), 100.2);
  EXPECT_EQ(*Real(r, "team_off_rating_last_10"), 110.02);
}

// P3: assisted rate as a fraction; no makes -> NULL.
TEST(PlayerDailyCacheTest, AssistedRate) {
  auto rate = [](int64_t fgm, int64_t ast) {
    Fixture f;
    f.Context(Ctx{});
    Game g;
    g.fg_makes = fgm, g.assisted = ast;
    f.AddPoints(g, kD, std::vector<int64_t>(10, 20));
    return Real(Only(f.Finished()), "assisted_rate_last_10");
  };
  EXPECT_EQ(*rate(10, 4), 0.4);
  EXPECT_EQ(*rate(10, 10), 1.0);
  EXPECT_EQ(*rate(10, 0), 0.0);
  EXPECT_FALSE(rate(0, 0));
}

// P4: six games of 18: every average 18, early season.
TEST(PlayerDailyCacheTest, P4EarlySeason) {
  Fixture f;
  f.Context(Ctx{});
  f.AddPoints(Game{}, kD, std::vector<int64_t>(6, 18));
  const Row& r = Only(f.Finished());
  EXPECT_EQ(*Real(r, "points_avg_last_5"), 18.0);
  EXPECT_EQ(*Real(r, "points_avg_last_10"), 18.0);
  EXPECT_EQ(*Real(r, "points_avg_season"), 18.0);
  EXPECT_EQ(*Real(r, "points_std_last_10"), 0.0);
  EXPECT_EQ(*Int(r, "early_season_flag"), 1);
  EXPECT_EQ(*Text(r, "insufficient_data_reason"), "Only 6 games played, need 10 minimum");
}

// A player with no game yet this season still gets a row: NULL averages,
// 0 games, early season (decision 9, 30).
TEST(PlayerDailyCacheTest, NoGameYet) {
  Fixture f;
  Ctx c;
  c.player = "rookie";
  f.Context(c);
  f.AddPoints(Game{}, kD, {20, 20});  // someone else's games
  auto rows = f.Finished();
  const Row* r = test::FindRow(S(), rows, "player_lookup", "rookie");
  ASSERT_TRUE(r);
  EXPECT_EQ(rows.size(), 1u);
  for (const char* col : {"points_avg_last_5", "points_avg_last_10", "points_avg_season",
                          "points_std_last_10", "minutes_avg_last_10", "usage_rate_last_10",
                          "ts_pct_last_10", "player_usage_rate_season", "assisted_rate_last_10"})
    EXPECT_FALSE(Real(*r, col)) << col;
  EXPECT_EQ(*Int(*r, "games_played_season"), 0);
  EXPECT_EQ(*Int(*r, "early_season_flag"), 1);
  EXPECT_EQ(*Text(*r, "insufficient_data_reason"), "Only 0 games played, need 10 minimum");
  EXPECT_FALSE(Text(*r, "source_player_game_hash"));
}

// P6: the team's last 10 games; a team without rows gives NULLs and the row
// is still written.
TEST(PlayerDailyCacheTest, TeamPace) {
  Fixture f;
  f.Context(Ctx{});
  Ctx other;
  other.player = "someone";
  other.team = "NYK";
  other.opponent = "MIA";
  f.Context(other);
  f.Team("LAL", "BOS", AddDays(kD, -30), 80.0, 90.0);  // 11th most recent: outside
  for (int i = 1; i <= 10; ++i) f.Team("LAL", "BOS", AddDays(kD, -2 * i), 102.0, 115.0);
  f.Team("LAL", "BOS", kD, 130.0, 150.0);  // on D: never read
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 2u);
  const Row* l = test::FindRow(S(), rows, "player_lookup", "lebronjames");
  const Row* o = test::FindRow(S(), rows, "player_lookup", "someone");
  EXPECT_EQ(*Real(*l, "team_pace_last_10"), 102.0);
  EXPECT_EQ(*Real(*l, "team_off_rating_last_10"), 115.0);
  EXPECT_EQ(*Int(*l, "source_team_offense_rows_found"), 10);
  EXPECT_FALSE(Real(*o, "team_pace_last_10"));
  EXPECT_FALSE(Real(*o, "team_off_rating_last_10"));
}

// A traded player: his games for both teams count, the team pace comes from
// the context's (new) team (decision 32).
TEST(PlayerDailyCacheTest, TradedPlayerUsesNewTeam) {
  Fixture f;
  Ctx c;
  c.team = "DAL";
  c.opponent = "BOS";
  f.Context(c);
  for (int i = 11; i <= 20; ++i) {
    Game g;
    g.team = "LAL", g.opponent = "PHX", g.date = AddDays(kD, -i), g.points = 10;
    f.Add(g);
    f.Team("LAL", "PHX", g.date, 95.0, 105.0);
  }
  for (int i = 1; i <= 10; ++i) {
    Game g;
    g.team = "DAL", g.opponent = "UTA", g.date = AddDays(kD, -i), g.points = 30;
    f.Add(g);
    f.Team("DAL", "UTA", g.date, 104.0, 118.0);
  }
  const Row& r = Only(f.Finished());
  EXPECT_EQ(*Real(r, "team_pace_last_10"), 104.0);
  EXPECT_EQ(*Real(r, "team_off_rating_last_10"), 118.0);
  EXPECT_EQ(*Int(r, "games_played_season"), 20);
  EXPECT_EQ(*Real(r, "points_avg_season"), 20.0);
  EXPECT_EQ(*Real(r, "points_avg_last_10"), 30.0);
}

// P7: a game on D itself does not change the cache row for D.
TEST(PlayerDailyCacheTest, NoLeakageFromGamesOnD) {
  Fixture a;
  a.Context(Ctx{});
  a.AddPoints(Game{}, kD, {30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10});
  for (int i = 1; i <= 10; ++i) a.Team("LAL", "BOS", AddDays(kD, -i), 100.0, 110.0);
  Fixture b = a;
  Game on_d;
  on_d.date = kD;
  on_d.points = 70;
  b.Add(on_d);
  b.Team("LAL", "BOS", kD, 130.0, 140.0);
  const Row ra = Only(a.Finished());
  const Row rb = Only(b.Finished());
  EXPECT_EQ(ra, rb);
  EXPECT_EQ(*Real(rb, "points_avg_last_5"), 26.0);
  EXPECT_EQ(*Int(rb, "games_played_season"), 11);
}

// P8: a DNP row in the last 10 does not pull the averages down and does not
// count as a game.
TEST(PlayerDailyCacheTest, DnpRowsExcluded) {
  // DNPs between played games, inside the last 10: two with 0 minutes and no
  // attempts, one inactive.
  Fixture h;
  h.Context(Ctx{});
  for (int i = 1; i <= 14; ++i) {
    Game x;
    x.date = AddDays(kD, -i);
    if (i == 2 || i == 5) {
      x.points = 0, x.minutes = 0.0, x.fg_attempts = 0, x.fg_makes = 0, x.assisted = 0;
    } else if (i == 7) {
      x.points = 0, x.active = false;
    } else {
      x.points = 20;
    }
    h.Add(x);
  }
  const Row& r = Only(h.Finished());
  EXPECT_EQ(*Real(r, "points_avg_last_5"), 20.0);
  EXPECT_EQ(*Real(r, "points_avg_last_10"), 20.0);
  EXPECT_EQ(*Real(r, "points_avg_season"), 20.0);
  EXPECT_EQ(*Real(r, "minutes_avg_last_10"), 35.0);
  EXPECT_EQ(*Int(r, "games_played_season"), 11);
  EXPECT_EQ(*Real(r, "points_std_last_10"), 0.0);
}

// Decision 32: the season window holds the 82 most recent played games.
TEST(PlayerDailyCacheTest, SeasonWindowCappedAt82) {
  Fixture f;
  const Date d = D("2024-03-20");
  f.Context(Ctx{}, d);
  std::vector<int64_t> pts;
  for (int i = 0; i < 90; ++i) pts.push_back(i < 82 ? 20 : 100);  // 8 oldest at 100
  f.AddPoints(Game{}, d, pts);
  const Row& r = Only(f.Finished(d));
  EXPECT_EQ(*Int(r, "games_played_season"), 82);
  EXPECT_EQ(*Real(r, "points_avg_season"), 20.0);
  EXPECT_EQ(*Int(r, "source_player_game_rows_found"), 82);
}

// The context's fatigue columns are copied (integers truncated); the shot
// zone columns come from #2 or are NULL with shot_zone_data_available false.
TEST(PlayerDailyCacheTest, CopiedColumns) {
  Fixture f;
  f.Context(Ctx{});
  Ctx bare;
  bare.player = "bare";
  bare.games7 = bare.games14 = bare.minutes7 = bare.minutes14 = bare.b2b14 = bare.age = {};
  bare.q4_minutes7 = bare.avg_minutes7 = {};
  f.Context(bare);
  f.Shot("lebronjames", "paint", 44.44, 33.33);
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 2u);
  const Row& l = *test::FindRow(S(), rows, "player_lookup", "lebronjames");
  const Row& b = *test::FindRow(S(), rows, "player_lookup", "bare");
  EXPECT_EQ(*Int(l, "games_in_last_7_days"), 3);
  EXPECT_EQ(*Int(l, "games_in_last_14_days"), 6);
  EXPECT_EQ(*Int(l, "minutes_in_last_7_days"), 105);
  EXPECT_EQ(*Int(l, "minutes_in_last_14_days"), 210);
  EXPECT_EQ(*Int(l, "back_to_backs_last_14_days"), 1);
  EXPECT_EQ(*Int(l, "fourth_quarter_minutes_last_7"), 24);  // truncated
  EXPECT_EQ(*Real(l, "avg_minutes_per_game_last_7"), 35.0);
  EXPECT_EQ(*Int(l, "player_age"), 39);
  EXPECT_EQ(*Text(l, "primary_scoring_zone"), "paint");
  EXPECT_EQ(*Real(l, "paint_rate_last_10"), 44.44);
  EXPECT_EQ(*Real(l, "three_pt_rate_last_10"), 33.33);
  EXPECT_EQ(*Int(l, "shot_zone_data_available"), 1);
  EXPECT_EQ(*Text(l, "source_shot_zone_hash"), "shothash00000000");
  for (const char* col : {"games_in_last_7_days", "games_in_last_14_days", "minutes_in_last_7_days",
                          "minutes_in_last_14_days", "back_to_backs_last_14_days",
                          "fourth_quarter_minutes_last_7", "player_age"})
    EXPECT_FALSE(Int(b, col)) << col;
  EXPECT_FALSE(Real(b, "avg_minutes_per_game_last_7"));
  EXPECT_FALSE(Text(b, "primary_scoring_zone"));
  EXPECT_FALSE(Real(b, "paint_rate_last_10"));
  EXPECT_FALSE(Real(b, "three_pt_rate_last_10"));
  EXPECT_EQ(*Int(b, "shot_zone_data_available"), 0);
}

// Completeness over the four windows and the quality tier; invariants 3.
TEST(PlayerDailyCacheTest, CompletenessWindows) {
  Fixture f;
  f.Context(Ctx{});
  Ctx gap;
  gap.player = "gappy";
  f.Context(gap);
  // The team plays every second day; lebron plays all, gappy misses 2 of the
  // last 5 (not in the table: no rows at all).
  for (int i = 1; i <= 12; ++i) {
    Game g;
    g.date = AddDays(kD, -2 * i);
    f.Add(g);
    if (i != 1 && i != 3) {
      g.player = "gappy";
      f.Add(g);
    }
  }
  auto rows = f.Finished();
  ASSERT_EQ(rows.size(), 2u);
  for (const Row& r : rows) {
    const bool all = *Int(r, "l5_is_complete") && *Int(r, "l10_is_complete") &&
                     *Int(r, "l7d_is_complete") && *Int(r, "l14d_is_complete");
    EXPECT_EQ(*Int(r, "all_windows_complete"), all ? 1 : 0);
    EXPECT_EQ(*Int(r, "is_production_ready"), all ? 1 : 0);
    for (const char* w : {"l5", "l10", "l7d", "l14d"})
      EXPECT_EQ(*Int(r, (std::string(w) + "_is_complete").c_str()),
                *Real(r, (std::string(w) + "_completeness_pct").c_str()) >= 90.0 ? 1 : 0);
    EXPECT_EQ(*Real(r, "cache_quality_score"), *Real(r, "l5_completeness_pct"));
  }
  const Row& l = *test::FindRow(S(), rows, "player_lookup", "lebronjames");
  const Row& g = *test::FindRow(S(), rows, "player_lookup", "gappy");
  EXPECT_EQ(*Real(l, "l5_completeness_pct"), 100.0);
  EXPECT_EQ(*Text(l, "quality_tier"), "gold");
  EXPECT_EQ(*Int(l, "is_production_ready"), 1);
  EXPECT_EQ(*Real(g, "l5_completeness_pct"), 60.0);
  EXPECT_EQ(*Text(g, "quality_tier"), "bronze");
  EXPECT_EQ(*Real(g, "l10_completeness_pct"), 80.0);
  EXPECT_EQ(*Real(g, "l7d_completeness_pct"), 33.3);   // dates -2, -4, -6: played -4
  EXPECT_EQ(*Real(g, "l14d_completeness_pct"), 71.4);  // 5 of 7
  EXPECT_EQ(*Int(g, "is_production_ready"), 0);
  EXPECT_EQ(*Int(g, "expected_games_count"), 5);
  EXPECT_EQ(*Int(g, "actual_games_count"), 3);
  EXPECT_EQ(*Int(g, "missing_games_count"), 2);
}

// One row per (date, player); re-running gives identical rows and hashes.
TEST(PlayerDailyCacheTest, OneRowPerPlayerAndIdempotent) {
  Fixture f;
  f.Context(Ctx{});
  f.Context(Ctx{});  // duplicate context row
  Ctx other;
  other.player = "other";
  f.Context(other);
  f.AddPoints(Game{}, kD, {10, 20, 30});
  auto a = f.Finished();
  auto b = f.Finished();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(*Text(a[0], "data_hash"), *Text(b[0], "data_hash"));
}

}  // namespace
}  // namespace phase4::processors
