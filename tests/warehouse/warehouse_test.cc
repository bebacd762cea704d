#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_support.h"
#include "warehouse/sqlite_warehouse.h"

namespace phase4 {
namespace {

using testing::ScheduleRow;

TEST(WarehouseTest, InitCreatesEveryDatasetAndIsIdempotent) {
  testing::TempDir dir;
  {
    auto wh = Warehouse::Open(dir.str(), true);
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    for (const TableSchema* t : AllTables()) {
      auto n = (*wh)->CountRows(*t);
      ASSERT_TRUE(n.ok()) << t->FullName() << ": " << n.status().message();
      // Every table starts empty but the warehouse's identity.
      EXPECT_EQ(*n, t == &WarehouseInfoSchema() ? 1 : 0) << t->FullName();
    }
  }
  for (const auto& ds : AllDatasets())
    EXPECT_TRUE(std::filesystem::exists(dir.path() / (ds + ".db"))) << ds;
  auto again = SqliteWarehouse::Open(dir.str(), false);
  ASSERT_TRUE(again.ok()) << again.status().message();
  auto st = (*again)->Prepare("PRAGMA nba_precompute.journal_mode");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->ColumnText(0), "wal");
}

int64_t PageSize(SqliteWarehouse& wh, const std::string& dataset) {
  auto st = wh.Prepare("PRAGMA " + dataset + ".page_size");
  EXPECT_TRUE(st.ok()) << st.status().message();
  return st.ok() && st->Step() ? st->ColumnInt(0) : -1;
}

TEST(WarehouseTest, NewFilesGetTheirPageSizeAndOldFilesKeepTheirs) {
  testing::TempDir dir;
  {
    // A file created by an earlier release: 4 KiB pages, WAL, one table.
    sqlite3* db = nullptr;
    const std::string old_file = (dir.path() / "nba_raw.db").string();
    ASSERT_EQ(sqlite3_open(old_file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; "
                           "CREATE TABLE legacy (x INTEGER)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto wh = SqliteWarehouse::Open(dir.str(), true);
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  EXPECT_EQ(PageSize(**wh, "nba_raw"), 4096);
  EXPECT_EQ(PageSize(**wh, "nba_precompute"), 16384);
  EXPECT_EQ(PageSize(**wh, "nba_analytics"), 16384);
  EXPECT_EQ(PageSize(**wh, "nba_reference"), 4096);  // the run history: small rows
  // The old file works as before.
  ASSERT_TRUE((*wh)->InsertRows(ScheduleSchema(), {ScheduleRow("0022300001", "2023-10-24")}).ok());
  auto n = (*wh)->CountRows(ScheduleSchema());
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 1);
}

TEST(WarehouseTest, OpeningAMissingWarehouseNamesInit) {
  testing::TempDir dir;
  auto wh = SqliteWarehouse::Open((dir.path() / "nope").string(), false);
  ASSERT_FALSE(wh.ok());
  EXPECT_NE(wh.status().message().find("phase4"), std::string::npos);
  EXPECT_NE(wh.status().message().find("init"), std::string::npos);
}

TEST(WarehouseTest, PrimaryKeyRefusesASecondRow) {
  testing::TempDir dir;
  auto wh = std::move(SqliteWarehouse::Open(dir.str(), true)).value();
  ASSERT_TRUE(wh->InsertRows(ScheduleSchema(), {ScheduleRow("0022300001", "2023-10-24")}).ok());
  Status s = wh->InsertRows(ScheduleSchema(), {ScheduleRow("0022300001", "2023-10-25")});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(*wh->CountRows(ScheduleSchema()), 1);
}

TEST(WarehouseTest, ReplaceDateIsAllOrNothing) {
  testing::TempDir dir;
  auto wh = std::move(SqliteWarehouse::Open(dir.str(), true)).value();
  Date d = MakeDate(2023, 10, 24);
  ASSERT_TRUE(wh->ReplaceDate(ScheduleSchema(), d,
                              {ScheduleRow("0022300001", "2023-10-24"),
                               ScheduleRow("0022300002", "2023-10-24")})
                  .ok());
  // A write that fails after one row leaves the previous rows in place.
  wh->InjectWriteFailureForTest(1, "disk on fire");
  Status s = wh->ReplaceDate(
      ScheduleSchema(), d,
      {ScheduleRow("0022300003", "2023-10-24"), ScheduleRow("0022300004", "2023-10-24"),
       ScheduleRow("0022300005", "2023-10-24")});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "disk on fire");
  auto rows = wh->SelectRows(ScheduleSchema(), d, d);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(std::get<std::string>((*rows)[0][0]), "0022300001");
  // A successful replace leaves exactly the new rows.
  ASSERT_TRUE(wh->ReplaceDate(ScheduleSchema(), d, {ScheduleRow("0022300009", "2023-10-24")}).ok());
  EXPECT_EQ(*wh->CountRows(ScheduleSchema()), 1);
}

// Rows are inserted 16 to a statement, the rest one by one: 37 rows take
// both paths. A refused row anywhere refuses the whole date.
TEST(WarehouseTest, ReplaceDateWritesEveryRowOfALargeDateOrNone) {
  testing::TempDir dir;
  auto wh = std::move(SqliteWarehouse::Open(dir.str(), true)).value();
  const Date d = MakeDate(2023, 10, 24);
  auto rows_of = [](int n, int first_id) {
    std::vector<Row> rows;
    for (int i = 0; i < n; ++i)
      rows.push_back(ScheduleRow(fmt::format("00223{:05d}", first_id + i), "2023-10-24"));
    return rows;
  };
  const std::vector<Row> written = rows_of(37, 1);
  ASSERT_TRUE(wh->ReplaceDate(ScheduleSchema(), d, written).ok());
  auto back = wh->SelectRows(ScheduleSchema(), d, d);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    ASSERT_EQ((*back)[i].size(), written[i].size());
    for (size_t c = 0; c < written[i].size(); ++c)
      EXPECT_EQ((*back)[i][c], written[i][c]) << "row " << i << " column " << c;
  }

  // A duplicate key in the second batch of 16, then a row refused by a
  // CHECK constraint among the last five: each time nothing of the new date
  // is written and the 37 rows stay.
  std::vector<Row> duplicate = rows_of(37, 100);
  duplicate[20] = duplicate[3];
  std::vector<Row> bad_flag = rows_of(37, 200);
  bad_flag[35][static_cast<size_t>(ScheduleSchema().ColumnIndex("is_playoffs"))] = int64_t{7};
  for (const auto* rows : {&duplicate, &bad_flag}) {
    Status s = wh->ReplaceDate(ScheduleSchema(), d, *rows);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("constraint failed"), std::string::npos) << s.message();
    auto kept = wh->SelectRows(ScheduleSchema(), d, d);
    ASSERT_TRUE(kept.ok());
    ASSERT_EQ(kept->size(), written.size());
    EXPECT_EQ(std::get<std::string>(kept->front()[0]), "0022300001");
  }
}

TEST(WarehouseTest, RefusesANewerSchemaAndMigratesAnOlderOne) {
  testing::TempDir dir;
  { ASSERT_TRUE(SqliteWarehouse::Open(dir.str(), true).ok()); }
  sqlite3* db = nullptr;
  std::string file = (dir.path() / "nba_raw.db").string();
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  // An older release's schedule table lacked arena_city and had version 0.
  ASSERT_EQ(
      sqlite3_exec(db, "ALTER TABLE nbac_schedule DROP COLUMN arena_city; PRAGMA user_version = 0;",
                   nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  {
    auto wh = SqliteWarehouse::Open(dir.str(), false);
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    auto st = (*wh)->Prepare("SELECT arena_city FROM nba_raw.nbac_schedule");
    EXPECT_TRUE(st.ok()) << st.status().message();
  }
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99;", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto wh = SqliteWarehouse::Open(dir.str(), false);
  ASSERT_FALSE(wh.ok());
  EXPECT_NE(wh.status().message().find("schema version 99"), std::string::npos);
}

TEST(WarehouseTest, CreateTableSqlIsStrictWithChecks) {
  std::string sql = CreateTableSql(PlayerGameSummarySchema());
  EXPECT_NE(sql.find("STRICT"), std::string::npos);
  EXPECT_NE(sql.find("PRIMARY KEY (player_lookup, game_id)"), std::string::npos);
  EXPECT_NE(sql.find("CHECK (is_active IN (0, 1))"), std::string::npos);
}

}  // namespace
}  // namespace phase4
