// Reads a checkpoint file's text back into a CheckpointState, trusting
// nothing: the file may be truncated, hand-edited, from another job or
// range, or not JSON at all (doc/checkpoint-format.md §3, "Corruption").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backfill/checkpoint_state.h"
#include "calendar/date.h"
#include "common/status.h"

namespace phase4::backfill {

// Parses and validates `text` as the checkpoint of (job, start, end).
// Corruption (with the reason) when it is not one. Derived values
// (last_successful_date, stats) that disagree with the lists are recomputed,
// with a note appended to `warnings`.
Result<CheckpointState> CheckpointFromJson(std::string_view text, std::string_view job, Date start,
                                           Date end, std::vector<std::string>* warnings = nullptr);

}  // namespace phase4::backfill
