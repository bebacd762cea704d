// The input reader: one read per table per season, read-ahead of the next
// season, a reader bounded to a date.
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
#include "execution/input_reader.h"

namespace phase4::execution {
namespace {

using processors::ProcessorInfo;
using processors::TeamDefenseZoneAnalysisInfo;
using processors::WriterFixture;
using processors::test::D;

TEST(ProcessorWriterTest, InputReaderReadsEachTableOncePerSeason) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  InputReader reader(*f.wh, *cal);
  for (int i = 0; i < 10; ++i) {
    auto out = ComputeDate(reader, TeamDefenseZoneAnalysisInfo(), AddDays(f.d, -i));
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(out->size(), 30u);
  }
  EXPECT_EQ(reader.table_reads(), 1);
  // A date of another season reads that season.
  ASSERT_TRUE(ComputeDate(reader, TeamDefenseZoneAnalysisInfo(), D("2023-12-01")).ok());
  EXPECT_EQ(reader.table_reads(), 2);
}

TEST(ProcessorWriterTest, APrefetchedSeasonGivesTheRowsOfAnOnDemandRead) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  InputReader ahead(*f.wh, *cal);
  ASSERT_TRUE(ComputeDate(ahead, info, D("2023-12-01")).ok());
  ahead.Prefetch(SeasonYearOf(f.d), *Phase3Reads({&info}));
  // Dates of the current season do not wait for the prefetch.
  ASSERT_TRUE(ComputeDate(ahead, info, D("2023-12-02")).ok());
  EXPECT_EQ(ahead.prefetched_seasons(), 0);
  auto a = ComputeDate(ahead, info, f.d);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(ahead.prefetched_seasons(), 1);
  EXPECT_EQ(ahead.table_reads(), 2);  // one per season, the prefetch included

  InputReader on_demand(*f.wh, *cal);
  auto b = ComputeDate(on_demand, info, f.d);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->size(), 30u);
}

TEST(ProcessorWriterTest, APrefetchOfAnotherSeasonIsDroppedAndReadAgain) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  InputReader reader(*f.wh, *cal);
  reader.Prefetch(SeasonYearOf(f.d), *Phase3Reads({&info}));
  // The reader is asked for a season that is neither loaded nor prefetched.
  ASSERT_TRUE(ComputeDate(reader, info, D("2023-12-01")).ok());
  auto rows = ComputeDate(reader, info, f.d);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(rows->size(), 30u);
  EXPECT_EQ(reader.prefetched_seasons(), 0);
  EXPECT_EQ(reader.table_reads(), 2);
}

TEST(ProcessorWriterTest, AReaderBoundedToADateGivesTheSameRows) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  InputReader whole(*f.wh, *cal);
  InputReader bounded(*f.wh, *cal, f.d);
  auto a = ComputeDate(whole, TeamDefenseZoneAnalysisInfo(), f.d);
  auto b = ComputeDate(bounded, TeamDefenseZoneAnalysisInfo(), f.d);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto later = ComputeDate(bounded, TeamDefenseZoneAnalysisInfo(), AddDays(f.d, 1));
  ASSERT_FALSE(later.ok());
  EXPECT_NE(later.status().message().find("read through"), std::string::npos);
}

}  // namespace
}  // namespace phase4::execution
