// The built-in calendar: the season facts of ../shared/data/README.md hold
// exactly (dates, counts) and the matchups are a valid NBA season.
#include <algorithm>
#include <map>
#include <set>

#include "common/teams.h"
#include "generate/calendar_builder.h"
#include "generate/game_ids.h"
#include "generate/season_facts.h"
#include "generate_test_util.h"

namespace phase4::generate {
namespace {

using test::DefaultLeague;

Date D(const char* s) { return *ParseDate(s); }

std::vector<const ScheduleGame*> OfSeason(const std::vector<ScheduleGame>& games, int season,
                                          GameType type) {
  std::vector<const ScheduleGame*> out;
  for (const auto& g : games) {
    if (g.season_year == season && g.game_type == type) out.push_back(&g);
  }
  return out;
}

TEST(GeneratorCalendar, RegularSeasonsAreNbaSeasons) {
  const auto& L = DefaultLeague();
  const std::map<int, Date> opening{{2021, D("2021-10-19")},
                                    {2022, D("2022-10-18")},
                                    {2023, D("2023-10-24")},
                                    {2024, D("2024-10-22")}};
  const std::map<int, int> rs_dates{{2021, 165}, {2022, 164}, {2023, 160}, {2024, 163}};
  for (int season = 2021; season <= 2024; ++season) {
    SCOPED_TRACE(season);
    auto rs = OfSeason(L.schedule, season, GameType::kRegularSeason);
    ASSERT_EQ(rs.size(), 1230u);
    std::map<std::string, int> games, home;
    std::map<Date, std::set<std::string>> playing;
    std::map<Date, int> per_date;
    std::set<std::string> ids;
    for (const ScheduleGame* g : rs) {
      ASSERT_TRUE(IsKnownTeam(g->home_team) && IsKnownTeam(g->away_team));
      ++games[g->home_team];
      ++games[g->away_team];
      ++home[g->home_team];
      ASSERT_TRUE(playing[g->game_date].insert(g->home_team).second) << "twice a day";
      ASSERT_TRUE(playing[g->game_date].insert(g->away_team).second) << "twice a day";
      ++per_date[g->game_date];
      ASSERT_TRUE(ids.insert(g->game_id).second);
      ASSERT_EQ(GameTypeFromId(g->game_id), GameType::kRegularSeason);
      ASSERT_EQ(g->game_id.substr(3, 2), std::to_string(season % 100));
    }
    // Ids 00001..01230, numbered in date order.
    EXPECT_EQ(*ids.begin(), generate::MakeNbaGameId(GameType::kRegularSeason, season, 1));
    EXPECT_EQ(*ids.rbegin(), generate::MakeNbaGameId(GameType::kRegularSeason, season, 1230));
    EXPECT_EQ(games.size(), 30u);
    for (const auto& [team, n] : games) {
      EXPECT_EQ(n, 82) << team;
      EXPECT_EQ(home[team], 41) << team;
    }
    for (const auto& [d, n] : per_date) EXPECT_LE(n, 15);
    EXPECT_EQ(static_cast<int>(per_date.size()), rs_dates.at(season));
    EXPECT_GE(per_date.size(), 160u);
    EXPECT_LE(per_date.size(), 165u);
    EXPECT_EQ(per_date.begin()->first, opening.at(season));
    // Back-to-backs per team: 13-17, as in the real seasons.
    std::map<std::string, std::vector<Date>> dates;
    for (const ScheduleGame* g : rs) {
      dates[g->home_team].push_back(g->game_date);
      dates[g->away_team].push_back(g->game_date);
    }
    for (auto& [team, v] : dates) {
      std::sort(v.begin(), v.end());
      int b2b = 0;
      for (size_t i = 1; i < v.size(); ++i) b2b += DaysBetween(v[i - 1], v[i]) == 1;
      EXPECT_GE(b2b, 13) << team;
      EXPECT_LE(b2b, 17) << team;
    }
    // Balanced opponents: every pair meets 1-5 times, mostly 2-4.
    std::map<std::pair<std::string, std::string>, int> meetings;
    for (const ScheduleGame* g : rs) {
      auto key = std::minmax(g->home_team, g->away_team);
      ++meetings[{key.first, key.second}];
    }
    EXPECT_EQ(meetings.size(), 435u);  // everyone meets everyone
    int off = 0;
    for (const auto& [k, n] : meetings) {
      EXPECT_GE(n, 1);
      EXPECT_LE(n, 6);
      off += n < 2 || n > 4;
    }
    EXPECT_LT(off, 40);
  }
}

TEST(GeneratorCalendar, NoGamesOnBreakDays) {
  const auto& L = DefaultLeague();
  std::set<Date> dates;
  for (const auto& g : L.schedule) dates.insert(g.game_date);
  for (const char* off : {"2022-02-18", "2022-02-20", "2022-02-23", "2023-02-17", "2023-02-22",
                          "2024-02-16", "2024-02-21", "2023-12-09", "2023-12-10", "2025-02-14",
                          "2025-02-18", "2024-12-17", "2024-12-18", "2021-11-25", "2022-12-24"}) {
    EXPECT_FALSE(dates.count(D(off))) << off;
  }
}

TEST(GeneratorCalendar, GameDatesMatchTheRealCalendars) {
  const auto& L = DefaultLeague();
  std::set<Date> all;
  std::map<int, std::set<Date>> by_season;
  for (const auto& g : L.schedule) {
    ASSERT_TRUE(CountsAsGameDate(g.game_type));
    all.insert(g.game_date);
    by_season[g.season_year].insert(g.game_date);
  }
  EXPECT_EQ(all.size(), 845u);
  EXPECT_EQ(*all.begin(), D("2021-10-19"));
  EXPECT_EQ(*all.rbegin(), D("2025-06-22"));
  EXPECT_EQ(by_season[2021].size(), 213u);
  EXPECT_EQ(by_season[2022].size(), 212u);
  EXPECT_EQ(by_season[2023].size(), 207u);
  EXPECT_EQ(by_season[2024].size(), 213u);
  const std::map<int, size_t> playoff_games{{2021, 87}, {2022, 84}, {2023, 82}, {2024, 84}};
  for (int season = 2021; season <= 2024; ++season) {
    generate::SeasonFacts f = generate::FactsForSeason(season);
    auto pi = OfSeason(L.schedule, season, GameType::kPlayIn);
    ASSERT_EQ(pi.size(), 6u);
    std::set<Date> pi_dates;
    for (auto* g : pi) pi_dates.insert(g->game_date);
    EXPECT_EQ(pi_dates.size(), 3u);
    EXPECT_EQ(*pi_dates.begin(), f.play_in_start);
    EXPECT_EQ(*pi_dates.rbegin(), f.play_in_end);
    auto po = OfSeason(L.schedule, season, GameType::kPlayoffs);
    EXPECT_EQ(po.size(), playoff_games.at(season));
    Date first = po.front()->game_date, last = po.front()->game_date;
    for (auto* g : po) {
      first = std::min(first, g->game_date);
      last = std::max(last, g->game_date);
    }
    EXPECT_EQ(first, f.playoffs_start);
    EXPECT_EQ(last, f.playoffs_end);
  }
}

TEST(GeneratorCalendar, PlayoffsAreBestOfSevenBetweenTopSeeds) {
  const auto& L = DefaultLeague();
  for (int season = 2021; season <= 2024; ++season) {
    SCOPED_TRACE(season);
    // Regular-season records.
    std::map<std::string, int> wins;
    for (auto* g : OfSeason(L.schedule, season, GameType::kRegularSeason)) {
      ++wins[*g->home_score > *g->away_score ? g->home_team : g->away_team];
    }
    auto conference = [](const std::string& t) { return FindTeam(t)->conference; };
    auto rank = [&](const std::string& t) {  // conference rank by wins (ties share)
      int better = 0;
      for (const auto& [u, w] : wins) better += conference(u) == conference(t) && w > wins[t];
      return better + 1;
    };
    // Play-in: teams ranked 7-10 (ties allowed one place either way).
    for (auto* g : OfSeason(L.schedule, season, GameType::kPlayIn)) {
      EXPECT_GE(rank(g->home_team), 6);
      EXPECT_LE(rank(g->home_team), 11);
      EXPECT_EQ(conference(g->home_team), conference(g->away_team));
    }
    // Series: same two teams in every game, winner takes 4, series ends then.
    std::map<std::pair<int, int>, std::vector<const ScheduleGame*>> series;
    for (auto* g : OfSeason(L.schedule, season, GameType::kPlayoffs)) {
      auto slot = generate::ParseBracketGameId(g->game_id);
      ASSERT_TRUE(slot.has_value()) << g->game_id;
      series[{slot->round, slot->matchup}].push_back(g);
    }
    ASSERT_EQ(series.size(), 15u);
    std::set<std::string> teams;
    std::map<std::pair<int, int>, std::string> winner;
    for (auto& [key, games] : series) {
      std::sort(games.begin(), games.end(),
                [](auto* a, auto* b) { return a->game_id < b->game_id; });
      std::set<std::string> pair{games[0]->home_team, games[0]->away_team};
      std::map<std::string, int> w;
      for (size_t i = 0; i < games.size(); ++i) {
        const ScheduleGame* g = games[i];
        EXPECT_EQ(generate::ParseBracketGameId(g->game_id)->game, static_cast<int>(i) + 1);
        EXPECT_EQ((std::set<std::string>{g->home_team, g->away_team}), pair);
        if (i > 0) {
          EXPECT_GT(g->game_date, games[i - 1]->game_date);
        }
        ++w[*g->home_score > *g->away_score ? g->home_team : g->away_team];
        // Nobody has 4 wins before the last game.
        if (i + 1 < games.size()) {
          for (const auto& [t, n] : w) EXPECT_LT(n, 4);
        }
      }
      EXPECT_GE(games.size(), 4u);
      EXPECT_LE(games.size(), 7u);
      int max_wins = 0;
      for (const auto& [t, n] : w) {
        if (n > max_wins) {
          max_wins = n;
          winner[key] = t;
        }
      }
      EXPECT_EQ(max_wins, 4);
      // The higher seed hosts games 1, 2, 5, 7.
      for (const ScheduleGame* g : games) {
        int n = generate::ParseBracketGameId(g->game_id)->game;
        bool first_host = g->home_team == games[0]->home_team;
        EXPECT_EQ(first_host, n == 1 || n == 2 || n == 5 || n == 7) << g->game_id;
      }
      if (key.first == 1) teams.insert(pair.begin(), pair.end());
    }
    EXPECT_EQ(teams.size(), 16u);
    for (const auto& t : teams) EXPECT_LE(rank(t), 10) << t;
    // Later rounds are played by the winners of the round before.
    for (auto& [key, games] : series) {
      if (key.first == 1) continue;
      for (const std::string& t : {games[0]->home_team, games[0]->away_team}) {
        bool won_before = false;
        for (const auto& [k, w] : winner) won_before |= k.first == key.first - 1 && w == t;
        EXPECT_TRUE(won_before) << t << " in round " << key.first;
      }
    }
  }
}

TEST(GeneratorCalendar, SeasonsBeyondTheFactsAreShifted) {
  EXPECT_EQ(generate::FactsForSeason(2025).opening_night, D("2025-10-19"));
  EXPECT_EQ(generate::FactsForSeason(2036).opening_night, D("2036-10-22"));
  EXPECT_EQ(generate::FactsForSeason(2020).opening_night, D("2020-10-22"));
  EXPECT_EQ(generate::ShiftYears(D("2024-02-29"), 1), D("2025-02-28"));
  for (int season : {2025, 2030, 2036}) {
    auto f = generate::FactsForSeason(season);
    auto games = generate::BuildSeasonCalendar(f, 99);
    std::set<Date> dates;
    int rs = 0, pi = 0, po = 0;
    for (const auto& g : games) {
      dates.insert(g.game_date);
      rs += g.game_type == GameType::kRegularSeason;
      pi += g.game_type == GameType::kPlayIn;
      po += g.game_type == GameType::kPlayoffs;
      EXPECT_EQ(SeasonYearOf(g.game_date), season);
      EXPECT_EQ(g.game_id.substr(3, 2), std::to_string(season % 100));
    }
    EXPECT_EQ(rs, 1230);
    EXPECT_EQ(pi, 6);
    EXPECT_EQ(po, f.playoff_games);
    EXPECT_EQ(static_cast<int>(dates.size()), f.regular_season_dates + 3 + f.playoff_dates);
  }
  // A long range generates (used for scaling benchmarks).
  GenerateOptions far{2035, 2036, 3};
  auto r = GenerateLeague(far, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->schedule.size(), 2u * 1236 + generate::FactsForSeason(2035).playoff_games +
                                    generate::FactsForSeason(2036).playoff_games);
}

TEST(GeneratorCalendar, SeasonRangeParsing) {
  auto r = ParseSeasonRange("2021-2024");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first, 2021);
  EXPECT_EQ(r->second, 2024);
  EXPECT_TRUE(ParseSeasonRange("2023").ok());
  EXPECT_FALSE(ParseSeasonRange("2024-2021").ok());
  EXPECT_FALSE(ParseSeasonRange("21-24").ok());
  EXPECT_FALSE(ParseSeasonRange("2021-").ok());
  EXPECT_FALSE(ParseSeasonRange("abcd-2024").ok());
  EXPECT_FALSE(ParseSeasonRange("").ok());
}

}  // namespace
}  // namespace phase4::generate
