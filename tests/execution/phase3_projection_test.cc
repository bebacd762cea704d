// A season load makes Values only of the Phase 3 columns the processors
// list (ProcessorInfo::phase3_columns) and digests every cell. This proves
// each list complete and the digests unchanged: over a generated season,
// each processor computes exactly the same rows from projected tables as
// from whole ones. A column left out of a list, and read by the processor,
// arrives NULL (or aborts, through the columnar accessors) and changes some
// output cell; a digest that missed a cell would change a source_*_hash.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>

#include "phase3/schedule_store.h"
#include "processors/common/season_inputs.h"
#include "processors/common/writer.h"
#include "processors/registry.h"
#include "execution/run_date.h"
#include "processors/same_output.h"
#include "test_support.h"
#include "warehouse/sqlite_warehouse.h"

namespace phase4::execution {
namespace {

using processors::AllProcessors;
using processors::ProcessorInfo;
using processors::SeasonInputs;
using processors::SeasonTable;
using processors::kPlayerGameSummary;

// A generated 2023-24 season, with some context rows missing their
// universal_player_id so that the fallbacks reading it from other tables run.
class Phase3ProjectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto gen =
        testing::RunPhase4({"--warehouse", dir_->str(), "generate", "--seasons", "2023-2023"});
    ASSERT_EQ(gen.exit_code, 0) << gen.err << gen.out;
    auto wh = std::move(SqliteWarehouse::Open(dir_->str(), false)).value();
    ASSERT_TRUE(wh->Exec("UPDATE nba_analytics.upcoming_player_game_context "
                         "SET universal_player_id = NULL WHERE rowid % 9 = 0")
                    .ok());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static testing::TempDir* dir_;
};
testing::TempDir* Phase3ProjectionTest::dir_ = nullptr;

TEST_F(Phase3ProjectionTest, ProjectedTablesGiveTheSameOutputAsWholeTables) {
  auto wh = std::move(SqliteWarehouse::Open(dir_->str(), false)).value();
  auto calendar = phase3::ReadCalendar(*wh);
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  const auto dates = calendar->GameDates(MakeDate(2023, 10, 1), MakeDate(2024, 6, 30));
  ASSERT_GT(dates.size(), 150u);

  // One reader per processor, so that each reads its own list only (a
  // shared reader would widen a table to the union of the lists).
  std::map<const ProcessorInfo*, std::unique_ptr<InputReader>> projected;
  for (const ProcessorInfo* info : AllProcessors())
    projected[info] = std::make_unique<InputReader>(*wh, *calendar);
  InputReader whole(*wh, *calendar);
  // Whole tables loaded first cover every projection asked for later.
  ASSERT_TRUE(whole.Season(2023, WholeTables()).ok());
  RunOptions options;
  options.processed_at = "2024-07-01T00:00:00.000000Z";
  int compared = 0;
  ASSERT_NO_FATAL_FAILURE(testing::WalkDatesRunningEveryProcessor(
      dates, [&](const ProcessorInfo& info) -> InputReader& { return *projected[&info]; },
      [&](const ProcessorInfo& info, size_t i, Date d) {
        // Compared on every fourth date past the bootstrap period.
        if (calendar->IsBootstrap(d) || i % 4 != 0) return;
        auto a = ComputeDate(*projected[&info], info, d);
        auto b = ComputeDate(whole, info, d);
        ASSERT_TRUE(a.ok()) << info.name << " " << FormatDate(d) << ": " << a.status().message();
        ASSERT_TRUE(b.ok()) << info.name << " " << FormatDate(d) << ": " << b.status().message();
        ASSERT_NO_FATAL_FAILURE(testing::ExpectSameFinishedRows(
            info, d, std::move(a).value(), std::move(b).value(), options.processed_at, "whole"));
        ++compared;
      },
      options));
  EXPECT_GE(compared, 5 * 35);
  // Each reader read each of its tables once.
  EXPECT_EQ(whole.table_reads(), 5);
  for (const auto& [info, reader] : projected)
    EXPECT_EQ(reader->table_reads(), static_cast<int64_t>(info->phase3_inputs.size()))
        << info->name;
}

// The digests a season load computes from the cells it scans are those of
// the whole rows (RowDigest), column projection or not.
TEST_F(Phase3ProjectionTest, ScannedDigestsAreThoseOfTheWholeRows) {
  auto wh = std::move(SqliteWarehouse::Open(dir_->str(), false)).value();
  auto calendar = phase3::ReadCalendar(*wh);
  ASSERT_TRUE(calendar.ok());
  InputReader reader(*wh, *calendar);
  auto reads = Phase3Reads(AllProcessors());
  ASSERT_TRUE(reads.ok()) << reads.status().message();
  auto loaded = reader.Season(2023, *reads);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  SeasonInputs from_rows(2023, *calendar);
  for (const TableSchema* schema : Phase3Tables()) {
    const std::string name = schema->FullName();
    const SeasonTable* scanned = (*loaded)->Table(name);
    ASSERT_NE(scanned, nullptr) << name;
    auto rows = wh->SelectRows(scanned->schema(), from_rows.first_day(), from_rows.last_day());
    ASSERT_TRUE(rows.ok());
    ASSERT_TRUE(from_rows.AddTable(name, std::move(rows).value()).ok());
    const SeasonTable* whole = from_rows.Table(name);
    ASSERT_EQ(scanned->row_count(), whole->row_count()) << name;
    ASSERT_GT(scanned->row_count(), 1000u) << name;
    size_t projected_columns = 0;
    for (size_t c = 0; c < scanned->schema().size(); ++c)
      projected_columns += scanned->Loaded(static_cast<int>(c)) ? 0 : 1;
    EXPECT_GT(projected_columns, 0u) << name << " is read whole";
    for (const std::string& entity : whole->entities()) {
      auto a = scanned->EntityRows(entity);
      auto b = whole->EntityRows(entity);
      ASSERT_EQ(a.size(), b.size()) << name << " " << entity;
      for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(scanned->Digest(a[i]), whole->Digest(b[i])) << name << " " << entity << " " << i;
        for (size_t c = 0; c < a[i].size(); ++c)
          if (scanned->Loaded(static_cast<int>(c)))
            ASSERT_EQ(a[i][c], b[i][c]) << name << " " << scanned->schema().columns[c].name;
          else
            ASSERT_TRUE(IsNull(a[i][c])) << name << " " << scanned->schema().columns[c].name;
      }
    }
  }
}

TEST(Phase3ReadsTest, ListedColumnsPlusTheIndexColumnsAndWholeWhenAnyJobListsNone) {
  const TableSchema& pgs = PlayerGameSummarySchema();
  ProcessorInfo a;
  a.name = "a";
  a.phase3_inputs = {std::string(kPlayerGameSummary)};
  a.phase3_columns = {{std::string(kPlayerGameSummary), {"points"}}};
  auto reads = Phase3Reads({&a});
  ASSERT_TRUE(reads.ok()) << reads.status().message();
  ASSERT_EQ(reads->size(), 1u);
  const std::vector<int>& columns = (*reads)[0].columns;
  for (const char* name : {"points", "game_date", "player_lookup", "game_id", "team_abbr",
                           "is_active", "minutes_played", "fg_attempts", "processed_at"})
    EXPECT_NE(std::find(columns.begin(), columns.end(), pgs.ColumnIndex(name)), columns.end())
        << name;
  EXPECT_EQ(std::find(columns.begin(), columns.end(), pgs.ColumnIndex("ft_makes")), columns.end());
  EXPECT_TRUE(std::is_sorted(columns.begin(), columns.end()));

  // Another job reading the table without a list: the table is read whole.
  ProcessorInfo b;
  b.name = "b";
  b.phase3_inputs = {std::string(kPlayerGameSummary)};
  reads = Phase3Reads({&a, &b});
  ASSERT_TRUE(reads.ok());
  ASSERT_EQ(reads->size(), 1u);
  EXPECT_TRUE((*reads)[0].columns.empty());

  ProcessorInfo bad = a;
  bad.phase3_columns[std::string(kPlayerGameSummary)] = {"no_such_column"};
  auto refused = Phase3Reads({&bad});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("no_such_column"), std::string::npos);
}

// A column a processor did not list cannot be read by mistake through the
// columnar accessors: they stop the program naming the column.
TEST_F(Phase3ProjectionTest, AnUnlistedColumnIsRefusedByName) {
  auto wh = std::move(SqliteWarehouse::Open(dir_->str(), false)).value();
  auto calendar = phase3::ReadCalendar(*wh);
  ASSERT_TRUE(calendar.ok());
  InputReader reader(*wh, *calendar);
  auto loaded = reader.Season(2023, {{std::string(kPlayerGameSummary), {}}});
  ASSERT_TRUE(loaded.ok());
  ProcessorInfo points_only;
  points_only.name = "points_only";
  points_only.phase3_inputs = {std::string(kPlayerGameSummary)};
  points_only.phase3_columns = {{std::string(kPlayerGameSummary), {"points"}}};
  InputReader projected(*wh, *calendar);
  auto season = projected.Season(2023, *Phase3Reads({&points_only}));
  ASSERT_TRUE(season.ok());
  const SeasonTable* t = (*season)->Table(kPlayerGameSummary);
  EXPECT_EQ(t->Ints(t->Col("points")).value.size(), t->row_count());
  EXPECT_DEATH(t->Ints(t->Col("ft_makes")),
               "ft_makes of nba_analytics.player_game_summary was not loaded");
}

// A reader asked for columns of a table it loaded without them reads the
// table again, keeping the columns it had.
TEST_F(Phase3ProjectionTest, AskingForMoreColumnsReadsTheTableAgainWithBoth) {
  auto wh = std::move(SqliteWarehouse::Open(dir_->str(), false)).value();
  auto calendar = phase3::ReadCalendar(*wh);
  ASSERT_TRUE(calendar.ok());
  const TableSchema& pgs = PlayerGameSummarySchema();
  const int points = pgs.ColumnIndex("points"), ft = pgs.ColumnIndex("ft_makes");
  InputReader reader(*wh, *calendar);
  ASSERT_TRUE(reader.Season(2023, {{std::string(kPlayerGameSummary), {points}}}).ok());
  ASSERT_TRUE(reader.Season(2023, {{std::string(kPlayerGameSummary), {points}}}).ok());
  EXPECT_EQ(reader.table_reads(), 1);
  auto season = reader.Season(2023, {{std::string(kPlayerGameSummary), {ft}}});
  ASSERT_TRUE(season.ok());
  EXPECT_EQ(reader.table_reads(), 2);
  const SeasonTable* t = (*season)->Table(kPlayerGameSummary);
  EXPECT_TRUE(t->Loaded(points));
  EXPECT_TRUE(t->Loaded(ft));
  EXPECT_FALSE(t->Loaded(pgs.ColumnIndex("assists")));
}

}  // namespace
}  // namespace phase4::execution
