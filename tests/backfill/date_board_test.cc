// DateBoard: a job of a pipelined run-all computes a date only once its
// upstream jobs settled it, and never a date at or after an upstream's failure.
#include "backfill/date_board.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace phase4::backfill {
namespace {

using namespace std::chrono_literals;

Date D(const char* s) { return *ParseDate(s); }

// A downstream job reading two upstream jobs' rows.
processors::ProcessorInfo Downstream() {
  processors::ProcessorInfo info;
  info.name = "down";
  info.phase4_upstreams = {"up1", "up2"};
  return info;
}

TEST(DateBoardTest, ADateWaitsUntilEveryUpstreamSettledIt) {
  DateBoard board({"up1", "up2", "down"});
  board.Plan("up1", {D("2024-01-01"), D("2024-01-02")});
  board.Plan("up2", {D("2024-01-01"), D("2024-01-02")});
  std::atomic<bool> done{false};
  std::optional<std::string> refused = "not set";
  std::thread t([&] {
    refused = board.WaitForUpstreams(Downstream(), D("2024-01-02"), nullptr);
    done = true;
  });
  board.Settle("up1", D("2024-01-01"), false);
  board.Settle("up2", D("2024-01-01"), false);
  board.Settle("up1", D("2024-01-02"), false);
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(done.load()) << "went ahead before up2 settled the date";
  board.Settle("up2", D("2024-01-02"), false);
  t.join();
  EXPECT_EQ(refused, std::nullopt);
}

TEST(DateBoardTest, JobsOutsideTheRunAndDatesOutsideTheirPlanHoldNoOneUp) {
  DateBoard board({"up1", "down"});      // up2 is not part of the run
  board.Plan("up1", {D("2024-01-02")});  // 2024-01-01 was done by an earlier run
  EXPECT_EQ(board.WaitForUpstreams(Downstream(), D("2024-01-01"), nullptr), std::nullopt);
}

TEST(DateBoardTest, AnUnplannedUpstreamIsWaitedFor) {
  DateBoard board({"up1", "down"});
  std::atomic<bool> stop{false};
  std::thread t([&] {
    std::this_thread::sleep_for(150ms);
    stop = true;
  });
  auto refused = board.WaitForUpstreams(Downstream(), D("2024-01-01"), [&] { return stop.load(); });
  t.join();
  EXPECT_EQ(refused, "stop requested");
}

// The pipeline never stops at a failure: a date an upstream failed (or
// found blocked) is refused, the later dates are not.
TEST(DateBoardTest, AFailedUpstreamDateRefusesThatDateOnly) {
  DateBoard board({"up1", "down"});
  board.Plan("up1", {D("2024-01-01"), D("2024-01-02"), D("2024-01-03")});
  board.Settle("up1", D("2024-01-01"), false);
  board.Settle("up1", D("2024-01-02"), true);
  board.Settle("up1", D("2024-01-03"), false);
  EXPECT_EQ(board.WaitForUpstreams(Downstream(), D("2024-01-01"), nullptr), std::nullopt);
  EXPECT_EQ(board.WaitForUpstreams(Downstream(), D("2024-01-02"), nullptr),
            "upstream up1 did not succeed on 2024-01-02");
  EXPECT_EQ(board.WaitForUpstreams(Downstream(), D("2024-01-03"), nullptr), std::nullopt);
}

TEST(DateBoardTest, AnUpstreamThatEndsWithoutADateRefusesIt) {
  DateBoard board({"up1", "down"});
  board.Plan("up1", {D("2024-01-01"), D("2024-01-02")});
  board.Settle("up1", D("2024-01-01"), false);
  std::optional<std::string> refused;
  std::thread t([&] { refused = board.WaitForUpstreams(Downstream(), D("2024-01-02"), nullptr); });
  board.End("up1");
  t.join();
  EXPECT_EQ(refused, "upstream up1 stopped before 2024-01-02");
  EXPECT_EQ(board.WaitForUpstreams(Downstream(), D("2024-01-01"), nullptr), std::nullopt);
  // One that could not even start (no plan) refuses every date.
  DateBoard other({"up1", "down"});
  other.End("up1");
  EXPECT_EQ(other.WaitForUpstreams(Downstream(), D("2024-01-01"), nullptr),
            "upstream up1 stopped before 2024-01-01");
}

}  // namespace
}  // namespace phase4::backfill
