// The one mapping from a command's Status to its exit code (common/exit_codes.h,
// README "Exit codes").
#include "common/exit_codes.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace phase4 {
namespace {

TEST(ExitCodeTest, EveryStatusCodeHasTheExitCodeTheReadmeGives) {
  const std::vector<std::pair<Status, int>> cases{
      {Status::OK(), 0},
      {Status::Incomplete("2 units failed"), 2},
      {Status::Usage("unknown job 'x'"), 64},
      {Status::Storage("disk full"), 74},
      {Status::Busy("job x is locked by pid 1"), 75},
      {Status::Interrupted("Interrupted before all dates were processed"), 130},
      {Status::InvalidInput("bad row"), 1},
      {Status::NotFound("no warehouse"), 1},
      {Status::IoError("cannot open"), 1},
      {Status::Corruption("damaged checkpoint"), 1},
      {Status::FailedPrecondition("no calendar"), 1},
      {Status::Aborted("Stopped: upstream ended"), 1},
  };
  // One case per code, kAborted the last (a new code without a place in
  // ExitCodeFor's switch does not compile).
  EXPECT_EQ(cases.size(), static_cast<size_t>(Status::Code::kAborted) + 1);
  for (const auto& [status, code] : cases) EXPECT_EQ(ExitCodeFor(status), code) << status.message();
}

TEST(ExitCodeTest, TheCodesAreThoseOfExitCodesH) {
  EXPECT_EQ(ExitCodeFor(Status::OK()), kExitOk);
  EXPECT_EQ(ExitCodeFor(Status::Incomplete("")), kExitDatesFailed);
  EXPECT_EQ(ExitCodeFor(Status::Usage("")), kExitUsage);
  EXPECT_EQ(ExitCodeFor(Status::Storage("")), kExitStorage);
  EXPECT_EQ(ExitCodeFor(Status::Busy("")), kExitLocked);
  EXPECT_EQ(ExitCodeFor(Status::Interrupted("")), kExitInterrupted);
  EXPECT_EQ(ExitCodeFor(Status::FailedPrecondition("")), kExitFatal);
}

}  // namespace
}  // namespace phase4
