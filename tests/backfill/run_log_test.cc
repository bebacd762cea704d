// The run log's file name (backfill/run_log.h): its time is the Env's clock.
#include "backfill/run_log.h"

#include <gtest/gtest.h>

#include <chrono>

#include "env/fault_env.h"

namespace phase4::backfill {
namespace {

TEST(RunLogTest, TheDefaultLogNameTakesItsTimeFromTheEnv) {
  testing::FaultEnv env;
  using namespace std::chrono;
  env.SetNow(sys_days{year{2024} / January / 5} + hours{12} + minutes{34} + seconds{56});
  EXPECT_EQ(DefaultLogPath("ck", "run-all", MakeDate(2023, 11, 1), MakeDate(2023, 11, 30), &env),
            std::filesystem::path("ck/logs/run-all_2023-11-01_2023-11-30_20240105T123456Z.log"));
  // A later clock, a later name: nothing else reads the time.
  env.SetNow(sys_days{year{2024} / January / 5} + hours{12} + minutes{34} + seconds{57});
  EXPECT_EQ(DefaultLogPath("ck", "backfill", MakeDate(2023, 11, 1), MakeDate(2023, 11, 30), &env)
                .filename(),
            "backfill_2023-11-01_2023-11-30_20240105T123457Z.log");
}

}  // namespace
}  // namespace phase4::backfill
