// libFuzzer target: the checkpoint loader (doc/fuzzing.md).
//
// The input is a checkpoint file's text, read for one fixed job and range.
// A file that loads must save (CheckpointToJson) to a text that loads back to the same
// state without warnings, and must render a --status block.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backfill/checkpoint.h"
#include "backfill/checkpoint_validator.h"
#include "backfill/checkpoint_writer.h"
#include "cli/checkpoint_status.h"

namespace {

using namespace phase4;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "checkpoint_fuzz: %s\n", what.c_str());
  std::abort();
}

bool SameState(const backfill::CheckpointState& a, const backfill::CheckpointState& b) {
  return a.successful_dates() == b.successful_dates() && a.failed_dates() == b.failed_dates() &&
         a.skipped_dates() == b.skipped_dates() && a.failed_errors() == b.failed_errors() &&
         a.total_days() == b.total_days() && a.job_name() == b.job_name() &&
         a.start_date() == b.start_date() && a.end_date() == b.end_date();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Date kStart = *ParseDate("2024-01-01");
  static const Date kEnd = *ParseDate("2024-01-10");
  static const std::vector<Date> kGameDates = {*ParseDate("2024-01-02"), *ParseDate("2024-01-05"),
                                               *ParseDate("2024-01-09")};
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> warnings;
  auto loaded =
      backfill::CheckpointFromJson(text, "team_defense_zone_analysis", kStart, kEnd, &warnings);
  if (!loaded.ok()) {
    if (loaded.status().code() != Status::Code::kCorruption)
      Fail("a bad file must be Corruption, got: " + loaded.status().message());
    return 0;
  }
  const std::string saved = backfill::CheckpointToJson(*loaded, "2026-11-27T10:00:00.000000Z");
  std::vector<std::string> warnings2;
  auto reloaded =
      backfill::CheckpointFromJson(saved, "team_defense_zone_analysis", kStart, kEnd, &warnings2);
  if (!reloaded.ok()) Fail("a saved state does not load: " + reloaded.status().message());
  if (!warnings2.empty()) Fail("a saved state loads with a warning: " + warnings2[0]);
  if (!SameState(*loaded, *reloaded)) Fail("a saved state loads back different");
  (void)cli::FormatCheckpointStatus("x.json", "team_defense_zone_analysis", kStart, kEnd, *loaded,
                               kGameDates);
  (void)loaded->PendingDates(kGameDates);
  return 0;
}
