// The CHECKPOINT STATUS block of `phase4 backfill JOB --status`.
#include "cli/checkpoint_status.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "backfill/backfill_job.h"
#include "backfill/checkpoint.h"
#include "backfill/checkpoint_state.h"

namespace phase4::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kJob[] = "team_defense_zone_analysis";

Date D(const char* text) { return *ParseDate(text); }

std::vector<Date> Dates(std::initializer_list<const char*> texts) {
  std::vector<Date> out;
  for (const char* t : texts) out.push_back(D(t));
  return out;
}

TEST(CheckpointStatusTest, NoCheckpoint) {
  const fs::path path =
      "/tmp/backfill_checkpoints/team_defense_zone_analysis_2024-01-01_2024-01-10.json";
  const std::string expected =
      "============================================================\n"
      "CHECKPOINT STATUS: team_defense_zone_analysis\n"
      "============================================================\n"
      "  Date range: 2024-01-01 to 2024-01-10\n"
      "  Total days: 3\n"
      "  No checkpoint found for this job and date range.\n"
      "  Checkpoint would be: "
      "/tmp/backfill_checkpoints/team_defense_zone_analysis_2024-01-01_2024-01-10.json\n"
      "============================================================\n";
  EXPECT_EQ(FormatCheckpointStatus(path, kJob, D("2024-01-01"), D("2024-01-10"), std::nullopt,
                                   Dates({"2024-01-02", "2024-01-05", "2024-01-09"})),
            expected);
}

TEST(CheckpointStatusTest, InProgressMatchesTheOperatorDocumentExample) {
  // The numbers of the operator document's example: 675 game dates, 28
  // skipped, 2 failed, 470 successful up to 2024-03-15, 175 to go.
  const Date start = D("2021-10-19"), end = D("2025-06-22");
  std::vector<Date> games;
  for (int i = 0; i < 499; ++i) games.push_back(AddDays(start, i));
  games.push_back(D("2024-03-15"));
  for (int i = 1; i <= 175; ++i) games.push_back(AddDays(D("2024-03-15"), i));
  ASSERT_EQ(games.size(), 675u);
  backfill::CheckpointState s(kJob, start, end, 675);
  for (int i = 0; i < 28; ++i) ASSERT_TRUE(s.MarkSkipped(games[i]).ok());
  for (int i = 28; i < 30; ++i) ASSERT_TRUE(s.MarkFailed(games[i], "No data").ok());
  for (int i = 30; i < 500; ++i) ASSERT_TRUE(s.MarkSuccess(games[i]).ok());
  const std::string expected =
      "============================================================\n"
      "CHECKPOINT STATUS: team_defense_zone_analysis\n"
      "============================================================\n"
      "  Date range: 2021-10-19 to 2025-06-22\n"
      "  Total days: 675\n"
      "  Processed:  500\n"
      "    - Successful: 470\n"
      "    - Failed:     2\n"
      "    - Skipped:    28\n"
      "  Last success: 2024-03-15\n"
      "  Resume from: 2024-03-16 (175 days remaining)\n"
      "  Checkpoint file: "
      "/tmp/backfill_checkpoints/team_defense_zone_analysis_2021-10-19_2025-06-22.json\n"
      "============================================================\n";
  EXPECT_EQ(
      FormatCheckpointStatus(backfill::Checkpoint::PathFor(backfill::kDefaultCheckpointDirectory, kJob, start, end),
                             kJob, start, end, s, games),
      expected);
}

TEST(CheckpointStatusTest, InProgressWithNothingSucceededYet) {
  const Date start = D("2024-01-01"), end = D("2024-01-10");
  const std::vector<Date> games = Dates({"2024-01-01", "2024-01-02", "2024-01-03"});
  backfill::CheckpointState s(kJob, start, end, 8);
  ASSERT_TRUE(s.MarkSkipped(D("2024-01-01")).ok());
  const fs::path path = backfill::Checkpoint::PathFor("/ck", kJob, start, end);
  const std::string expected =
      "============================================================\n"
      "CHECKPOINT STATUS: team_defense_zone_analysis\n"
      "============================================================\n"
      "  Date range: 2024-01-01 to 2024-01-10\n"
      "  Total days: 3\n"
      "  Processed:  1\n"
      "    - Successful: 0\n"
      "    - Failed:     0\n"
      "    - Skipped:    1\n"
      "  Last success: none\n"
      "  Resume from: 2024-01-01 (2 days remaining)\n"
      "  Checkpoint file: /ck/team_defense_zone_analysis_2024-01-01_2024-01-10.json\n"
      "============================================================\n";
  EXPECT_EQ(FormatCheckpointStatus(path, kJob, start, end, s, games), expected);
}

TEST(CheckpointStatusTest, Complete) {
  const Date start = D("2024-01-01"), end = D("2024-01-10");
  const std::vector<Date> games = Dates({"2024-01-01", "2024-01-02", "2024-01-05", "2024-01-10"});
  backfill::CheckpointState s(kJob, start, end, 4);
  ASSERT_TRUE(s.MarkSkipped(D("2024-01-01")).ok());
  ASSERT_TRUE(s.MarkFailed(D("2024-01-02"), "x").ok());
  ASSERT_TRUE(s.MarkSuccess(D("2024-01-02")).ok());
  ASSERT_TRUE(s.MarkSuccess(D("2024-01-05")).ok());
  ASSERT_TRUE(s.MarkSuccess(D("2024-01-10")).ok());
  EXPECT_TRUE(s.IsComplete(games));
  EXPECT_TRUE(s.PendingDates(games).empty());
  const std::string expected =
      "============================================================\n"
      "CHECKPOINT STATUS: team_defense_zone_analysis\n"
      "============================================================\n"
      "  Date range: 2024-01-01 to 2024-01-10\n"
      "  Total days: 4\n"
      "  Processed:  4\n"
      "    - Successful: 3\n"
      "    - Failed:     0\n"
      "    - Skipped:    1\n"
      "  Last success: 2024-01-10\n"
      "  Status: COMPLETE\n"
      "  Checkpoint file: /ck/team_defense_zone_analysis_2024-01-01_2024-01-10.json\n"
      "============================================================\n";
  EXPECT_EQ(FormatCheckpointStatus(backfill::Checkpoint::PathFor("/ck", kJob, start, end), kJob, start, end,
                                   s, games),
            expected);
}

TEST(CheckpointStatusTest, OnlyFailedDatesBeforeTheResumePointLeft) {
  const Date start = D("2024-01-01"), end = D("2024-01-10");
  const std::vector<Date> games = Dates({"2024-01-02", "2024-01-05", "2024-01-10"});
  backfill::CheckpointState s(kJob, start, end, 3);
  ASSERT_TRUE(s.MarkFailed(D("2024-01-02"), "x").ok());
  ASSERT_TRUE(s.MarkSuccess(D("2024-01-05")).ok());
  ASSERT_TRUE(s.MarkSuccess(D("2024-01-10")).ok());
  EXPECT_FALSE(s.IsComplete(games));
  EXPECT_TRUE(s.PendingDates(games).empty());
  const std::string expected =
      "============================================================\n"
      "CHECKPOINT STATUS: team_defense_zone_analysis\n"
      "============================================================\n"
      "  Date range: 2024-01-01 to 2024-01-10\n"
      "  Total days: 3\n"
      "  Processed:  3\n"
      "    - Successful: 2\n"
      "    - Failed:     1\n"
      "    - Skipped:    0\n"
      "  Last success: 2024-01-10\n"
      "  Status: INCOMPLETE (1 failed dates before the resume point; retry them with --dates)\n"
      "  Checkpoint file: /ck/team_defense_zone_analysis_2024-01-01_2024-01-10.json\n"
      "============================================================\n";
  EXPECT_EQ(FormatCheckpointStatus(backfill::Checkpoint::PathFor("/ck", kJob, start, end), kJob, start, end,
                                   s, games),
            expected);
}

}  // namespace
}  // namespace phase4::cli
