// One unit's work short of its write: decide the unit (bootstrap, blocked,
// up to date) or compute and finish its rows, then the ledger record that
// settles it. A backfill job (backfill_job.h) and a `phase4 worker`
// (scaleout/worker.h) share it; each writes the result its own way: the
// job in date order on its writing thread, the worker in a commit fenced
// by its claim.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backfill/job_events.h"
#include "calendar/season_calendar.h"
#include "common/status.h"
#include "ledger/fingerprint.h"
#include "ledger/plan.h"
#include "live/run_history.h"
#include "processors/common/processor.h"
#include "warehouse/warehouse.h"

namespace phase4::execution {
class InputReader;
}  // namespace phase4::execution

namespace phase4::backfill {

class UpstreamRows;

// What a unit's processing produced.
enum class PreparedOutcome { kSuccess, kUpToDate, kSkippedBootstrap, kFailed, kBlocked };

// A unit computed and ready to write (kSuccess), or already decided.
struct PreparedUnit {
  Date date{};
  PreparedOutcome kind = PreparedOutcome::kFailed;
  std::vector<Row> rows;  // finished rows, for kSuccess
  // When the date had rows stored (an earlier run's): which of `rows` came
  // out the same (they carry the stored run-time cells) and which stored
  // rows are gone, so that only the changes are written.
  std::optional<DateDelta> delta;
  std::string error;      // kFailed / kBlocked: why
  std::string started_at;
  // Failed because the warehouse's storage failed, not the date's data: the
  // unit is not recorded (a run stops; a worker gives its claim back).
  bool storage = false;
  ledger::InputFingerprint input;
  // Of `rows`, taken while preparing: a backfill's writing thread is the
  // pipeline's narrow part, so it only writes.
  std::string output_fingerprint;
  double seconds = 0;  // computing it
  const ledger::UnitPlan* unit = nullptr;
};

class UnitWork {
 public:
  // `held`: upstream rows an in-process run-all holds in memory (may be null).
  UnitWork(const processors::ProcessorInfo& info, const SeasonCalendar& calendar,
           const ledger::InputFingerprinter& fingerprinter,
           const UpstreamRows* held = nullptr)
      : info_(info), calendar_(calendar), fingerprinter_(fingerprinter), held_(held) {}

  // Decides `unit` on the reading connection: bootstrap, blocked (`refused`
  // when set, decision 16, or an upstream unit that did not succeed), up to
  // date (a recheck whose inputs' fingerprint is the recorded one), or
  // computed and finished (data_hash, rounding, processed_at). Writes
  // nothing.
  PreparedUnit Prepare(const ledger::UnitPlan& unit, Warehouse& read_wh,
                       execution::InputReader& reader, const std::string& refused) const;

  const processors::ProcessorInfo& info() const { return info_; }

 private:
  const processors::ProcessorInfo& info_;
  const SeasonCalendar& calendar_;
  const ledger::InputFingerprinter& fingerprinter_;
  const UpstreamRows* held_;
};

// The ledger record of a settled unit of `job`, continuing the recorded one
// (p.unit's).
ledger::UnitRecord SettledRecord(const processors::ProcessorInfo& job, const PreparedUnit& p,
                                 ledger::UnitState state, const std::string& run_id);
// The record of a computed unit, with its rows' fingerprints.
ledger::UnitRecord SucceededRecord(const processors::ProcessorInfo& job, const PreparedUnit& p,
                                   const std::string& run_id);
// The run history's row of the unit's run (decision 24): a backfill run;
// `extra_options` (`,"key":value...`) join its options.
live::RunInfo HistoryRun(const processors::ProcessorInfo& job, const PreparedUnit& p,
                         const std::string& extra_options = "");

// The run history's status of a unit that was attempted.
std::string_view HistoryStatus(PreparedOutcome kind);

// What a job's units of the range are before it runs: up to date, or
// bootstrap dates already recorded as skipped.
JobTally TallyBefore(const ledger::JobPlan& plan);

}  // namespace phase4::backfill
