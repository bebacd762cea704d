// The hand-written checkpoint writer against nlohmann's dump(2) of the same
// document: byte for byte, whatever the job name, error texts and lists hold.
#include "backfill/checkpoint_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backfill/checkpoint_reference_json.h"
#include "backfill/checkpoint_validator.h"

namespace phase4::backfill {
namespace {

Date D(const char* text) { return *ParseDate(text); }

void ExpectSameAsNlohmann(const CheckpointState& s, const std::string& updated_at) {
  EXPECT_EQ(CheckpointToJson(s, updated_at), testing::ReferenceCheckpointJson(s, updated_at));
}

TEST(CheckpointWriterTest, AnEmptyStateIsWrittenAsNlohmannWritesIt) {
  CheckpointState s("team_defense_zone_analysis", D("2024-01-01"), D("2024-01-10"), 0);
  ExpectSameAsNlohmann(s, "2026-11-27T10:00:00.000000Z");
}

TEST(CheckpointWriterTest, EveryListAndTheWarehouseIdAreWrittenAsNlohmannWritesThem) {
  CheckpointState s("player_daily_cache", D("2021-10-19"), D("2025-06-22"), 845);
  s.set_warehouse_id("sqlite:4f2c9a1e-7d3b-4c55-9a0e-2b6f8d1c3e77");
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(s.MarkSuccess(AddDays(D("2021-10-26"), i)).ok());
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(s.MarkSkipped(AddDays(D("2021-10-19"), i)).ok());
  ASSERT_TRUE(s.MarkFailed(D("2023-01-05"), "No data for date 2023-01-05").ok());
  ASSERT_TRUE(s.MarkFailed(D("2023-01-06"), "").ok());
  ExpectSameAsNlohmann(s, "2026-11-27T10:00:00.000000Z");
}

TEST(CheckpointWriterTest, OutOfOrderAndRemovedDatesAreWrittenAsNlohmannWritesThem) {
  CheckpointState s("ml_feature_store", D("2024-01-01"), D("2024-01-31"), 20);
  for (const char* d : {"2024-01-20", "2024-01-03", "2024-01-25", "2024-01-04"})
    ASSERT_TRUE(s.MarkSuccess(D(d)).ok());
  ASSERT_TRUE(s.MarkFailed(D("2024-01-03"), "moved out of the successful list").ok());
  ASSERT_TRUE(s.MarkSkipped(D("2024-01-25")).ok());
  ASSERT_TRUE(s.MarkSuccess(D("2024-01-01")).ok());
  ExpectSameAsNlohmann(s, "2026-11-27T10:00:00.000000Z");
}

TEST(CheckpointWriterTest, OddStringsAreEscapedAsNlohmannEscapesThem) {
  const std::vector<std::string> texts = {
      "quotes \" and backslashes \\ and a slash /",
      "line one\nline two\r\n\ttabbed",
      std::string("control \x01\x07\x1f and NUL ") + std::string(1, '\0') + " inside",
      "DEL \x7f and non-ASCII: Dončić, Jokić, 東京, emoji \xF0\x9F\x8F\x80",
      "invalid UTF-8: \xff\xfe, a lone continuation \x80, a cut sequence \xE6\x9D",
      "",
      std::string(5000, 'x'),
  };
  for (size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE(i);
    CheckpointState s("job_" + std::to_string(i), D("2024-01-01"), D("2024-01-31"), 3);
    ASSERT_TRUE(s.MarkFailed(D("2024-01-02"), texts[i]).ok());
    ASSERT_TRUE(s.MarkSuccess(D("2024-01-03")).ok());
    s.set_warehouse_id(texts[i]);
    ExpectSameAsNlohmann(s, texts[i]);
  }
}

TEST(CheckpointWriterTest, WhatIsWrittenReadsBackToTheSameState) {
  CheckpointState s("team_defense_zone_analysis", D("2024-01-01"), D("2024-01-10"), 8);
  ASSERT_TRUE(s.MarkSkipped(D("2024-01-01")).ok());
  ASSERT_TRUE(s.MarkSuccess(D("2024-01-02")).ok());
  ASSERT_TRUE(s.MarkFailed(D("2024-01-04"), "line one\nline \"two\"").ok());
  s.set_warehouse_id("w");
  std::vector<std::string> warnings;
  auto back = CheckpointFromJson(CheckpointToJson(s, "t"), "team_defense_zone_analysis",
                                 D("2024-01-01"), D("2024-01-10"), &warnings);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(CheckpointToJson(*back, "t"), CheckpointToJson(s, "t"));
}

}  // namespace
}  // namespace phase4::backfill
