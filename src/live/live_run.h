// A live (normal-mode) run of one processor for one date (decision 23):
// the 90-day rule, the defensive checks, the dependency check, alerts, the
// run history and the completion message committed with the rows.
#pragma once

#include <cstdio>
#include <string>

#include "calendar/season_calendar.h"
#include "processors/common/processor.h"
#include "execution/input_reader.h"
#include "processors/common/season_inputs.h"
#include "warehouse/warehouse.h"

namespace phase4::live {

inline constexpr int kMaxLiveAgeDays = 90;

struct LiveOptions {
  bool backfill_mode = false;            // no 90-day rule, no checks, no alerts, no message
  bool skip_downstream_trigger = false;  // no completion message (and no defensive checks)
  bool strict_mode = true;               // false skips the defensive checks
  Date today{};                          // the clock, injected
  std::string trigger_source = "manual";
};

struct LiveResult {
  enum class Outcome { kSuccess, kBootstrap, kRejected, kBlocked, kFailed } outcome;
  int64_t rows = 0;
  std::string message;  // the error or block reason
  std::string run_id;
};

// Runs `info` for d. Prints progress lines to `out`; never throws.
LiveResult RunLive(Warehouse& wh, const SeasonCalendar& calendar,
                   const processors::ProcessorInfo& info, Date d, const LiveOptions& options,
                   std::FILE* out);
// The same with the caller's input reader (read through d at least), so that
// several processors run for d share one read of the season's Phase 3 rows.
LiveResult RunLive(execution::InputReader& reader, const processors::ProcessorInfo& info, Date d,
                   const LiveOptions& options, std::FILE* out);

// The defensive checks alone (for tests): upstream run status for the
// previous game date, then gaps over the processor's lookback in game dates.
// Returns the alert to send when the date is blocked, or nullopt.
struct Block {
  std::string title;  // "Precompute BLOCKED: Upstream Failure - <job>" / "... Data Gaps - <job>"
  std::string message;
  std::string details_json;
};
Result<std::optional<Block>> DefensiveChecks(Warehouse& wh, const SeasonCalendar& calendar,
                                             const processors::ProcessorInfo& info, Date d);

}  // namespace phase4::live
