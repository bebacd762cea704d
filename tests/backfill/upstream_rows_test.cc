// Run-all's upstream rows in memory: every taker gets what the warehouse
// would return, dates dropped once every taker is past them, what cannot be
// held left to the warehouse.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "processors/common/writer.h"
#include "processors/processor_test_util.h"
#include "processors/player_composite_factors/player_composite_factors.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/registry.h"
#include "processors/writer_fixture.h"
#include "backfill/upstream_rows.h"
#include "warehouse/stored_value.h"

namespace phase4::backfill {
namespace {

using processors::TeamDefenseZoneAnalysisInfo;

using processors::FinalizeRows;
using processors::ProcessorInfo;

using processors::AllProcessors;
using processors::PlayerCompositeFactorsInfo;
using processors::PlayerDailyCacheInfo;
using processors::WriterFixture;

// #1's finished rows for d, in reverse key order, with cells SQLite changes
// on the way in: -0.0, NaN and an integer in REAL columns its takers read.
std::vector<Row> DefenseRowsAsWritten(WriterFixture& f, Date d) {
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  auto cal = f.schedule.Calendar();
  execution::InputReader reader(*f.wh, *cal);
  auto rows = execution::ComputeDate(reader, info, d);
  EXPECT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_TRUE(FinalizeRows(info, d, *rows, "2025-01-27T08:00:00.000000Z").ok());
  std::reverse(rows->begin(), rows->end());
  const TableSchema& s = *info.output;
  (*rows)[0][static_cast<size_t>(s.ColumnIndex("paint_defense_vs_league_avg"))] = -0.0;
  (*rows)[1][static_cast<size_t>(s.ColumnIndex("defensive_rating_last_15"))] = std::nan("");
  (*rows)[2][static_cast<size_t>(s.ColumnIndex("opponent_pace"))] = int64_t{99};
  return std::move(rows).value();
}

// #1's output held for its takers in a run of every job, and its rows for d.
class UpstreamRowsTest : public ::testing::Test, public WriterFixture {
 protected:
  const ProcessorInfo& producer = TeamDefenseZoneAnalysisInfo();
  const TableSchema& s = *producer.output;
  Result<std::unique_ptr<UpstreamRows>> up = UpstreamRows::Create(AllProcessors());
  std::vector<Row> rows = DefenseRowsAsWritten(*this, d);
};

TEST_F(UpstreamRowsTest, EveryTakerGetsWhatTheWarehouseReturns) {
  ASSERT_TRUE(up.ok()) << up.status().message();
  ASSERT_EQ(rows.size(), 30u);
  ASSERT_TRUE(wh->ReplaceDate(s, d, rows).ok());
  (*up)->Publish(producer, d, rows);

  int takers = 0;
  for (const ProcessorInfo* taker : AllProcessors()) {
    const auto& ups = taker->phase4_upstreams;
    if (std::find(ups.begin(), ups.end(), producer.name) == ups.end()) continue;
    ++takers;
    auto columns = execution::UpstreamColumnIndexes(*taker, s, producer.name);
    ASSERT_TRUE(columns.ok());
    auto held = (*up)->Take(s, d, *columns);
    ASSERT_NE(held, nullptr) << taker->name;
    auto stored = wh->SelectRows(s, d, d, *columns);
    ASSERT_TRUE(stored.ok());
    ASSERT_EQ(held->size(), stored->size());
    for (size_t r = 0; r < held->size(); ++r)
      for (int c : *columns) {
        const Value& a = (*held)[r][static_cast<size_t>(c)];
        const Value& b = (*stored)[r][static_cast<size_t>(c)];
        EXPECT_EQ(a, b) << taker->name << " row " << r << " " << s.column(c).name;
        if (auto x = std::get_if<double>(&a)) {
          EXPECT_EQ(std::signbit(*x), std::signbit(std::get<double>(b))) << s.column(c).name;
        }
      }
  }
  EXPECT_EQ(takers, 3);  // #3, #4 and #5 read #1
  EXPECT_EQ((*up)->served(), 3);
  EXPECT_EQ((*up)->not_held(), 0);
}

// `rows` moved to date d (the date column rewritten).
std::vector<Row> OnDate(std::vector<Row> rows, const TableSchema& s, Date d) {
  for (Row& r : rows) r[static_cast<size_t>(s.ColumnIndex(s.date_column))] = FormatDate(d);
  return rows;
}

TEST_F(UpstreamRowsTest, ADateIsDroppedOnceEveryTakerIsPastItOrGone) {
  ASSERT_TRUE(up.ok());
  const Date d1 = d, d2 = AddDays(d, 1), d0 = AddDays(d, -1);
  auto keys = execution::UpstreamColumnIndexes(PlayerDailyCacheInfo(), s, producer.name);
  ASSERT_TRUE(keys.ok());
  (*up)->Publish(producer, d1, OnDate(rows, s, d1));
  (*up)->Publish(producer, d2, OnDate(rows, s, d2));
  (*up)->Passed("player_composite_factors", d1);
  (*up)->Passed("player_daily_cache", d1);
  EXPECT_NE((*up)->Take(s, d1, *keys), nullptr) << "#5 has not passed d1";
  (*up)->Leave("ml_feature_store");
  EXPECT_EQ((*up)->Take(s, d1, *keys), nullptr) << "every taker is past d1";
  EXPECT_NE((*up)->Take(s, d2, *keys), nullptr);
  // A date every taker is past is not held at all.
  (*up)->Publish(producer, d0, OnDate(rows, s, d0));
  EXPECT_EQ((*up)->Take(s, d0, *keys), nullptr);
  (*up)->Leave("player_composite_factors");
  (*up)->Leave("player_daily_cache");
  EXPECT_EQ((*up)->Take(s, d2, *keys), nullptr) << "no taker left";
  EXPECT_EQ((*up)->not_held(), 0);
}

TEST_F(UpstreamRowsTest, WhatCannotBeHeldIsLeftToTheWarehouse) {
  ASSERT_TRUE(up.ok());
  auto composite = execution::UpstreamColumnIndexes(PlayerCompositeFactorsInfo(), s, producer.name);
  ASSERT_TRUE(composite.ok());

  // Text in a REAL column a taker reads: SQLite's conversion is not modelled.
  std::vector<Row> odd = rows;
  odd[0][static_cast<size_t>(s.ColumnIndex("paint_defense_vs_league_avg"))] = std::string("1.5");
  (*up)->Publish(producer, d, odd);
  EXPECT_EQ((*up)->Take(s, d, *composite), nullptr);
  EXPECT_EQ((*up)->not_held(), 1);
  // A row of another date.
  std::vector<Row> stray = rows;
  stray[5] = OnDate({stray[5]}, s, AddDays(d, 1))[0];
  (*up)->Publish(producer, d, stray);
  EXPECT_EQ((*up)->not_held(), 2);

  (*up)->Publish(producer, d, rows);
  EXPECT_NE((*up)->Take(s, d, *composite), nullptr);
  EXPECT_EQ((*up)->Take(s, d, {}), nullptr) << "every column is read from the warehouse";
  const int unread = s.ColumnIndex("games_in_sample");  // no taker reads it
  EXPECT_EQ((*up)->Take(s, d, {0, 1, unread}), nullptr);

  // The cap: rows beyond kMaxRowsPerTable wait in the warehouse only.
  Date last = d;
  size_t held = rows.size();
  while (held + rows.size() <= UpstreamRows::kMaxRowsPerTable) {
    last = AddDays(last, 1);
    (*up)->Publish(producer, last, OnDate(rows, s, last));
    held += rows.size();
  }
  EXPECT_NE((*up)->Take(s, last, *composite), nullptr);
  EXPECT_EQ((*up)->not_held(), 2);
  const Date over = AddDays(last, 1);
  (*up)->Publish(producer, over, OnDate(rows, s, over));
  EXPECT_EQ((*up)->Take(s, over, *composite), nullptr);
  EXPECT_EQ((*up)->not_held(), 3);
  EXPECT_LE((*up)->peak_rows(), UpstreamRows::kMaxRowsPerTable);
}

}  // namespace
}  // namespace phase4::backfill
