// The documented handling of a corrupt checkpoint file (decision 17,
// doc/checkpoint-format.md section 6), shared by the checkpoint unit tests and
// the malformed-checkpoint corpus: --status reports the file and leaves it; a
// run moves it aside byte for byte, warns naming the file and the reason,
// starts fresh and saves a new file next to the evidence.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>

#include "backfill/checkpoint.h"
#include "env/fault_env.h"
#include "test_support.h"

namespace phase4::testing {

// Writes `text` as the checkpoint of team_defense_zone_analysis over
// 2024-01-01..2024-01-10 and checks the handling above; `reason` is a
// fragment the warning must quote.
inline void ExpectCorruptCheckpointMovedAside(const std::string& text, const std::string& reason) {
  namespace fs = std::filesystem;
  const std::string job = "team_defense_zone_analysis";
  const Date start = *ParseDate("2024-01-01"), end = *ParseDate("2024-01-10");
  TempDir tmp;
  const fs::path path = backfill::Checkpoint::PathFor(tmp.path(), job, start, end);
  WriteFile(path, text);
  auto inspected = backfill::Checkpoint::Inspect(tmp.path(), job, start, end);
  ASSERT_FALSE(inspected.ok());
  EXPECT_EQ(inspected.status().code(), Status::Code::kCorruption);
  EXPECT_NE(inspected.status().message().find("checkpoint " + path.string() + " is corrupt"),
            std::string::npos)
      << inspected.status().message();
  EXPECT_EQ(ReadFile(path), text);  // --status changes nothing

  ::phase4::testing::FaultEnv env;  // its clock names the file moved aside
  {
    using namespace std::chrono;
    env.SetNow(sys_days{year{2026} / 11 / 27} + hours{10});
  }
  backfill::Checkpoint::Options o;
  o.env = &env;
  auto cp = backfill::Checkpoint::Open(tmp.path(), job, start, end, 8, o);
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  EXPECT_FALSE(cp->resumed());
  EXPECT_EQ(cp->state().processed(), 0);
  const fs::path aside = path.string() + ".corrupt-20261127T100000Z";
  ASSERT_EQ(cp->warnings().size(), 1u);
  const std::string& w = cp->warnings()[0];
  EXPECT_EQ(w.rfind("checkpoint " + path.string() + " is corrupt (", 0), 0u) << w;
  EXPECT_NE(w.find(reason), std::string::npos) << w;
  EXPECT_NE(w.find("); moved it to " + aside.string() + " and starting fresh"), std::string::npos)
      << w;
  EXPECT_LT(w.size(), 2000u) << "the warning quotes too much of the file";
  EXPECT_FALSE(fs::exists(path));
  ASSERT_TRUE(fs::exists(aside));
  EXPECT_TRUE(ReadFile(aside) == text) << "the evidence must be kept byte for byte";
  const Date marked = *ParseDate("2024-01-09");
  ASSERT_TRUE(cp->MarkSuccess(marked).ok());
  EXPECT_TRUE(ReadFile(aside) == text);
  auto reread = backfill::Checkpoint::Inspect(tmp.path(), job, start, end);
  ASSERT_TRUE(reread.ok()) << reread.status().message();
  ASSERT_TRUE(reread->has_value());
  EXPECT_EQ((*reread)->successful_dates(), std::set<Date>{marked});
}

}  // namespace phase4::testing
