// A unit of Phase 4 work: one job (processor) for one game date. The ledger
// (ledger.h) holds one UnitRecord per unit that any run has settled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "calendar/date.h"

namespace phase4::ledger {

// How the last attempt at a unit ended (doc/ledger.md, "States").
enum class UnitState {
  kSucceeded,  // rows computed and written with this record
  kFailed,     // the processor failed on the unit's inputs (last_error)
  kSkipped,    // a bootstrap date: nothing to compute (decision 3)
  kBlocked,    // not attempted: a Phase 3 input is missing or an upstream
               // unit of the same date did not succeed (last_error says which)
};

std::string_view UnitStateName(UnitState s);
std::optional<UnitState> ParseUnitState(std::string_view name);

struct UnitRecord {
  std::string job;
  Date date{};
  UnitState state = UnitState::kSucceeded;
  int64_t attempts = 0;    // computations tried since the unit was first recorded
  std::string last_error;  // empty unless failed or blocked
  std::string run_id;      // the run (processor_run_history.run_id) that wrote it
  // Rows of the job's table for the date, and their fingerprint. They
  // describe the rows stored now: a failed or blocked attempt leaves the
  // rows (and these two fields) of the last success in place.
  int64_t rows_written = 0;
  std::string output_fingerprint;
  // What the rows were computed from (fingerprint.h) and its parts, so that
  // a stale unit can say which input changed.
  std::string input_fingerprint;
  std::string input_parts;  // "name=fingerprint;..." in a fixed order
  std::string code_version;
  double duration_seconds = 0;
  std::string first_attempt_at, updated_at;  // UTC timestamps
};

}  // namespace phase4::ledger
