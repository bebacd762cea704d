// Run-all's shared seasons: each season read once for every job, jobs kept
// within a season of each other, a job needing an unread table refused.
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
#include "backfill/shared_seasons.h"

namespace phase4::backfill {
namespace {

using processors::PlayerShotZoneAnalysisInfo;
using processors::ProcessorInfo;
using processors::TeamDefenseZoneAnalysisInfo;
using processors::WriterFixture;
using processors::test::D;

// An in-process run-all: two jobs' readers take their seasons from one
// SharedSeasons, which reads each season once, and compute what a reader of
// their own computes.
TEST(SharedSeasonsTest, EachSeasonIsReadOnceForEveryJobAndGivesTheSameRows) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  SharedSeasons pool(*f.wh, *cal, *execution::Phase3Reads({&info}), {2023, 2024});
  auto u1 = pool.Join(), u2 = pool.Join();
  execution::InputReader r1(*f.wh, *cal), r2(*f.wh, *cal);
  r1.ShareSeasons(u1.get());
  r2.ShareSeasons(u2.get());
  ASSERT_TRUE(execution::ComputeDate(r1, info, D("2023-12-01")).ok());
  ASSERT_TRUE(execution::ComputeDate(r2, info, D("2023-12-01")).ok());
  EXPECT_EQ(pool.seasons_read(), 1);
  auto a = execution::ComputeDate(r1, info, f.d);
  auto b = execution::ComputeDate(r2, info, f.d);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(pool.seasons_read(), 2);
  EXPECT_EQ(r1.table_reads(), 0);  // the readers read nothing themselves
  EXPECT_EQ(r2.table_reads(), 0);
  execution::InputReader own(*f.wh, *cal);
  auto c = execution::ComputeDate(own, info, f.d);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(a->size(), 30u);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(*b, *c);
}

TEST(SharedSeasonsTest, AJobWaitsForTheSlowestToReachThePreviousSeason) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  SharedSeasons pool(*f.wh, *cal, *execution::Phase3Reads({&info}), {2022, 2023, 2024});
  auto slow = pool.Join(), fast = pool.Join(), leaving = pool.Join();
  std::atomic<bool> got{false};
  std::thread t([&] {
    auto season = fast->Acquire(2024);
    EXPECT_TRUE(season.ok());
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(got.load()) << "took 2024 while other jobs were in 2022";
  slow->MoveTo(2023);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(got.load()) << "took 2024 while a job was in 2022";
  leaving.reset();  // a job that ends holds no one back
  t.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(pool.seasons_read(), 1);
}

TEST(SharedSeasonsTest, AJobNeedingATableTheRunDidNotReadFails) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  SharedSeasons pool(*f.wh, *cal, *execution::Phase3Reads({&TeamDefenseZoneAnalysisInfo()}), {2024});
  auto user = pool.Join();
  execution::InputReader reader(*f.wh, *cal);
  reader.ShareSeasons(user.get());
  auto rows = execution::ComputeDate(reader, PlayerShotZoneAnalysisInfo(), f.d);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("the shared 2024 season lacks"), std::string::npos)
      << rows.status().message();
}

}  // namespace
}  // namespace phase4::backfill
