// The Phase 3 digest refresh in two steps (ledger/phase3_digests.h): a plan
// may digest the marked dates without storing them (run-all plans while the
// files' check runs), and stores them later; nothing is lost or digested
// twice in between.
#include "ledger/phase3_digests.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "ledger/plan.h"
#include "phase3/schedule_store.h"
#include "test_support.h"

namespace phase4::ledger {
namespace {

namespace fs = std::filesystem;

int64_t Marks(Warehouse& wh) {
  return static_cast<int64_t>(
      wh.SelectRows(AnalyticsChangesSchema(), std::nullopt, std::nullopt)->size());
}

TEST(Phase3DigestsTest, APlanThatDefersTheStoreUsesTheNewDigestsAndStoresNothingUntilAsked) {
  testing::TempDir dir;
  const fs::path w = dir.path() / "wh";
  fs::copy(testing::GeneratedLeague(), w, fs::copy_options::recursive);
  // #2's units of two weeks, computed: the ones after the correction go stale.
  auto ran = testing::RunPhase4({"--warehouse", w.string(), "backfill", "player_shot_zone_analysis",
                                 "--start-date", "2023-11-25", "--end-date", "2023-12-08",
                                 "--checkpoint-dir", (dir.path() / "ck").string()});
  ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  auto wh = Warehouse::Open(w.string(), /*create=*/false);
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  ASSERT_TRUE(RefreshPhase3Digests(**wh).ok());  // whatever the load marked
  ASSERT_EQ(Marks(**wh), 0);
  const Phase3Digests before = *ReadPhase3Digests(**wh);
  const std::string table = "nba_analytics.player_game_summary";
  const Date day = *ParseDate("2023-12-01");
  ASSERT_TRUE(before.at(table).count(day));

  // Another tool corrects one game: the date is marked.
  testing::ExecSql(w / "nba_analytics.db",
                   "UPDATE player_game_summary SET points = points + 7 WHERE rowid = (SELECT "
                   "min(rowid) FROM player_game_summary WHERE game_date = '2023-12-01')");
  ASSERT_GT(Marks(**wh), 0);
  const int64_t marked = Marks(**wh);

  auto calendar = phase3::ReadCalendar(**wh);
  ASSERT_TRUE(calendar.ok());
  PlanRequest request;
  request.dates = calendar->GameDates(*ParseDate("2023-11-25"), *ParseDate("2023-12-08"));
  request.run_jobs = {"player_shot_zone_analysis"};
  request.defer_digest_store = true;
  auto plan = MakePlan(**wh, *calendar, request);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->digests_refreshed, marked);
  ASSERT_TRUE(plan->unstored_digests.has_value());
  // The plan saw the new digest: the later units are stale...
  const JobPlan* shot_zones = plan->Find("player_shot_zone_analysis");
  ASSERT_NE(shot_zones, nullptr);
  EXPECT_GT(shot_zones->stale, 0);
  // ...while the warehouse still holds the marks and the old digest.
  EXPECT_EQ(Marks(**wh), marked);
  EXPECT_EQ(ReadPhase3Digests(**wh)->at(table).at(day).digest, before.at(table).at(day).digest);

  // Stored: the marks are gone, the digest is the one the plan used.
  ASSERT_TRUE(StoreDigestRefresh(**wh, *plan->unstored_digests).ok());
  EXPECT_EQ(Marks(**wh), 0);
  Phase3Digests planned = before;
  ApplyDigestRefresh(*plan->unstored_digests, planned);
  const auto after = *ReadPhase3Digests(**wh);
  EXPECT_NE(after.at(table).at(day).digest, before.at(table).at(day).digest);
  EXPECT_EQ(after.at(table).at(day).digest, planned.at(table).at(day).digest);
  EXPECT_EQ(after.at(table).at(day).changed_at, planned.at(table).at(day).changed_at);

  // A plan that stores at once finds nothing more to digest.
  request.defer_digest_store = false;
  auto again = MakePlan(**wh, *calendar, request);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->digests_refreshed, 0);
  EXPECT_FALSE(again->unstored_digests.has_value());
}

}  // namespace
}  // namespace phase4::ledger
