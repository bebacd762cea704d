// A warehouse holding a small league (30 teams x 16 games before D) and
// #1 run on it: the fixture of the writer's, the reader's and run-all's
// coordination tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/teams.h"
#include "execution/run_date.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"
#include "processor_test_util.h"
#include "test_support.h"
#include "warehouse/sqlite_warehouse.h"

namespace phase4::processors {

using test::D;

// A warehouse holding a small league: 30 teams x 16 games before D.
struct WriterFixture {
  testing::TempDir dir;
  std::unique_ptr<SqliteWarehouse> wh;
  test::ScheduleBuilder schedule;
  const Date d = D("2025-01-27");

  WriterFixture() {
    wh = std::move(SqliteWarehouse::Open(dir.str(), true)).value();
    std::vector<Row> rows;
    schedule.Game(D("2024-10-22"), "NYK", "ORL");
    for (int i = 1; i <= 16; ++i) {
      Date day = AddDays(d, -i);
      for (size_t t = 0; t < 30; t += 2) {
        const std::string home(AllTeams()[t].tricode), away(AllTeams()[t + 1].tricode);
        schedule.Game(day, home, away);
        for (const auto& [team, opp] : {std::pair{home, away}, std::pair{away, home}}) {
          test::DefenseGame g;
          g.team = team;
          g.opponent = opp;
          g.date = day;
          g.paint_makes = 15 + static_cast<int64_t>((t + static_cast<size_t>(i)) % 9);
          rows.push_back(test::DefenseRow(g));
        }
      }
    }
    EXPECT_TRUE(wh->InsertRows(TeamDefenseGameSummarySchema(), rows).ok());
  }

  Result<execution::DateOutcome> Run(const std::string& processed_at, execution::InputReader* reader = nullptr) {
    auto cal = schedule.Calendar();
    execution::InputReader local(*wh, *cal);
    execution::RunOptions o;
    o.processed_at = processed_at;
    return execution::RunProcessorDate(reader ? *reader : local, TeamDefenseZoneAnalysisInfo(), d, o);
  }

  std::map<std::string, std::string> Hashes() {
    auto rows = wh->SelectRows(TeamDefenseZoneAnalysisSchema(), d, d);
    EXPECT_TRUE(rows.ok());
    std::map<std::string, std::string> out;
    const auto& s = TeamDefenseZoneAnalysisSchema();
    for (const Row& r : *rows)
      out[*test::TextOf(s, r, "team_abbr")] = *test::TextOf(s, r, "data_hash");
    return out;
  }
  std::string ProcessedAt() {
    auto rows = wh->SelectRows(TeamDefenseZoneAnalysisSchema(), d, d);
    return *test::TextOf(TeamDefenseZoneAnalysisSchema(), rows->front(), "processed_at");
  }
};

}  // namespace phase4::processors
