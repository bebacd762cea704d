// How one backfill job ended (RunBackfill, backfill_job.h), as data: its
// Status, its units, and what the operator may run next. The job prints no
// verdict of its own; whoever ran it says the ending (SayJobResult) and the
// CLI picks the exit code from the Status (ExitCodeFor, common/exit_codes.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backfill/checkpoint_state.h"
#include "backfill/job_events.h"
#include "calendar/date.h"
#include "common/status.h"

namespace phase4::backfill {

// What `backfill JOB --status` found: the ledger's view of the job's range
// (the checkpoint file is a view of the ledger), for the CLI to render.
struct BackfillStatus {
  std::filesystem::path checkpoint_path;
  CheckpointState view;
  std::vector<Date> game_dates;  // the range's game dates
};

struct BackfillResult {
  BackfillResult() = default;
  // A job that ended with `status` after settling `units`; implicit, so
  // that a job returns a Status as it would a Result<T>'s.
  BackfillResult(Status status, JobTally units = {})  // NOLINT
      : status(std::move(status)), units(std::move(units)) {}

  // OK: everything asked is done. kIncomplete: units failed or are blocked
  // (--dry-run, --status: units are left). kStorage: the storage failed and
  // the run stopped after the date in flight. kBusy: another run holds the
  // job's lock. kInterrupted: a stop signal. kAborted: an upstream job of
  // the run-all ended without settling a date. kUsage: asked wrongly. Any
  // other code: the job could not run. The message says it to the operator.
  Status status;
  // The job's units by outcome (before this run and in it), with the failed
  // and blocked dates and their errors; empty when no unit was reached.
  JobTally units;
  // A storage failure's date in flight, which was not recorded.
  std::optional<Date> unrecorded_date;
  // The command that retries what is left (units failed, blocked or not
  // reached); empty when nothing is left, or when the operator must act
  // first (a usage error, a held lock, an error of the job).
  std::string retry_command;
  // --status: what the ledger says of the range.
  std::optional<BackfillStatus> checkpoint_status;
};

// Says on the job's events how it ended when it did not run to its end:
// the error that stopped it (`error: ...`, for a storage failure also which
// date was not recorded) as errors, an interruption or an early stop as a
// warning. A job that ran to its end said so in its summary: nothing more.
void SayJobResult(const BackfillResult& result, JobEvents& events);

}  // namespace phase4::backfill
