// The CHECKPOINT STATUS block `phase4 backfill JOB --status` prints (60 '='
// rules, the operator document's layout), rendered from the state the
// backfill layer returns.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "backfill/checkpoint_state.h"
#include "calendar/date.h"

namespace phase4::cli {

// `state` is nullopt when there is no checkpoint file. `game_dates` are the
// range's game dates; "Total days" counts them and "days remaining" counts
// the pending ones.
std::string FormatCheckpointStatus(const std::filesystem::path& checkpoint_path,
                                   std::string_view job, Date start, Date end,
                                   const std::optional<backfill::CheckpointState>& state,
                                   std::span<const Date> game_dates);

}  // namespace phase4::cli
