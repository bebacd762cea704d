#include "cli/checkpoint_status.h"

#include <algorithm>

namespace phase4::cli {

namespace fs = std::filesystem;

std::string FormatCheckpointStatus(const fs::path& checkpoint_path, std::string_view job,
                                   Date start, Date end,
                                   const std::optional<backfill::CheckpointState>& state,
                                   std::span<const Date> game_dates) {
  const std::string rule(60, '=');
  const std::vector<Date> in_range = backfill::GameDatesInRange(game_dates, start, end);
  std::string out;
  auto line = [&out](const std::string& s) { out += s + "\n"; };
  line(rule);
  line("CHECKPOINT STATUS: " + std::string(job));
  line(rule);
  line("  Date range: " + FormatDate(start) + " to " + FormatDate(end));
  line("  Total days: " + std::to_string(in_range.size()));
  if (!state) {
    line("  No checkpoint found for this job and date range.");
    line("  Checkpoint would be: " + checkpoint_path.string());
    line(rule);
    return out;
  }
  line("  Processed:  " + std::to_string(state->processed()));
  line("    - Successful: " + std::to_string(state->successful()));
  line("    - Failed:     " + std::to_string(state->failed()));
  line("    - Skipped:    " + std::to_string(state->skipped()));
  auto last = state->last_successful_date();
  line("  Last success: " + (last ? FormatDate(*last) : std::string("none")));
  const std::vector<Date> pending = state->PendingDates(in_range);
  if (state->IsComplete(in_range)) {
    line("  Status: COMPLETE");
  } else if (!pending.empty()) {
    Date from = std::min(state->ResumeDate(), pending.front());
    line("  Resume from: " + FormatDate(from) + " (" + std::to_string(pending.size()) +
         " days remaining)");
  } else {
    line("  Status: INCOMPLETE (" + std::to_string(state->failed()) +
         " failed dates before the resume point; retry them with --dates)");
  }
  line("  Checkpoint file: " + checkpoint_path.string());
  line(rule);
  return out;
}

}  // namespace phase4::cli
