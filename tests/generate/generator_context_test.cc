// The upcoming context tables are pre-game snapshots: every value derives
// from games strictly before the date (decision 5), over played games of
// the current season (decisions 6, 7, 26, 27).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "generate_test_util.h"

namespace phase4::generate {
namespace {

using test::Cols;
using test::DefaultLeague;

struct Game {
  Date date;
  int64_t points;
  int64_t minutes;
};

// Decision 34: half to even on the binary value, as printf does.
double Round1(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return std::strtod(buf, nullptr);
}

// Played games per (season, player), in date order.
std::map<std::pair<int, std::string>, std::vector<Game>> PlayedHistory() {
  const auto& L = DefaultLeague();
  Cols p(PlayerGameSummarySchema());
  std::map<std::pair<int, std::string>, std::vector<Game>> h;
  for (const Row& r : L.player_game_summary) {
    if (!test::Played(p, r)) continue;
    Date d = *ParseDate(p.Text(r, "game_date"));
    auto m = p.Real(r, "minutes_played");
    h[{SeasonYearOf(d), p.Text(r, "player_lookup")}].push_back(
        {d, *p.Int(r, "points"), m ? static_cast<int64_t>(*m) : 0});
  }
  for (auto& [k, v] : h) {
    std::stable_sort(v.begin(), v.end(),
                     [](const Game& a, const Game& b) { return a.date < b.date; });
  }
  return h;
}

TEST(GeneratorContext, PlayerWindowsUseOnlyEarlierPlayedGames) {
  const auto& L = DefaultLeague();
  const auto history = PlayedHistory();
  Cols c(UpcomingPlayerGameContextSchema());
  size_t checked = 0, with_avg = 0;
  std::set<std::pair<std::string, std::string>> keys;
  for (size_t i = 0; i < L.upcoming_player_game_context.size(); i += 7) {  // a sample
    const Row& r = L.upcoming_player_game_context[i];
    const Date d = *ParseDate(c.Text(r, "game_date"));
    const std::string who = c.Text(r, "player_lookup");
    auto it = history.find({SeasonYearOf(d), who});
    std::vector<Game> before;
    if (it != history.end()) {
      for (const Game& g : it->second) {
        if (g.date < d) before.push_back(g);
      }
    }
    ++checked;
    auto mean_last = [&](size_t n) {
      size_t k = std::min(n, before.size());
      double s = 0;
      for (size_t j = before.size() - k; j < before.size(); ++j)
        s += static_cast<double>(before[j].points);
      return s / static_cast<double>(k);
    };
    if (before.empty()) {
      EXPECT_TRUE(c.Null(r, "points_avg_last_5")) << who << " " << FormatDate(d);
      EXPECT_TRUE(c.Null(r, "days_rest"));
      EXPECT_EQ(*c.Int(r, "games_in_last_7_days"), 0);
      continue;
    }
    ++with_avg;
    ASSERT_NEAR(*c.Real(r, "points_avg_last_5"), Round1(mean_last(5)), 1e-9)
        << who << " " << FormatDate(d);
    ASSERT_NEAR(*c.Real(r, "points_avg_last_10"), Round1(mean_last(10)), 1e-9);
    const int rest = DaysBetween(before.back().date, d);
    ASSERT_EQ(*c.Int(r, "days_rest"), rest);
    ASSERT_EQ(*c.Int(r, "back_to_back"), rest == 1 ? 1 : 0);
    int64_t g7 = 0, g14 = 0, m7 = 0, m14 = 0, b2b14 = 0;
    const Game* prev = nullptr;
    for (const Game& g : before) {
      int ago = DaysBetween(g.date, d);
      if (ago <= 7) {
        ++g7;
        m7 += g.minutes;
      }
      if (ago <= 14) {
        ++g14;
        m14 += g.minutes;
        if (prev && DaysBetween(prev->date, g.date) == 1) ++b2b14;
        prev = &g;
      }
    }
    ASSERT_EQ(*c.Int(r, "games_in_last_7_days"), g7);
    ASSERT_EQ(*c.Int(r, "games_in_last_14_days"), g14);
    ASSERT_EQ(*c.Int(r, "minutes_in_last_7_days"), m7);
    ASSERT_EQ(*c.Int(r, "minutes_in_last_14_days"), m14);
    ASSERT_EQ(*c.Int(r, "back_to_backs_last_14_days"), b2b14);
    if (g7 > 0) {
      ASSERT_NEAR(*c.Real(r, "avg_minutes_per_game_last_7"),
                  Round1(static_cast<double>(m7) / static_cast<double>(g7)), 1e-9);
    }
    // The prop line sits near recent scoring (a blend of the last 10 games
    // and the season so far, once there are three games).
    if (auto line = c.Real(r, "current_points_line")) {
      if (before.size() >= 3) {
        EXPECT_NEAR(*line, 0.6 * mean_last(10) + 0.4 * mean_last(before.size()), 3.0) << who;
      }
      EXPECT_EQ(std::fmod(*line, 1.0), 0.5);
      EXPECT_LE(std::fabs(*c.Real(r, "opening_points_line") - *line), 1.0);
    }
  }
  EXPECT_GT(checked, 15000u);
  EXPECT_GT(with_avg, 12000u);
}

TEST(GeneratorContext, RowsCoverThePlayersOfTheDay) {
  const auto& L = DefaultLeague();
  Cols c(UpcomingPlayerGameContextSchema());
  Cols p(PlayerGameSummarySchema());
  std::set<std::pair<std::string, std::string>> context;  // (date, player)
  std::map<std::string, size_t> per_date;
  size_t filled_usage = 0, null_usage = 0, with_line = 0, statuses = 0;
  std::set<std::string> phases;
  for (const Row& r : L.upcoming_player_game_context) {
    ASSERT_TRUE(context.insert({c.Text(r, "game_date"), c.Text(r, "player_lookup")}).second)
        << "one row per player per date";
    ++per_date[c.Text(r, "game_date")];
    (c.Null(r, "projected_usage_rate") ? null_usage : filled_usage) += 1;
    with_line += !c.Null(r, "current_points_line");
    statuses += c.Text(r, "player_status") != "available";
    phases.insert(c.Text(r, "season_phase"));
    EXPECT_EQ(c.Text(r, "universal_player_id"), c.Text(r, "player_lookup") + "_001");
    auto age = c.Int(r, "player_age");
    ASSERT_TRUE(age.has_value());
    EXPECT_GE(*age, 18);
    EXPECT_LE(*age, 42);
  }
  // Everyone who plays on D was expected to (decision 9's driver).
  for (const Row& r : L.player_game_summary) {
    if (!test::Played(p, r)) continue;
    ASSERT_TRUE(context.count({p.Text(r, "game_date"), p.Text(r, "player_lookup")}))
        << p.Text(r, "player_lookup") << " " << p.Text(r, "game_date");
  }
  EXPECT_GT(filled_usage, 10 * null_usage);
  EXPECT_GT(null_usage, 1000u);
  EXPECT_GT(with_line, L.upcoming_player_game_context.size() / 2);
  EXPECT_GT(statuses, 1000u);
  EXPECT_EQ(phases, (std::set<std::string>{"early", "mid", "late", "playoffs"}));
  // A full night has about 15 x 28 players.
  size_t most = 0;
  for (const auto& [d, n] : per_date) most = std::max(most, n);
  EXPECT_GT(most, 350u);
}

TEST(GeneratorContext, TeamContextUsesEarlierGames) {
  const auto& L = DefaultLeague();
  Cols t(UpcomingTeamGameContextSchema());
  Cols o(TeamOffenseGameSummarySchema());
  std::map<std::pair<int, std::string>, std::vector<std::pair<Date, int64_t>>> games;  // margin
  for (const Row& r : L.team_offense_game_summary) {
    Date d = *ParseDate(o.Text(r, "game_date"));
    games[{SeasonYearOf(d), o.Text(r, "team_abbr")}].push_back({d, *o.Int(r, "margin_of_victory")});
  }
  for (auto& [k, v] : games) std::sort(v.begin(), v.end());
  for (const Row& r : L.upcoming_team_game_context) {
    const Date d = *ParseDate(t.Text(r, "game_date"));
    const auto& all = games.at({SeasonYearOf(d), t.Text(r, "team_abbr")});
    std::vector<std::pair<Date, int64_t>> before;
    for (const auto& g : all) {
      if (g.first < d) before.push_back(g);
    }
    ASSERT_EQ(*t.Int(r, "game_number_in_season"), static_cast<int64_t>(before.size()) + 1);
    EXPECT_EQ(*t.Int(r, "is_production_ready"), 1);
    if (before.empty()) {
      EXPECT_TRUE(t.Null(r, "team_days_rest"));
      EXPECT_EQ(*t.Int(r, "team_win_streak_entering"), 0);
      continue;
    }
    const int since = DaysBetween(before.back().first, d);
    ASSERT_EQ(*t.Int(r, "days_since_last_game"), since);
    ASSERT_EQ(*t.Int(r, "team_days_rest"), since - 1);
    ASSERT_EQ(*t.Int(r, "is_back_to_back"), since == 1 ? 1 : 0);
    ASSERT_EQ(*t.Int(r, "last_game_margin"), before.back().second);
    ASSERT_EQ(t.Text(r, "last_game_result"), before.back().second > 0 ? "W" : "L");
    int64_t g7 = 0;
    for (const auto& g : before) g7 += DaysBetween(g.first, d) < 7;
    ASSERT_EQ(*t.Int(r, "games_in_last_7_days"), g7);
    int64_t streak = 0;
    for (auto it = before.rbegin(); it != before.rend() && it->second > 0; ++it) ++streak;
    ASSERT_EQ(*t.Int(r, "team_win_streak_entering"), streak);
    if (*t.Int(r, "home_game")) {
      EXPECT_EQ(*t.Int(r, "travel_miles"), 0);
    }
    auto spread = t.Real(r, "game_spread");
    ASSERT_TRUE(spread.has_value());
    EXPECT_LE(std::fabs(*spread), 35.0);
    EXPECT_NEAR(*t.Real(r, "game_total"), 228.0, 25.0);
  }
}

}  // namespace
}  // namespace phase4::generate
