// `phase4 generate`: options, the summary, and idempotent re-runs.
#include <gtest/gtest.h>

#include <map>

#include "phase3/schedule_store.h"
#include "test_support.h"
#include "warehouse/warehouse.h"

namespace phase4::generate {
namespace {

using testing::RunPhase4;
using testing::TempDir;

std::map<std::string, int64_t> Counts(const std::string& dir) {
  std::map<std::string, int64_t> out;
  auto wh = Warehouse::Open(dir, false);
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  if (!wh.ok()) return out;
  for (const TableSchema* t : Phase3Tables()) out[t->FullName()] = *(*wh)->CountRows(*t);
  out["schedule"] = *(*wh)->CountRows(ScheduleSchema());
  return out;
}

TEST(GenerateCommand, WritesTheTablesAndReRunsIdempotently) {
  TempDir dir;
  const std::string wh = (dir.path() / "wh").string();
  auto r = RunPhase4({"--warehouse", wh, "generate", "--seasons", "2024-2024"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("nba_analytics.player_game_summary"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("done in"), std::string::npos);
  auto first = Counts(wh);
  EXPECT_EQ(first["schedule"], 1320);
  EXPECT_EQ(first["nba_analytics.team_offense_game_summary"], 2640);
  EXPECT_EQ(first["nba_analytics.team_defense_game_summary"], 2640);
  EXPECT_EQ(first["nba_analytics.upcoming_team_game_context"], 2640);
  EXPECT_GT(first["nba_analytics.player_game_summary"], 35000);
  EXPECT_GT(first["nba_analytics.upcoming_player_game_context"], 30000);

  // Same command again: same rows, nothing duplicated.
  auto wh1 = Warehouse::Open(wh, false);
  ASSERT_TRUE(wh1.ok());
  auto before = (*wh1)->SelectRows(PlayerGameSummarySchema(), std::nullopt, std::nullopt);
  ASSERT_TRUE(before.ok());
  wh1->reset();
  r = RunPhase4({"--warehouse", wh, "generate", "--seasons", "2024-2024"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Counts(wh), first);
  auto wh2 = Warehouse::Open(wh, false);
  ASSERT_TRUE(wh2.ok());
  auto after = (*wh2)->SelectRows(PlayerGameSummarySchema(), std::nullopt, std::nullopt);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*before, *after);

  // Another seed replaces the synthetic games and rows consistently.
  r = RunPhase4({"--warehouse", wh, "generate", "--seasons", "2024-2024", "--seed", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto c = Counts(wh);
  EXPECT_EQ(c["schedule"], 1320);
  EXPECT_EQ(c["nba_analytics.team_offense_game_summary"], 2640);
  auto games = phase3::ReadSchedule(**wh2);
  ASSERT_TRUE(games.ok());
  auto offense = (*wh2)->SelectRows(TeamOffenseGameSummarySchema(), std::nullopt, std::nullopt);
  ASSERT_TRUE(offense.ok());
  const auto& s = TeamOffenseGameSummarySchema();
  std::map<std::pair<std::string, std::string>, int64_t> points;
  for (const Row& row : *offense) {
    points[{*AsText(row[static_cast<size_t>(s.ColumnIndex("nba_game_id"))]),
            *AsText(row[static_cast<size_t>(s.ColumnIndex("team_abbr"))])}] =
        *AsInt(row[static_cast<size_t>(s.ColumnIndex("points_scored"))]);
  }
  for (const ScheduleGame& g : *games) {
    ASSERT_TRUE(g.has_score());
    ASSERT_EQ(points.at({g.game_id, g.home_team}), *g.home_score) << g.game_id;
  }
}

TEST(GenerateCommand, RejectsBadSeasonRanges) {
  TempDir dir;
  const std::string wh = (dir.path() / "wh").string();
  for (const char* bad : {"2024-2021", "21-24", "x", "2021-2024x"}) {
    auto r = RunPhase4({"--warehouse", wh, "generate", "--seasons", bad});
    EXPECT_EQ(r.exit_code, 64) << bad;  // a usage error
    EXPECT_NE(r.err.find("season"), std::string::npos) << r.err;
  }
  auto r = RunPhase4({"--warehouse", wh, "generate", "--seed", "notanumber"});
  EXPECT_EQ(r.exit_code, 64);
}

}  // namespace
}  // namespace phase4::generate
