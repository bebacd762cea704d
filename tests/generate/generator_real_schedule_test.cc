// The generator over the real schedule files of ../shared/data: the game-id
// CSV (ids and dates of 2021-22 .. 2024-25) and the 2024-25 schedule JSON
// (matchups and final scores).
#include <algorithm>
#include <map>
#include <set>

#include "generate/game_ids.h"
#include "generate_test_util.h"
#include "phase3/schedule_files.h"
#include "test_support.h"

namespace phase4::generate {
namespace {

using test::Cols;

// The two files merged as `load-schedule` does: the richer row of a game wins.
std::vector<ScheduleGame> LoadRealSchedule(const std::filesystem::path& data) {
  std::map<std::string, ScheduleGame> by_id;
  for (const char* f :
       {"schedule/nba_game_ids_2021-22_to_2024-25.csv", "schedule/nbac_schedule_2024-25.json"}) {
    auto parsed = phase3::ParseScheduleFile((data / f).string());
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    if (!parsed.ok()) return {};
    for (auto& g : parsed->games) {
      auto it = by_id.find(g.game_id);
      if (it == by_id.end() || (!it->second.has_matchup() && g.has_matchup())) by_id[g.game_id] = g;
    }
  }
  std::vector<ScheduleGame> out;
  for (auto& [id, g] : by_id) out.push_back(std::move(g));
  return out;
}

TEST(GeneratorRealSchedule, UsesTheRealCalendarMatchupsAndScores) {
  PHASE4_REQUIRE_SHARED_DATA(data);
  const std::vector<ScheduleGame> loaded = LoadRealSchedule(data);
  ASSERT_EQ(loaded.size(), 5281u);  // 4,920 regular season + 24 play-in + 337 playoffs
  auto league = GenerateLeague(GenerateOptions{}, loaded);
  ASSERT_TRUE(league.ok()) << league.status().message();
  const auto& L = *league;

  // Same ids on the same dates, every game completed.
  std::map<std::string, const ScheduleGame*> real;
  for (const auto& g : loaded) real[g.game_id] = &g;
  ASSERT_EQ(L.schedule.size(), loaded.size());
  std::set<Date> dates;
  for (const auto& g : L.schedule) {
    const ScheduleGame& r = *real.at(g.game_id);
    ASSERT_EQ(g.game_date, r.game_date) << g.game_id;
    ASSERT_TRUE(g.has_matchup() && g.has_score()) << g.game_id;
    if (r.has_matchup()) {  // the 2024-25 JSON: real teams and final scores
      EXPECT_EQ(g.home_team, r.home_team);
      EXPECT_EQ(g.away_team, r.away_team);
      EXPECT_EQ(g.home_score, r.home_score) << g.game_id;
      EXPECT_EQ(g.away_score, r.away_score) << g.game_id;
    }
    dates.insert(g.game_date);
  }
  EXPECT_EQ(dates.size(), 845u);

  // Each team's player points sum to the schedule's (real) score.
  Cols p(PlayerGameSummarySchema());
  std::map<std::pair<std::string, std::string>, int64_t> points;  // (system id, team)
  for (const Row& r : L.player_game_summary) {
    if (test::Played(p, r))
      points[{p.Text(r, "game_id"), p.Text(r, "team_abbr")}] += *p.Int(r, "points");
  }
  for (const auto& g : L.schedule) {
    std::string sid = generate::SystemGameId(g.game_date, g.away_team, g.home_team);
    ASSERT_EQ(points.at({sid, g.home_team}), *g.home_score) << g.game_id;
    ASSERT_EQ(points.at({sid, g.away_team}), *g.away_score) << g.game_id;
  }

  // The CSV seasons got balanced pairings and consistent playoff series.
  for (int season = 2021; season <= 2023; ++season) {
    SCOPED_TRACE(season);
    std::map<std::string, int> games, home;
    std::map<Date, std::set<std::string>> playing;
    std::map<std::pair<int, int>, std::vector<const ScheduleGame*>> series;
    std::map<std::pair<int, int>, int> length;
    for (const auto& g : L.schedule) {
      if (g.season_year != season) continue;
      ASSERT_TRUE(playing[g.game_date].insert(g.home_team).second);
      ASSERT_TRUE(playing[g.game_date].insert(g.away_team).second);
      if (g.game_type == GameType::kRegularSeason) {
        ++games[g.home_team];
        ++games[g.away_team];
        ++home[g.home_team];
      } else if (g.game_type == GameType::kPlayoffs) {
        auto slot = generate::ParseBracketGameId(g.game_id);
        series[{slot->round, slot->matchup}].push_back(&g);
      }
    }
    for (const auto& g : loaded) {
      if (g.game_type != GameType::kPlayoffs || SeasonYearOf(g.game_date) != season) continue;
      auto slot = generate::ParseBracketGameId(g.game_id);
      ++length[{slot->round, slot->matchup}];
    }
    ASSERT_EQ(games.size(), 30u);
    for (const auto& [t, n] : games) {
      EXPECT_EQ(n, 82) << t;
      EXPECT_EQ(home[t], 41) << t;
    }
    ASSERT_EQ(series.size(), 15u);
    for (auto& [key, list] : series) {
      EXPECT_EQ(static_cast<int>(list.size()), length[key]);
      std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->game_id < b->game_id; });
      std::set<std::string> pair{list[0]->home_team, list[0]->away_team};
      std::map<std::string, int> wins;
      for (size_t i = 0; i < list.size(); ++i) {
        EXPECT_EQ((std::set<std::string>{list[i]->home_team, list[i]->away_team}), pair);
        ++wins[*list[i]->home_score > *list[i]->away_score ? list[i]->home_team
                                                           : list[i]->away_team];
        if (i + 1 < list.size()) {
          for (const auto& [t, n] : wins) EXPECT_LT(n, 4);
        }
      }
      int best = 0;
      for (const auto& [t, n] : wins) best = std::max(best, n);
      EXPECT_EQ(best, 4);
    }
  }

  // Feeding the generated schedule back (what a second `generate` run
  // reads) reproduces the same rows.
  auto again = GenerateLeague(GenerateOptions{}, L.schedule);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->team_offense_game_summary, L.team_offense_game_summary);
  EXPECT_EQ(again->player_game_summary, L.player_game_summary);
  EXPECT_EQ(again->upcoming_player_game_context, L.upcoming_player_game_context);
}

TEST(GeneratorRealSchedule, RerunOverItsOwnScheduleIsIdentical) {
  const auto& L = test::DefaultLeague();
  auto again = GenerateLeague(GenerateOptions{}, L.schedule);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->player_game_summary, L.player_game_summary);
  EXPECT_EQ(again->team_defense_game_summary, L.team_defense_game_summary);
  EXPECT_EQ(again->upcoming_team_game_context, L.upcoming_team_game_context);
  ASSERT_EQ(again->schedule.size(), L.schedule.size());
  for (size_t i = 0; i < L.schedule.size(); ++i) {
    EXPECT_EQ(again->schedule[i].home_team, L.schedule[i].home_team);
    EXPECT_EQ(again->schedule[i].home_score, L.schedule[i].home_score);
  }
  // Another seed over the same stored schedule replaces the synthetic games.
  auto other = GenerateLeague(GenerateOptions{2024, 2024, 1}, L.schedule);
  ASSERT_TRUE(other.ok());
  size_t differ = 0;
  for (const auto& g : other->schedule) {
    for (const auto& h : L.schedule) {
      if (h.game_id == g.game_id) {
        differ += h.home_team != g.home_team || h.home_score != g.home_score;
        break;
      }
    }
  }
  EXPECT_GT(differ, 1000u);
}

}  // namespace
}  // namespace phase4::generate
