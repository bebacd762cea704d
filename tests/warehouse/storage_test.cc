// The storage interface's guarantees, the same test bodies on both backends
// (SQLite in a temporary directory, PostgreSQL on the tests' own server).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "live/outbox.h"
#include "live/run_history.h"
#include "pg_server.h"
#include "processors/ml_feature_store/ml_feature_store.h"
#include "warehouse/stored_value.h"
#include "warehouse/warehouse.h"

namespace phase4 {
namespace {

using testing::TestWarehouse;

using testing::ScheduleRow;

// A builder whose NOT NULL columns hold a placeholder of their type.
RowBuilder Required(const TableSchema& t) {
  RowBuilder b(t);
  for (const auto& c : t.columns) {
    if (!c.not_null) continue;
    switch (c.type) {
      case ColumnType::kInt:
      case ColumnType::kBool:
        b.Set(c.name, int64_t{0});
        break;
      case ColumnType::kReal:
        b.Set(c.name, 0.5);
        break;
      case ColumnType::kDate:
        b.Set(c.name, std::string("2023-10-24"));
        break;
      default:
        b.Set(c.name, std::string("x"));
    }
  }
  return b;
}

class StorageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(where_.ok());
    auto wh = Warehouse::Open(where_.location(), /*create=*/true);
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    wh_ = std::move(wh).value();
  }
  TestWarehouse where_{GetParam()};
  std::unique_ptr<Warehouse> wh_;
};

TEST_P(StorageTest, InitIsIdempotentAndEveryTableStartsEmptyButTheWarehouseId) {
  EXPECT_EQ(wh_->backend(), GetParam());
  ASSERT_TRUE(wh_->Init().ok());
  auto again = Warehouse::Open(where_.location(), /*create=*/false);
  ASSERT_TRUE(again.ok()) << again.status().message();
  ASSERT_TRUE((*again)->Init().ok());
  for (const TableSchema* t : AllTables()) {
    auto n = (*again)->CountRows(*t);
    ASSERT_TRUE(n.ok()) << t->FullName() << ": " << n.status().message();
    EXPECT_EQ(*n, t == &WarehouseInfoSchema() ? 1 : 0) << t->FullName();
  }
  auto id = (*again)->Id();
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(*id, *wh_->Id()) << "a second open keeps the id init recorded";
}

TEST_P(StorageTest, PrimaryKeyRefusesASecondRowAndTheWholeInsert) {
  ASSERT_TRUE(wh_->InsertRows(ScheduleSchema(), {ScheduleRow("0022300001", "2023-10-24")}).ok());
  Status s = wh_->InsertRows(ScheduleSchema(), {ScheduleRow("0022300002", "2023-10-25"),
                                                ScheduleRow("0022300001", "2023-10-25")});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(*wh_->CountRows(ScheduleSchema()), 1);  // the new game neither
}

TEST_P(StorageTest, ReplaceDateIsAllOrNothingWithItsExtraRow) {
  const Date d = *ParseDate("2023-10-24");
  ASSERT_TRUE(wh_->ReplaceDate(ScheduleSchema(), d,
                               {ScheduleRow("0022300001", "2023-10-24"),
                                ScheduleRow("0022300002", "2023-10-24")})
                  .ok());
  ASSERT_TRUE(wh_->ReplaceDate(ScheduleSchema(), *ParseDate("2023-10-25"),
                               {ScheduleRow("0022300003", "2023-10-25")})
                  .ok());
  std::vector<Row> replacement;
  for (int i = 0; i < 300; ++i)
    replacement.push_back(ScheduleRow(fmt::format("00223{:05}", 100 + i), "2023-10-24"));
  wh_->InjectWriteFailureForTest(150, "disk on fire");
  Status s = wh_->ReplaceDate(ScheduleSchema(), d, replacement);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("disk on fire"), std::string::npos);
  auto kept = wh_->SelectRows(ScheduleSchema(), d, d);
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 2u);  // the old rows, none of the new
  EXPECT_EQ(std::get<std::string>((*kept)[0][0]), "0022300001");
  // The same replacement without the failure: every row, the other date kept.
  ASSERT_TRUE(wh_->ReplaceDate(ScheduleSchema(), d, replacement).ok());
  EXPECT_EQ(wh_->SelectRows(ScheduleSchema(), d, d)->size(), 300u);
  EXPECT_EQ(*wh_->CountRows(ScheduleSchema()), 301);
  // An extra row in another dataset cannot commit with the date.
  Status cross = wh_->ReplaceDate(
      ScheduleSchema(), d, {}, {{&PrecomputeOutboxSchema(), Row(PrecomputeOutboxSchema().size())}});
  EXPECT_EQ(cross.code(), Status::Code::kInvalidInput);
  EXPECT_EQ(*wh_->CountRows(ScheduleSchema()), 301);
}

// A re-run's write of a date it recomputed: the rows that came out the same
// keep their stored run-time cells and are not written, a changed row
// replaces the stored row of its key, a key no longer computed is deleted,
// and the extra row commits with them.
TEST_P(StorageTest, AReplacementGivenTheStoredRowsWritesOnlyWhatChanged) {
  const TableSchema& t = TeamDefenseGameSummarySchema();
  const Date d = *ParseDate("2023-10-24");
  auto row = [&](const std::string& team, double rating, const std::string& at) {
    return Required(t)
        .Set("game_id", std::string("0022300001"))
        .Set("defending_team_abbr", team)
        .Set("game_date", std::string("2023-10-24"))
        .Set("defensive_rating", rating)
        .Set("points_allowed", int64_t{101})
        .Set("processed_at", at)
        .Build();
  };
  const std::string first = "2026-01-01T00:00:00.000000Z", second = "2026-02-02T00:00:00.000000Z";
  ASSERT_TRUE(wh_->ReplaceDate(t, d, {row("BOS", 105.5, first), row("NYK", 99.25, first),
                                      row("ORL", 110.75, first)})
                  .ok());
  // Recomputed: BOS the same, NYK changed, ORL gone, MIA new.
  std::vector<Row> rows{row("BOS", 105.5, second), row("NYK", 98.5, second),
                        row("MIA", 101.0, second)};
  auto delta = KeepUnchangedRows(*wh_, t, d, rows);
  ASSERT_TRUE(delta.ok()) << delta.status().message();
  EXPECT_EQ(delta->kept, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(delta->changed(), 2u);
  const size_t team = static_cast<size_t>(t.ColumnIndex("defending_team_abbr"));
  ASSERT_EQ(delta->gone.size(), 1u);
  EXPECT_EQ(std::get<std::string>(delta->gone[0][team]), "ORL");
  const size_t at = static_cast<size_t>(t.ColumnIndex("processed_at"));
  EXPECT_EQ(std::get<std::string>(rows[0][at]), first);  // BOS takes its stored run-time cell
  EXPECT_EQ(std::get<std::string>(rows[1][at]), second);
  const TableSchema& other = TeamOffenseGameSummarySchema();  // same dataset
  ASSERT_TRUE(wh_->ReplaceDateDelta(t, d, rows, *delta, {{&other, Required(other).Build()}}).ok());
  auto stored = wh_->SelectRows(t, d, d);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 3u);  // by key: BOS, MIA, NYK
  const size_t rating = static_cast<size_t>(t.ColumnIndex("defensive_rating"));
  std::vector<std::string> teams;
  for (const Row& r : *stored) teams.push_back(std::get<std::string>(r[team]));
  EXPECT_EQ(teams, (std::vector<std::string>{"BOS", "MIA", "NYK"}));
  EXPECT_EQ(std::get<std::string>((*stored)[0][at]), first);
  EXPECT_EQ(std::get<std::string>((*stored)[1][at]), second);
  EXPECT_EQ(std::get<double>((*stored)[2][rating]), 98.5);
  EXPECT_EQ(*wh_->CountRows(other), 1);
  // Once more with nothing changed: nothing to write.
  std::vector<Row> again{row("BOS", 105.5, second), row("NYK", 98.5, second),
                         row("MIA", 101.0, second)};
  auto none = KeepUnchangedRows(*wh_, t, d, again);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->changed(), 0u);
  EXPECT_TRUE(none->gone.empty());
  // A delta that does not match the rows is refused, and writes nothing.
  EXPECT_EQ(wh_->ReplaceDateDelta(t, d, again, DateDelta{}).code(), Status::Code::kInvalidInput);
  EXPECT_EQ(wh_->SelectRows(t, d, d)->size(), 3u);
}

TEST_P(StorageTest, ValuesRoundTripExactly) {
  // Every kind of cell the engine stores, with text COPY must escape and
  // doubles whose shortest text is long.
  const TableSchema& t = PlayerGameSummarySchema();
  const std::vector<double> reals = {
      0.1, 1.0 / 3.0, 1e300, 5e-324, -123.456, std::numeric_limits<double>::max(), 2.5};
  const std::vector<std::string> texts = {
      "tab\there", "line\nbreak\r\n", "back\\slash\\N", "quote'\"", "ünïcödé ✓", "", "\\."};
  std::vector<Row> rows;
  for (size_t i = 0; i < reals.size(); ++i) {
    RowBuilder b = Required(t);
    b.Set("player_lookup", "p" + texts[i])
        .Set("game_id", std::string("g1"))
        .Set("game_date", std::string("2023-10-24"))
        .Set("team_abbr", texts[i])
        .Set("minutes_played", reals[i])
        .Set("points", static_cast<int64_t>(i) - 3)
        .Set("is_active", int64_t{static_cast<int64_t>(i % 2)});
    rows.push_back(b.Build());
  }
  const Date d = *ParseDate("2023-10-24");
  ASSERT_TRUE(wh_->ReplaceDate(t, d, rows).ok());
  auto back = wh_->SelectRows(t, d, d, {}, Warehouse::Order::kStored);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t c = 0; c < t.size(); ++c)
      EXPECT_EQ((*back)[i][c], rows[i][c]) << t.columns[c].name << " of row " << i;
  // The scan hands the same cells, with their stored kinds.
  size_t seen = 0;
  ASSERT_TRUE(wh_->ScanCells(t, d, d,
                             [&](std::span<const Cell> cells) {
                               ASSERT_EQ(cells.size(), t.size());
                               const Row& want = rows[seen++];
                               for (size_t c = 0; c < t.size(); ++c) {
                                 const Cell& got = cells[c];
                                 switch (got.kind) {
                                   case Cell::Kind::kNull:
                                     EXPECT_TRUE(IsNull(want[c])) << t.columns[c].name;
                                     break;
                                   case Cell::Kind::kInt:
                                     EXPECT_EQ(Value(got.i), want[c]) << t.columns[c].name;
                                     break;
                                   case Cell::Kind::kReal:
                                     EXPECT_EQ(Value(got.r), want[c]) << t.columns[c].name;
                                     break;
                                   case Cell::Kind::kText:
                                     EXPECT_EQ(Value(std::string(got.text)), want[c])
                                         << t.columns[c].name;
                                     break;
                                 }
                               }
                             })
                  .ok());
  EXPECT_EQ(seen, rows.size());
  // What a backend hands back is what StoredValue says (SQLite's rules): a
  // negative zero reads back as zero, a NaN as NULL, an integer in a REAL
  // column as a double.
  const Date z_day = *ParseDate("2023-10-25");
  std::vector<Row> odd;
  const std::vector<Value> written = {-0.0, std::nan(""), int64_t{7}};
  for (size_t i = 0; i < written.size(); ++i) {
    RowBuilder z = Required(t);
    z.Set("player_lookup", "odd" + std::to_string(i))
        .Set("game_id", std::string("g1"))
        .Set("game_date", std::string("2023-10-25"))
        .Set("minutes_played", written[i]);
    odd.push_back(z.Build());
  }
  ASSERT_TRUE(wh_->ReplaceDate(t, z_day, odd).ok());
  auto read = wh_->SelectRows(t, z_day, z_day);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), written.size());
  const size_t m = static_cast<size_t>(t.ColumnIndex("minutes_played"));
  for (size_t i = 0; i < written.size(); ++i)
    EXPECT_EQ((*read)[i][m], StoredValue(ColumnType::kReal, written[i])) << i;
  EXPECT_FALSE(std::signbit(std::get<double>((*read)[0][m])));
}

TEST_P(StorageTest, ReadsOrderByKeyOrByStoredOrderAndCountDates) {
  const TableSchema& t = PlayerGameSummarySchema();
  std::vector<Row> rows;
  for (const char* p : {"zed", "amy", "mia"}) {
    RowBuilder b = Required(t);
    b.Set("player_lookup", std::string(p))
        .Set("game_id", std::string("g1"))
        .Set("game_date", std::string("2023-11-02"))
        .Set("points", int64_t{7});
    rows.push_back(b.Build());
  }
  const Date d = *ParseDate("2023-11-02");
  ASSERT_TRUE(wh_->ReplaceDate(t, d, rows).ok());
  const int player = t.ColumnIndex("player_lookup");
  auto names = [&](Warehouse::Order order) {
    std::string out;
    auto read = wh_->SelectRows(t, d, d, {player}, order);
    EXPECT_TRUE(read.ok());
    for (const Row& r : *read) out += std::get<std::string>(r[static_cast<size_t>(player)]) + ",";
    return out;
  };
  EXPECT_EQ(names(Warehouse::Order::kKey), "amy,mia,zed,");
  EXPECT_EQ(names(Warehouse::Order::kStored), "zed,amy,mia,");
  auto dates = wh_->DistinctDates(t, *ParseDate("2023-10-01"), *ParseDate("2023-12-01"));
  ASSERT_TRUE(dates.ok());
  EXPECT_EQ(*dates, std::vector<Date>{d});
  EXPECT_TRUE(*wh_->HasRowsOn(t, d));
  EXPECT_FALSE(*wh_->HasRowsOn(t, *ParseDate("2023-11-03")));
}

TEST_P(StorageTest, ReplaceByKeyKeepsOneRowPerKey) {
  ASSERT_TRUE(wh_->InsertRows(ScheduleSchema(), {ScheduleRow("0022300001", "2023-10-24"),
                                                 ScheduleRow("0022300002", "2023-10-24")})
                  .ok());
  ASSERT_TRUE(wh_->ReplaceByKey(ScheduleSchema(), "game_id",
                                {ScheduleRow("0022300001", "2023-10-26"),
                                 ScheduleRow("0022300003", "2023-10-27")})
                  .ok());
  auto rows = wh_->SelectRows(ScheduleSchema(), std::nullopt, std::nullopt);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1][0], Value(std::string("0022300001")));  // moved to 10-26
}

TEST_P(StorageTest, OutboxMessagesGetIdsAndAreAcknowledgedOnce) {
  const TableSchema& out = processors::MlFeatureStoreSchema();
  live::CompletionInfo info;
  info.processor_name = "ml_feature_store";
  info.run_id = "run-1";
  info.output = &out;
  for (const char* day : {"2023-11-01", "2023-11-02"}) {
    info.game_date = *ParseDate(day);
    ASSERT_TRUE(wh_->ReplaceDate(out, info.game_date, {}, {live::CompletionOutboxRow(info)}).ok());
  }
  auto pending = live::ListOutbox(*wh_, /*all=*/false);
  ASSERT_TRUE(pending.ok()) << pending.status().message();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].dataset, "nba_predictions");
  EXPECT_LT((*pending)[0].message_id, (*pending)[1].message_id);
  EXPECT_EQ((*pending)[1].data_date, "2023-11-02");
  const std::string ref = fmt::format("nba_predictions:{}", (*pending)[0].message_id);
  ASSERT_TRUE(live::AckOutbox(*wh_, ref).ok());
  ASSERT_TRUE(live::AckOutbox(*wh_, ref).ok());  // twice is harmless
  EXPECT_EQ(live::ListOutbox(*wh_, false)->size(), 1u);
  EXPECT_EQ(live::ListOutbox(*wh_, true)->size(), 2u);
  EXPECT_EQ(live::AckOutbox(*wh_, "nba_predictions:999").code(), Status::Code::kNotFound);
}

TEST_P(StorageTest, RunHistoryGivesTheLatestRunsStatus) {
  live::RunHistory history(*wh_);
  live::RunInfo info;
  info.processor_name = "player_daily_cache";
  info.phase = "phase_4_precompute";
  info.mode = "backfill";
  info.data_date = *ParseDate("2023-11-01");
  auto id = history.Start(info);
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(*history.LatestStatus("player_daily_cache", *info.data_date),
            std::optional<std::string>("running"));
  live::RunOutcome done;
  done.status = "success";
  ASSERT_TRUE(history.Finish(*id, info, done).ok());
  EXPECT_EQ(*history.LatestStatus("player_daily_cache", *info.data_date),
            std::optional<std::string>("success"));
  EXPECT_EQ(*history.LatestStatus("player_daily_cache", *ParseDate("2023-11-02")), std::nullopt);
}

TEST_P(StorageTest, AnotherConnectionSeesCommittedRows) {
  auto other = wh_->Connect();
  ASSERT_TRUE(other.ok()) << other.status().message();
  ASSERT_TRUE(wh_->InsertRows(ScheduleSchema(), {ScheduleRow("0022300001", "2023-10-24")}).ok());
  EXPECT_EQ(*(*other)->CountRows(ScheduleSchema()), 1);
  EXPECT_EQ((*other)->location(), wh_->location());
}

TEST_P(StorageTest, RefusesANewerSchemaAndMigratesAnOlderOne) {
  wh_.reset();
  // An older release's schedule table lacked arena_city and had version 0.
  if (where_.postgres())
    where_.Sql("nba_raw",
               "ALTER TABLE nba_raw.nbac_schedule DROP COLUMN arena_city; "
               "COMMENT ON SCHEMA nba_raw IS 'phase4 schema version 0'");
  else
    where_.Sql("nba_raw",
               "ALTER TABLE nbac_schedule DROP COLUMN arena_city; PRAGMA user_version = 0;");
  {
    auto wh = Warehouse::Open(where_.location(), false);
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    Row r = ScheduleRow("0022300001", "2023-10-24");
    r[static_cast<size_t>(ScheduleSchema().ColumnIndex("arena_city"))] = std::string("Boston");
    ASSERT_TRUE((*wh)->InsertRows(ScheduleSchema(), {r}).ok());
  }
  if (where_.postgres())
    where_.Sql("nba_raw", "COMMENT ON SCHEMA nba_raw IS 'phase4 schema version 99'");
  else
    where_.Sql("nba_raw", "PRAGMA user_version = 99;");
  auto wh = Warehouse::Open(where_.location(), false);
  ASSERT_FALSE(wh.ok());
  EXPECT_NE(wh.status().message().find("schema version 99"), std::string::npos);
  EXPECT_NE(wh.status().message().find("upgrade phase4"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest, ::testing::Values("sqlite", "postgresql"),
                         testing::BackendName);

}  // namespace
}  // namespace phase4
