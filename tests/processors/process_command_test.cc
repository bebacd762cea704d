// `phase4 process JOB --analysis-date D`, run as the real binary against a
// small warehouse built in the test.
#include <gtest/gtest.h>

#include "common/teams.h"
#include "phase3/schedule_store.h"
#include "processor_test_util.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/registry.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"
#include "test_support.h"
#include "warehouse/warehouse.h"

namespace phase4::processors {
namespace {

using test::D;

// 30 teams, 16 game days before 2025-01-27, one player per team.
struct SmallWarehouse {
  testing::TempDir dir;
  SmallWarehouse() {
    auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
    test::ScheduleBuilder sb;
    sb.Game(D("2024-10-22"), "NYK", "ORL");
    std::vector<Row> defense, players;
    for (int i = 1; i <= 16; ++i) {
      Date day = AddDays(D("2025-01-27"), -i);
      for (size_t t = 0; t < 30; t += 2) {
        const std::string home(AllTeams()[t].tricode), away(AllTeams()[t + 1].tricode);
        sb.Game(day, home, away);
        for (const auto& [team, opp] : {std::pair{home, away}, std::pair{away, home}}) {
          test::DefenseGame g;
          g.team = team;
          g.opponent = opp;
          g.date = day;
          defense.push_back(test::DefenseRow(g));
          test::PlayerGame p;
          p.player = "star" + team;
          p.upid = p.player + "_001";
          p.team = team;
          p.opponent = opp;
          p.date = day;
          players.push_back(test::PlayerRow(p));
        }
      }
    }
    EXPECT_TRUE(phase3::MergeSchedule(*wh, sb.games()).ok());
    EXPECT_TRUE(wh->InsertRows(TeamDefenseGameSummarySchema(), defense).ok());
    EXPECT_TRUE(wh->InsertRows(PlayerGameSummarySchema(), players).ok());
  }
  int64_t Count(const TableSchema& t) {
    auto wh = std::move(Warehouse::Open(dir.str(), false)).value();
    return *wh->CountRows(t);
  }
};

TEST(ProcessorCommandTest, WritesOneDateOfEachZoneProcessor) {
  SmallWarehouse w;
  auto r = testing::RunPhase4({"--warehouse", w.dir.str(), "process", "team_defense_zone_analysis",
                               "--analysis-date", "2025-01-27", "--backfill-mode"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("team_defense_zone_analysis 2025-01-27: 30 rows written"), std::string::npos)
      << r.out;
  EXPECT_EQ(w.Count(TeamDefenseZoneAnalysisSchema()), 30);

  r = testing::RunPhase4({"--warehouse", w.dir.str(), "process", "player_shot_zone_analysis",
                          "--analysis-date", "2025-01-27", "--backfill-mode",
                          "--skip-downstream-trigger", "--no-strict"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("player_shot_zone_analysis 2025-01-27: 30 rows written"), std::string::npos)
      << r.out;
  EXPECT_EQ(w.Count(PlayerShotZoneAnalysisSchema()), 30);

  // A rerun replaces the date: same row count.
  r = testing::RunPhase4({"--warehouse", w.dir.str(), "process", "team_defense_zone_analysis",
                          "--analysis-date", "2025-01-27", "--backfill-mode"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w.Count(TeamDefenseZoneAnalysisSchema()), 30);
}

TEST(ProcessorCommandTest, BootstrapDateWritesNothing) {
  SmallWarehouse w;
  auto r = testing::RunPhase4({"--warehouse", w.dir.str(), "process", "team_defense_zone_analysis",
                               "--analysis-date", "2024-10-25", "--backfill-mode"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Bootstrap period skipped"), std::string::npos) << r.out;
  EXPECT_EQ(w.Count(TeamDefenseZoneAnalysisSchema()), 0);
  // --bootstrap-days moves the boundary: the date is processed now, and its
  // dependency check (decision 16) finds no team defense rows for the
  // previous game date 2024-10-22 in this small fixture.
  r = testing::RunPhase4({"--warehouse", w.dir.str(), "process", "team_defense_zone_analysis",
                          "--analysis-date", "2024-10-25", "--bootstrap-days", "3",
                          "--backfill-mode"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(r.out.find("Bootstrap period skipped"), std::string::npos) << r.out;
  EXPECT_NE(
      r.err.find("No data for date 2024-10-25: nba_analytics.team_defense_game_summary has no "
                 "rows for the previous game date 2024-10-22"),
      std::string::npos)
      << r.err;
}

TEST(ProcessorCommandTest, BadJobOrDateExitsOne) {
  SmallWarehouse w;
  auto r = testing::RunPhase4({"--warehouse", w.dir.str(), "process", "no_such_job",
                               "--analysis-date", "2025-01-27", "--backfill-mode"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown job 'no_such_job'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("team_defense_zone_analysis"), std::string::npos) << r.err;
  for (const char* bad : {"2025-02-30", "20250127", "yesterday"}) {
    r = testing::RunPhase4({"--warehouse", w.dir.str(), "process", "team_defense_zone_analysis",
                            "--analysis-date", bad});
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
  }
  // A required option missing is a usage error.
  r = testing::RunPhase4({"--warehouse", w.dir.str(), "process", "team_defense_zone_analysis"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(w.Count(TeamDefenseZoneAnalysisSchema()), 0);
}

TEST(ProcessorCommandTest, MissingWarehouseExitsOne) {
  testing::TempDir dir;
  auto r = testing::RunPhase4({"--warehouse", (dir.path() / "none").string(), "process",
                               "team_defense_zone_analysis", "--analysis-date", "2025-01-27",
                               "--backfill-mode"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("init"), std::string::npos) << r.err;
}

// `process all` runs the five processors for D in one process, in execution
// order, sharing one read of the season; its rows equal those of five
// separate `process JOB` runs (ignoring the timestamps of each run).
TEST(ProcessorCommandTest, AllRunsTheFiveInOrderLikeFiveSeparateRuns) {
  testing::TempDir together, apart;
  for (const auto* dir : {&together, &apart}) {
    auto gen =
        testing::RunPhase4({"--warehouse", dir->str(), "generate", "--seasons", "2023-2023"});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
  }
  const std::vector<std::string> today{"PHASE4_TODAY=2024-01-16"};
  auto r = testing::RunPhase4(
      {"--warehouse", together.str(), "process", "all", "--analysis-date", "2024-01-16"}, "",
      today);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  size_t next = 0;  // each processor's line comes after the previous one's
  for (const ProcessorInfo* info : AllProcessors()) {
    size_t at = r.out.find(info->name + " 2024-01-16: ");
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_GE(at, next) << info->name << " ran out of order:\n" << r.out;
    next = at + 1;
    auto single = testing::RunPhase4(
        {"--warehouse", apart.str(), "process", info->name, "--analysis-date", "2024-01-16"}, "",
        today);
    ASSERT_EQ(single.exit_code, 0) << single.err;
  }
  auto a = std::move(Warehouse::Open(together.str(), false)).value();
  auto b = std::move(Warehouse::Open(apart.str(), false)).value();
  for (const ProcessorInfo* info : AllProcessors()) {
    const TableSchema& t = *info->output;
    auto ra = a->SelectRows(t, D("2024-01-16"), D("2024-01-16"));
    auto rb = b->SelectRows(t, D("2024-01-16"), D("2024-01-16"));
    ASSERT_TRUE(ra.ok() && rb.ok());
    ASSERT_FALSE(ra->empty()) << t.name;
    ASSERT_EQ(ra->size(), rb->size()) << t.name;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const std::string& name = t.columns[c].name;
      // Timestamps of the run, and of the upstream rows it read.
      if (name == "processed_at" || name == "created_at" || name == "updated_at" ||
          name == "feature_generation_time_ms" || name.ends_with("_last_updated"))
        continue;
      for (size_t i = 0; i < ra->size(); ++i)
        EXPECT_EQ((*ra)[i][c], (*rb)[i][c]) << t.name << " row " << i << " column " << name;
    }
  }
}

}  // namespace
}  // namespace phase4::processors
