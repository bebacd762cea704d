// Within-season form: a player's last 10 games predict his next game's
// points better than his season-to-date average, as in the real league
// (roles, minutes and usage change during a season), so that recent-form
// features carry signal.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "generate_test_util.h"

namespace phase4::generate {
namespace {

using test::Cols;
using test::DefaultLeague;
using test::Played;

struct Errors {
  double games = 0, last_10 = 0, season = 0;
  double MaeLast10() const { return last_10 / games; }
  double MaeSeason() const { return season / games; }
};

// Over played player-games with at least 10 earlier played games that
// season: absolute errors of the mean of the last 10 and of all earlier
// games as predictions of the game's points, by season.
std::map<int64_t, Errors> FormErrors(const GeneratedLeague& league) {
  Cols c(PlayerGameSummarySchema());
  // (season, player) -> (date, points) of his played games
  std::map<std::pair<int64_t, std::string>, std::vector<std::pair<std::string, int64_t>>> games;
  for (const Row& r : league.player_game_summary) {
    if (!Played(c, r)) continue;
    auto points = c.Int(r, "points");
    if (!points) continue;
    games[{*c.Int(r, "season_year"), c.Text(r, "player_lookup")}].push_back(
        {c.Text(r, "game_date"), *points});
  }
  std::map<int64_t, Errors> out;
  for (auto& [key, g] : games) {
    std::sort(g.begin(), g.end());
    Errors& e = out[key.first];
    double sum = 0;
    for (size_t i = 0; i < g.size(); ++i) {
      const double points = static_cast<double>(g[i].second);
      if (i >= 10) {
        double last = 0;
        for (size_t k = i - 10; k < i; ++k) last += static_cast<double>(g[k].second);
        e.games += 1;
        e.last_10 += std::fabs(last / 10.0 - points);
        e.season += std::fabs(sum / static_cast<double>(i) - points);
      }
      sum += points;
    }
  }
  return out;
}

TEST(GeneratorForm, RecentGamesPredictPointsBetterThanTheSeasonAverage) {
  const auto by_season = FormErrors(DefaultLeague());
  ASSERT_EQ(by_season.size(), 4u);
  Errors all;
  for (const auto& [season, e] : by_season) {
    std::printf("[form] %lld: %.0f player-games, MAE last 10 %.3f, season to date %.3f (%+.1f%%)\n",
                static_cast<long long>(season), e.games, e.MaeLast10(), e.MaeSeason(),
                100.0 * (e.MaeLast10() / e.MaeSeason() - 1.0));
    EXPECT_GT(e.games, 20000) << season;
    // Every season on its own: recent form is the better predictor.
    EXPECT_LT(e.MaeLast10(), e.MaeSeason()) << season;
    all.games += e.games;
    all.last_10 += e.last_10;
    all.season += e.season;
  }
  // Clearly better over the four seasons, and not implausibly so: in the
  // real league recent form helps, but a game's points stay noisy.
  EXPECT_LT(all.MaeLast10(), 0.97 * all.MaeSeason());
  EXPECT_GT(all.MaeLast10(), 0.85 * all.MaeSeason());
}

}  // namespace
}  // namespace phase4::generate
