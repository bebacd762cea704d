// The realism facts of ../shared/data/README.md hold within tolerances.
#include <algorithm>
#include <cmath>
#include <map>

#include "generate_test_util.h"

namespace phase4::generate {
namespace {

using test::Cols;
using test::DefaultLeague;

struct Moments {
  double n = 0, sum = 0, sum2 = 0;
  void Add(double x) {
    ++n;
    sum += x;
    sum2 += x * x;
  }
  double Mean() const { return sum / n; }
  double Sd() const { return std::sqrt(sum2 / n - Mean() * Mean()); }
};

TEST(GeneratorRealism, TeamGamesLookLikeTheNba) {
  const auto& L = DefaultLeague();
  Cols o(TeamOffenseGameSummarySchema());
  Moments points, poss, fga, fta, tov, oreb;
  double home_games = 0, home_wins = 0, ot_games = 0;
  double pa = 0, pm = 0, ma = 0, mm = 0, ta = 0, tm = 0;
  for (const Row& r : L.team_offense_game_summary) {
    points.Add(static_cast<double>(*o.Int(r, "points_scored")));
    poss.Add(static_cast<double>(*o.Int(r, "possessions")));
    fga.Add(static_cast<double>(*o.Int(r, "fg_attempts")));
    fta.Add(static_cast<double>(*o.Int(r, "ft_attempts")));
    tov.Add(static_cast<double>(*o.Int(r, "turnovers")));
    oreb.Add(static_cast<double>(*o.Int(r, "offensive_rebounds")));
    pa += static_cast<double>(*o.Int(r, "team_paint_attempts"));
    pm += static_cast<double>(*o.Int(r, "team_paint_makes"));
    ma += static_cast<double>(*o.Int(r, "team_mid_range_attempts"));
    mm += static_cast<double>(*o.Int(r, "team_mid_range_makes"));
    ta += static_cast<double>(*o.Int(r, "three_pt_attempts"));
    tm += static_cast<double>(*o.Int(r, "three_pt_makes"));
    if (*o.Int(r, "home_game")) {
      ++home_games;
      home_wins += static_cast<double>(*o.Int(r, "win_flag"));
      ot_games += *o.Int(r, "overtime_periods") > 0;
    }
  }
  const double all = pa + ma + ta;
  std::printf(
      "[realism] team points %.1f (sd %.1f), possessions %.1f, home win %.3f, OT %.3f, "
      "shot mix %.3f/%.3f/%.3f, FG%% %.3f/%.3f/%.3f, FGA %.1f FTA %.1f TOV %.1f OREB %.1f\n",
      points.Mean(), points.Sd(), poss.Mean(), home_wins / home_games, ot_games / home_games,
      pa / all, ma / all, ta / all, pm / pa, mm / ma, tm / ta, fga.Mean(), fta.Mean(), tov.Mean(),
      oreb.Mean());
  EXPECT_NEAR(points.Mean(), 114.0, 2.0);
  EXPECT_NEAR(points.Sd(), 13.0, 1.5);
  EXPECT_NEAR(poss.Mean(), 100.0, 2.5);
  EXPECT_NEAR(home_wins / home_games, 0.54, 0.025);
  EXPECT_NEAR(ot_games / home_games, 0.06, 0.02);
  EXPECT_NEAR(pa / all, 0.39, 0.02);
  EXPECT_NEAR(ma / all, 0.20, 0.02);
  EXPECT_NEAR(ta / all, 0.41, 0.02);
  EXPECT_NEAR(pm / pa, 0.58, 0.02);
  EXPECT_NEAR(mm / ma, 0.41, 0.02);
  EXPECT_NEAR(tm / ta, 0.36, 0.015);
  EXPECT_NEAR(fga.Mean(), 88.7, 3.0);
  EXPECT_NEAR(fta.Mean(), 22.5, 2.5);
  EXPECT_NEAR(tov.Mean(), 12.5, 1.5);
  EXPECT_NEAR(oreb.Mean(), 10.5, 1.5);
}

TEST(GeneratorRealism, PlayerLinesLookLikeTheNba) {
  const auto& L = DefaultLeague();
  Cols p(PlayerGameSummarySchema());
  std::vector<int64_t> points;
  std::vector<double> minutes;
  std::map<std::pair<std::string, std::string>, int> with_minutes;
  for (const Row& r : L.player_game_summary) {
    auto m = p.Real(r, "minutes_played");
    if (!m || *m <= 0 || p.Int(r, "is_active") == 0) continue;
    points.push_back(*p.Int(r, "points"));
    minutes.push_back(*m);
    ++with_minutes[{p.Text(r, "game_id"), p.Text(r, "team_abbr")}];
  }
  std::sort(points.begin(), points.end());
  std::sort(minutes.begin(), minutes.end());
  double mean = 0;
  for (auto x : points) mean += static_cast<double>(x);
  mean /= static_cast<double>(points.size());
  std::map<int, int> hist;
  for (const auto& [k, n] : with_minutes) ++hist[n];
  std::printf(
      "[realism] player points median %lld mean %.2f max %lld; minutes median %.0f; "
      "players with minutes per team-game:",
      static_cast<long long>(points[points.size() / 2]), mean,
      static_cast<long long>(points.back()), minutes[minutes.size() / 2]);
  for (const auto& [k, n] : hist) std::printf(" %d:%d", k, n);
  std::printf("\n");
  EXPECT_GE(points[points.size() / 2], 7);
  EXPECT_LE(points[points.size() / 2], 9);
  EXPECT_NEAR(mean, 10.6, 1.0);
  EXPECT_LE(points.back(), 90);
  EXPECT_NEAR(minutes[minutes.size() / 2], 24.0, 2.0);
  EXPECT_EQ(hist.begin()->first, 9);
  EXPECT_EQ(hist.rbegin()->first, 13);
  // Most team-games use 9-11 players.
  EXPECT_GT(hist[9] + hist[10] + hist[11], hist[12] + hist[13]);
}

}  // namespace
}  // namespace phase4::generate
