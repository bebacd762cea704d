// The run layer reads only the upstream columns a processor declares
// (ProcessorInfo::upstream_columns). This proves every declaration complete:
// on real upstream rows of a generated season, each processor computes
// exactly the same rows from the projected upstream rows as from the full
// ones. A column left out of a list, and read by the processor, arrives NULL
// and changes some output cell (a feature, a source hash, a readiness flag).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "phase3/schedule_store.h"
#include "processors/common/writer.h"
#include "processors/registry.h"
#include "execution/run_date.h"
#include "processors/same_output.h"
#include "test_support.h"
#include "warehouse/warehouse.h"

namespace phase4::processors {
namespace {

TEST(UpstreamProjectionTest, ProjectedUpstreamRowsGiveTheSameOutputAsFullRows) {
  testing::TempDir dir;
  auto gen = testing::RunPhase4({"--warehouse", dir.str(), "generate", "--seasons", "2023-2023"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err << gen.out;
  auto wh = std::move(Warehouse::Open(dir.str(), false)).value();
  auto calendar = phase3::ReadCalendar(*wh);
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  const auto dates = calendar->GameDates(MakeDate(2023, 10, 1), MakeDate(2023, 12, 10));
  ASSERT_GT(dates.size(), 30u);

  execution::InputReader reader(*wh, *calendar);
  execution::RunOptions options;
  options.processed_at = "2024-07-01T00:00:00.000000Z";
  int compared = 0;
  ASSERT_NO_FATAL_FAILURE(testing::WalkDatesRunningEveryProcessor(
      dates, [&](const ProcessorInfo&) -> execution::InputReader& { return reader; },
      [&](const ProcessorInfo& info, size_t i, Date d) {
        // Compared on every third date past the bootstrap period.
        if (info.upstream_columns.empty() || calendar->IsBootstrap(d) || i % 3 != 0) return;
        auto projected = reader.InputsFor(info, d);
        ASSERT_TRUE(projected.ok()) << projected.status().message();
        ProcessorInputs full = *projected;
        for (const auto& up : info.phase4_upstreams) {
          auto rows = wh->SelectRows(*FindTable(up), d, d);
          ASSERT_TRUE(rows.ok()) << rows.status().message();
          ASSERT_FALSE(rows->empty()) << up << " has no rows for " << FormatDate(d);
          full.upstream[up] = std::move(rows).value();
        }
        auto a = info.compute(d, *projected);
        auto b = info.compute(d, full);
        ASSERT_TRUE(a.ok() && b.ok()) << info.name << " " << FormatDate(d);
        ASSERT_NO_FATAL_FAILURE(testing::ExpectSameFinishedRows(
            info, d, std::move(a).value(), std::move(b).value(), options.processed_at, "full"));
        ++compared;
      },
      options));
  // #3, #4 and #5 declare projections, each compared on about 15 dates.
  EXPECT_GE(compared, 30);
}

// A projection keeps the date and key columns, so rows stay addressable.
TEST(UpstreamProjectionTest, ProjectionKeepsTheDateAndKeyColumns) {
  const ProcessorInfo* daily = FindProcessor("player_daily_cache");
  ASSERT_NE(daily, nullptr);
  const TableSchema& defense = *FindTable("team_defense_zone_analysis");
  auto columns = execution::UpstreamColumnIndexes(*daily, defense, "team_defense_zone_analysis");
  ASSERT_TRUE(columns.ok());
  std::vector<int> expected{defense.ColumnIndex(defense.date_column)};
  for (const auto& k : defense.primary_key) expected.push_back(defense.ColumnIndex(k));
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  EXPECT_EQ(*columns, expected);

  ProcessorInfo bad = *daily;
  bad.upstream_columns["team_defense_zone_analysis"] = {"no_such_column"};
  auto refused = execution::UpstreamColumnIndexes(bad, defense, "team_defense_zone_analysis");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("no_such_column"), std::string::npos);
}

}  // namespace
}  // namespace phase4::processors
