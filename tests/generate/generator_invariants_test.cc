// Box-score invariants of the synthetic league: every row is internally
// consistent and the team tables agree with the player table.
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "generate/generator.h"
#include "generate_test_util.h"

namespace phase4::generate {
namespace {

using test::Cols;
using test::DefaultLeague;

TEST(GeneratorInvariants, ProducesAllTables) {
  const auto& L = DefaultLeague();
  EXPECT_EQ(L.schedule.size(), 4u * (1230 + 6) + 87 + 84 + 82 + 84);
  EXPECT_EQ(L.team_offense_game_summary.size(), 2 * L.schedule.size());
  EXPECT_EQ(L.team_defense_game_summary.size(), 2 * L.schedule.size());
  EXPECT_EQ(L.upcoming_team_game_context.size(), 2 * L.schedule.size());
  EXPECT_GT(L.player_game_summary.size(), 14 * 2 * L.schedule.size());
  EXPECT_GT(L.upcoming_player_game_context.size(), 12 * 2 * L.schedule.size());
  // Every row has the schema's width and its NOT NULL columns filled.
  const std::pair<const TableSchema*, const std::vector<Row>*> tables[] = {
      {&PlayerGameSummarySchema(), &L.player_game_summary},
      {&TeamOffenseGameSummarySchema(), &L.team_offense_game_summary},
      {&TeamDefenseGameSummarySchema(), &L.team_defense_game_summary},
      {&UpcomingPlayerGameContextSchema(), &L.upcoming_player_game_context},
      {&UpcomingTeamGameContextSchema(), &L.upcoming_team_game_context}};
  for (const auto& [schema, rows] : tables) {
    for (const Row& r : *rows) {
      ASSERT_EQ(r.size(), schema->size()) << schema->FullName();
      for (size_t i = 0; i < r.size(); ++i) {
        if (schema->columns[i].not_null) {
          ASSERT_FALSE(IsNull(r[i])) << schema->FullName() << "." << schema->columns[i].name;
        }
      }
    }
  }
}

TEST(GeneratorInvariants, PlayerLinesAreConsistent) {
  const auto& L = DefaultLeague();
  Cols c(PlayerGameSummarySchema());
  std::set<std::pair<std::string, std::string>> keys;
  size_t checked = 0;
  for (const Row& r : L.player_game_summary) {
    ASSERT_TRUE(keys.insert({c.Text(r, "player_lookup"), c.Text(r, "game_id")}).second)
        << "two rows for " << c.Text(r, "player_lookup") << " in " << c.Text(r, "game_id");
    EXPECT_EQ(c.Text(r, "universal_player_id"), c.Text(r, "player_lookup") + "_001");
    if (c.Null(r, "fg_attempts")) {
      EXPECT_EQ(c.Int(r, "is_active"), 0);  // inactive: no box stats
      EXPECT_TRUE(c.Null(r, "points"));
      continue;
    }
    ++checked;
    int64_t fga = *c.Int(r, "fg_attempts"), fgm = *c.Int(r, "fg_makes");
    int64_t pa = *c.Int(r, "paint_attempts"), pm = *c.Int(r, "paint_makes");
    int64_t ma = *c.Int(r, "mid_range_attempts"), mm = *c.Int(r, "mid_range_makes");
    int64_t ta = *c.Int(r, "three_pt_attempts"), tm = *c.Int(r, "three_pt_makes");
    int64_t fta = *c.Int(r, "ft_attempts"), ftm = *c.Int(r, "ft_makes");
    ASSERT_EQ(pa + ma + ta, fga);
    ASSERT_EQ(pm + mm + tm, fgm);
    ASSERT_LE(pm, pa);
    ASSERT_LE(mm, ma);
    ASSERT_LE(tm, ta);
    ASSERT_LE(ftm, fta);
    ASSERT_GE(pm, 0);
    ASSERT_GE(mm, 0);
    ASSERT_GE(tm, 0);
    ASSERT_EQ(*c.Int(r, "assisted_fg_makes") + *c.Int(r, "unassisted_fg_makes"), fgm);
    ASSERT_GE(*c.Int(r, "unassisted_fg_makes"), 0);
    ASSERT_EQ(*c.Int(r, "points"), 2 * (fgm - tm) + 3 * tm + ftm);
    auto minutes = c.Real(r, "minutes_played");
    if (minutes) {
      EXPECT_GE(*minutes, 0);
      EXPECT_LE(*minutes, 48 + 5 * 4);
    }
    if (!test::Played(c, r)) {
      EXPECT_EQ(fga, 0);
      EXPECT_EQ(fta, 0);
      EXPECT_TRUE(c.Null(r, "usage_rate"));
    }
  }
  EXPECT_GT(checked, 100000u);
}

struct TeamSums {
  int64_t points = 0, fga = 0, fgm = 0, ta = 0, tm = 0, fta = 0, ftm = 0, pa = 0, pm = 0, ma = 0,
          mm = 0, oreb = 0, dreb = 0, ast = 0, tov = 0, pf = 0, stl = 0, blk = 0;
  int minutes = 0, with_minutes = 0;
};

TEST(GeneratorInvariants, TeamRowsAreSumsOfPlayers) {
  const auto& L = DefaultLeague();
  Cols p(PlayerGameSummarySchema());
  std::map<std::pair<std::string, std::string>, TeamSums> sums;
  for (const Row& r : L.player_game_summary) {
    if (!test::Played(p, r)) continue;
    TeamSums& s = sums[{p.Text(r, "game_id"), p.Text(r, "team_abbr")}];
    s.points += *p.Int(r, "points");
    s.fga += *p.Int(r, "fg_attempts");
    s.fgm += *p.Int(r, "fg_makes");
    s.ta += *p.Int(r, "three_pt_attempts");
    s.tm += *p.Int(r, "three_pt_makes");
    s.fta += *p.Int(r, "ft_attempts");
    s.ftm += *p.Int(r, "ft_makes");
    s.pa += *p.Int(r, "paint_attempts");
    s.pm += *p.Int(r, "paint_makes");
    s.ma += *p.Int(r, "mid_range_attempts");
    s.mm += *p.Int(r, "mid_range_makes");
    s.oreb += *p.Int(r, "offensive_rebounds");
    s.dreb += *p.Int(r, "defensive_rebounds");
    s.ast += *p.Int(r, "assists");
    s.tov += *p.Int(r, "turnovers");
    s.pf += *p.Int(r, "personal_fouls");
    s.stl += *p.Int(r, "steals");
    s.blk += *p.Int(r, "blocks");
    if (auto m = p.Real(r, "minutes_played"); m && *m > 0) {
      s.minutes += static_cast<int>(*m);
      ++s.with_minutes;
    }
  }
  Cols o(TeamOffenseGameSummarySchema());
  ASSERT_EQ(sums.size(), L.team_offense_game_summary.size());
  for (const Row& r : L.team_offense_game_summary) {
    const TeamSums& s = sums.at({o.Text(r, "game_id"), o.Text(r, "team_abbr")});
    ASSERT_EQ(*o.Int(r, "points_scored"), s.points);
    ASSERT_EQ(*o.Int(r, "fg_attempts"), s.fga);
    ASSERT_EQ(*o.Int(r, "fg_makes"), s.fgm);
    ASSERT_EQ(*o.Int(r, "three_pt_attempts"), s.ta);
    ASSERT_EQ(*o.Int(r, "three_pt_makes"), s.tm);
    ASSERT_EQ(*o.Int(r, "ft_attempts"), s.fta);
    ASSERT_EQ(*o.Int(r, "ft_makes"), s.ftm);
    ASSERT_EQ(*o.Int(r, "team_paint_attempts"), s.pa);
    ASSERT_EQ(*o.Int(r, "team_paint_makes"), s.pm);
    ASSERT_EQ(*o.Int(r, "team_mid_range_attempts"), s.ma);
    ASSERT_EQ(*o.Int(r, "team_mid_range_makes"), s.mm);
    ASSERT_EQ(*o.Int(r, "points_in_paint_scored"), 2 * s.pm);
    ASSERT_EQ(*o.Int(r, "offensive_rebounds"), s.oreb);
    ASSERT_EQ(*o.Int(r, "rebounds"), s.oreb + s.dreb);
    ASSERT_EQ(*o.Int(r, "assists"), s.ast);
    ASSERT_EQ(*o.Int(r, "turnovers"), s.tov);
    ASSERT_EQ(*o.Int(r, "personal_fouls"), s.pf);
    const int64_t ot = *o.Int(r, "overtime_periods");
    ASSERT_EQ(s.minutes, 240 + 25 * ot);
    ASSERT_GE(s.with_minutes, 9);
    ASSERT_LE(s.with_minutes, 13);
    // §3: possessions = FGA + 0.44 FTA + TOV - OREB (0.1, then truncated);
    // pace = possessions x 48 / (team minutes / 5).
    double poss = s.fga + 0.44 * s.fta + s.tov - s.oreb;
    double poss1 = std::round(poss * 10) / 10;
    ASSERT_EQ(*o.Int(r, "possessions"), static_cast<int64_t>(poss1));
    ASSERT_NEAR(*o.Real(r, "pace"), poss1 * 48.0 / ((240 + 25 * ot) / 5.0), 0.051);
    ASSERT_NEAR(*o.Real(r, "offensive_rating"), 100.0 * s.points / poss, 0.0051);
  }
}

TEST(GeneratorInvariants, DefenseRowMirrorsOpponentOffense) {
  const auto& L = DefaultLeague();
  Cols o(TeamOffenseGameSummarySchema());
  Cols d(TeamDefenseGameSummarySchema());
  Cols p(PlayerGameSummarySchema());
  std::map<std::pair<std::string, std::string>, const Row*> offense;
  for (const Row& r : L.team_offense_game_summary)
    offense[{o.Text(r, "game_id"), o.Text(r, "team_abbr")}] = &r;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> blocks_steals;
  for (const Row& r : L.player_game_summary) {
    if (!test::Played(p, r)) continue;
    auto& bs = blocks_steals[{p.Text(r, "game_id"), p.Text(r, "team_abbr")}];
    bs.first += *p.Int(r, "blocks");
    bs.second += *p.Int(r, "steals");
  }
  ASSERT_EQ(L.team_defense_game_summary.size(), offense.size());
  for (const Row& r : L.team_defense_game_summary) {
    const std::string game = d.Text(r, "game_id");
    const std::string team = d.Text(r, "defending_team_abbr");
    const std::string opp = d.Text(r, "opponent_team_abbr");
    const Row& them = *offense.at({game, opp});
    const Row& us = *offense.at({game, team});
    ASSERT_EQ(o.Text(them, "opponent_team_abbr"), team);
    ASSERT_EQ(*d.Int(r, "points_allowed"), *o.Int(them, "points_scored"));
    ASSERT_EQ(*d.Int(r, "opp_fg_attempts"), *o.Int(them, "fg_attempts"));
    ASSERT_EQ(*d.Int(r, "opp_fg_makes"), *o.Int(them, "fg_makes"));
    ASSERT_EQ(*d.Int(r, "opp_three_pt_attempts"), *o.Int(them, "three_pt_attempts"));
    ASSERT_EQ(*d.Int(r, "opp_three_pt_makes"), *o.Int(them, "three_pt_makes"));
    ASSERT_EQ(*d.Int(r, "opp_ft_attempts"), *o.Int(them, "ft_attempts"));
    ASSERT_EQ(*d.Int(r, "opp_ft_makes"), *o.Int(them, "ft_makes"));
    ASSERT_EQ(*d.Int(r, "opp_rebounds"), *o.Int(them, "rebounds"));
    ASSERT_EQ(*d.Int(r, "opp_assists"), *o.Int(them, "assists"));
    ASSERT_EQ(*d.Int(r, "turnovers_forced"), *o.Int(them, "turnovers"));
    ASSERT_EQ(*d.Int(r, "fouls_committed"), *o.Int(us, "personal_fouls"));
    ASSERT_EQ(*d.Int(r, "opp_paint_attempts"), *o.Int(them, "team_paint_attempts"));
    ASSERT_EQ(*d.Int(r, "opp_paint_makes"), *o.Int(them, "team_paint_makes"));
    ASSERT_EQ(*d.Int(r, "opp_mid_range_attempts"), *o.Int(them, "team_mid_range_attempts"));
    ASSERT_EQ(*d.Int(r, "opp_mid_range_makes"), *o.Int(them, "team_mid_range_makes"));
    ASSERT_EQ(*d.Int(r, "points_in_paint_allowed"), 2 * *o.Int(them, "team_paint_makes"));
    ASSERT_EQ(*d.Int(r, "mid_range_points_allowed"), 2 * *o.Int(them, "team_mid_range_makes"));
    ASSERT_EQ(*d.Int(r, "three_pt_points_allowed"), 3 * *o.Int(them, "three_pt_makes"));
    ASSERT_EQ(*d.Real(r, "defensive_rating"), *o.Real(them, "offensive_rating"));
    ASSERT_EQ(*d.Int(r, "margin_of_victory"), *o.Int(us, "margin_of_victory"));
    ASSERT_EQ(*d.Int(r, "win_flag"), *o.Int(us, "win_flag"));
    ASSERT_EQ(*d.Int(r, "home_game"), *o.Int(us, "home_game"));
    // Blocks by zone are the defenders' blocks, within the opponent's misses.
    const auto& bs = blocks_steals.at({game, team});
    const int64_t bp = *d.Int(r, "blocks_paint"), bm = *d.Int(r, "blocks_mid_range"),
                  bt = *d.Int(r, "blocks_three_pt");
    ASSERT_EQ(bp + bm + bt, bs.first);
    ASSERT_EQ(*d.Int(r, "steals"), bs.second);
    ASSERT_LE(bp, *o.Int(them, "team_paint_attempts") - *o.Int(them, "team_paint_makes"));
    ASSERT_LE(bm, *o.Int(them, "team_mid_range_attempts") - *o.Int(them, "team_mid_range_makes"));
    ASSERT_LE(bt, *o.Int(them, "three_pt_attempts") - *o.Int(them, "three_pt_makes"));
    // opponent_pace: the opponent's possessions (not OT-normalised).
    double opp_poss = *o.Int(them, "fg_attempts") + 0.44 * *o.Int(them, "ft_attempts") +
                      *o.Int(them, "turnovers") - *o.Int(them, "offensive_rebounds");
    ASSERT_NEAR(*d.Real(r, "opponent_pace"), opp_poss, 0.051);
  }
}

TEST(GeneratorInvariants, ScheduleScoresMatchBoxScores) {
  const auto& L = DefaultLeague();
  Cols o(TeamOffenseGameSummarySchema());
  std::map<std::pair<std::string, std::string>, int64_t> points;  // (nba id, team)
  for (const Row& r : L.team_offense_game_summary)
    points[{o.Text(r, "nba_game_id"), o.Text(r, "team_abbr")}] = *o.Int(r, "points_scored");
  for (const ScheduleGame& g : L.schedule) {
    ASSERT_TRUE(g.has_matchup() && g.has_score()) << g.game_id;
    EXPECT_EQ(g.game_status, 3);
    EXPECT_NE(*g.home_score, *g.away_score);
    EXPECT_EQ(points.at({g.game_id, g.home_team}), *g.home_score) << g.game_id;
    EXPECT_EQ(points.at({g.game_id, g.away_team}), *g.away_score) << g.game_id;
  }
}

TEST(GeneratorInvariants, SameSeedSameRowsOtherSeedOtherRows) {
  GenerateOptions one{2022, 2022, 7};
  auto a = GenerateLeague(one, {});
  auto b = GenerateLeague(one, {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->player_game_summary, b->player_game_summary);
  EXPECT_EQ(a->team_offense_game_summary, b->team_offense_game_summary);
  EXPECT_EQ(a->team_defense_game_summary, b->team_defense_game_summary);
  EXPECT_EQ(a->upcoming_player_game_context, b->upcoming_player_game_context);
  EXPECT_EQ(a->upcoming_team_game_context, b->upcoming_team_game_context);
  ASSERT_EQ(a->schedule.size(), b->schedule.size());
  for (size_t i = 0; i < a->schedule.size(); ++i) {
    EXPECT_EQ(a->schedule[i].game_id, b->schedule[i].game_id);
    EXPECT_EQ(a->schedule[i].home_team, b->schedule[i].home_team);
    EXPECT_EQ(a->schedule[i].home_score, b->schedule[i].home_score);
  }
  GenerateOptions other{2022, 2022, 8};
  auto c = GenerateLeague(other, {});
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->player_game_summary, c->player_game_summary);
  EXPECT_NE(a->upcoming_player_game_context, c->upcoming_player_game_context);
  // A season's games do not depend on where the range starts (from 2021
  // on); only the prop lines before a player's first games differ, as last
  // season's scoring is unknown to a range that starts with the season.
  const auto& full = test::DefaultLeague();
  GenerateOptions only2023{2023, 2023, GenerateOptions{}.seed};
  auto d = GenerateLeague(only2023, {});
  ASSERT_TRUE(d.ok());
  Cols o(TeamOffenseGameSummarySchema());
  std::vector<Row> full2023;
  for (const Row& r : full.team_offense_game_summary) {
    if (o.Int(r, "season_year") == 2023) full2023.push_back(r);
  }
  EXPECT_EQ(full2023, d->team_offense_game_summary);
}

TEST(GeneratorInvariants, DidNotPlayRowsExist) {
  const auto& L = DefaultLeague();
  Cols c(PlayerGameSummarySchema());
  size_t inactive = 0, bench_null = 0, bench_zero = 0, cameo = 0, played = 0;
  for (const Row& r : L.player_game_summary) {
    bool active = c.Int(r, "is_active") != 0;
    auto minutes = c.Real(r, "minutes_played");
    if (!active) {
      ++inactive;
      EXPECT_FALSE(test::Played(c, r));
    } else if (!minutes && c.IntOr(r, "fg_attempts", 0) > 0) {
      ++cameo;  // no minutes recorded, but a shot: played (decision 27)
      EXPECT_TRUE(test::Played(c, r));
    } else if (!minutes) {
      ++bench_null;
      EXPECT_FALSE(test::Played(c, r));
    } else if (*minutes == 0) {
      ++bench_zero;
      EXPECT_FALSE(test::Played(c, r));
    } else {
      ++played;
    }
  }
  EXPECT_GT(inactive, 1000u);
  EXPECT_GT(bench_null, 1000u);
  EXPECT_GT(bench_zero, 100u);
  EXPECT_GT(cameo, 5u);
  EXPECT_GT(played, 100000u);
}

TEST(GeneratorInvariants, TradesMovePlayersMidSeason) {
  const auto& L = DefaultLeague();
  Cols c(PlayerGameSummarySchema());
  // (season, player) -> teams in date order
  std::map<std::pair<int64_t, std::string>, std::vector<std::string>> teams;
  for (const Row& r : L.player_game_summary) {
    auto& v = teams[{*c.Int(r, "season_year"), c.Text(r, "player_lookup")}];
    if (v.empty() || v.back() != c.Text(r, "team_abbr")) v.push_back(c.Text(r, "team_abbr"));
  }
  std::map<int64_t, int> traded;
  for (const auto& [key, v] : teams) {
    EXPECT_LE(v.size(), 2u) << key.second;
    if (v.size() == 2) ++traded[key.first];
  }
  for (int s = 2021; s <= 2024; ++s) {
    EXPECT_GE(traded[s], 6) << s;  // 3+ trades, two players each
    EXPECT_LE(traded[s], 16) << s;
  }
}

TEST(GeneratorInvariants, PlayerLookupsAreUniqueNormalisedNames) {
  const auto& L = DefaultLeague();
  Cols c(PlayerGameSummarySchema());
  std::map<std::string, std::string> name_of;
  for (const Row& r : L.player_game_summary) {
    std::string lookup = c.Text(r, "player_lookup");
    std::string name = c.Text(r, "player_full_name");
    std::string expect;
    for (char ch : name) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) expect.push_back(ch);
    }
    ASSERT_EQ(lookup, expect);
    auto [it, inserted] = name_of.emplace(lookup, name);
    ASSERT_EQ(it->second, name);  // one name per lookup
  }
  EXPECT_GT(name_of.size(), 550u);  // 450 a season plus newcomers
}

}  // namespace
}  // namespace phase4::generate
