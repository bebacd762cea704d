// The text of a checkpoint file (doc/checkpoint-format.md): 2-space indented
// JSON and a final newline, byte for byte what nlohmann's dump(2) writes for
// the same document (checkpoint_writer_test.cc holds it to that).
//
// Why not nlohmann itself: a backfill saves after every date, and building
// the JSON tree of a long range on every save cost far more than the save's
// own work (bench/checkpoint_bench.cc; doc/benchmarks.md). This writer
// appends the kept text of each date list (checkpoint_date_list.h) instead.
#pragma once

#include <string>
#include <string_view>

#include "backfill/checkpoint_state.h"

namespace phase4::backfill {

std::string CheckpointToJson(const CheckpointState& state, std::string_view updated_at);

}  // namespace phase4::backfill
