// The plan of a run: for every unit (job, game date) of a range, whether it
// is up to date or what a run would do with it, and why. `phase4 plan`,
// every `--dry-run` and every run start from it (doc/ledger.md, "Plans").
//
// A unit is
//  * up to date: it succeeded and its inputs' fingerprint is unchanged;
//  * missing: never settled (or skipped/blocked before, computable now);
//  * failed: its last attempt failed; the run retries it;
//  * stale: it succeeded, but an input changed since (the reason names the
//    Phase 3 table and dates, the upstream job, or the code version);
//  * blocked: a Phase 3 input of decision 16 is missing, or an upstream unit
//    of the same date cannot succeed in this run;
//  * skipped: a bootstrap date (decision 3); nothing to compute.
// What the run itself will produce upstream counts as available.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "calendar/season_calendar.h"
#include "common/status.h"
#include "ledger/fingerprint.h"
#include "ledger/ledger.h"
#include "processors/common/processor.h"
#include "warehouse/warehouse.h"

namespace phase4::ledger {

enum class UnitAction { kUpToDate, kMissing, kFailed, kStale, kBlocked, kSkipped };
std::string_view UnitActionName(UnitAction a);

struct UnitPlan {
  Date date{};
  UnitAction action = UnitAction::kMissing;
  std::string reason;  // why not up to date (empty when it is)
  // Stale only because an upstream unit of this run will be computed: the
  // run compares fingerprints again once that unit's new rows are written,
  // and computes this one only if they changed (early cut-off).
  bool upstream_pending = false;
  std::optional<UnitRecord> record;  // the ledger's row, if any
};

struct JobPlan {
  const processors::ProcessorInfo* job = nullptr;
  std::vector<UnitPlan> units;  // one per game date of the range
  int up_to_date = 0, missing = 0, failed = 0, stale = 0, blocked = 0, skipped = 0;
  double estimated_seconds = 0;
  // The units a run settles: every one but the up-to-date units (and the
  // bootstrap dates already recorded as skipped).
  std::vector<const UnitPlan*> Todo() const;
  const UnitPlan* Find(Date d) const;
};

struct PlanRequest {
  std::vector<Date> dates;         // game dates, ascending
  std::set<std::string> run_jobs;  // the jobs the run will run
  bool recompute_all = false;      // --no-resume / --dates: every unit is to compute
  bool all_jobs = false;           // report every job, not only the run's (status)
  // Leave the refreshed Phase 3 digests in Plan::unstored_digests for the
  // caller to store (run-all: once the check of their files passed, so the
  // plan overlaps the check); else they are stored before MakePlan returns.
  bool defer_digest_store = false;
};

struct Plan {
  std::vector<JobPlan> jobs;  // the run's jobs, in execution order
  // The Phase 3 digests the plan compared with; a run fingerprints the units
  // it computes from the same.
  std::shared_ptr<const InputFingerprinter> fingerprinter;
  int64_t digests_refreshed = 0;
  // With PlanRequest::defer_digest_store: the digests the plan used that are
  // not stored yet (StoreDigestRefresh).
  std::optional<DigestRefresh> unstored_digests;
  double estimated_seconds = 0;
  const JobPlan* Find(std::string_view job) const;
};

// Refreshes the Phase 3 digests, reads the ledger and plans every job of
// the registry (the others too: their units decide what the run's jobs may
// read), returning the run's jobs.
Result<Plan> MakePlan(Warehouse& wh, const SeasonCalendar& calendar, const PlanRequest& request);

// Decision 16 for (job, d) from the digests: empty when the Phase 3 inputs
// are present, else the error the dependency check would give.
std::string MissingPhase3(const InputFingerprinter& fp, const SeasonCalendar& calendar,
                          const processors::ProcessorInfo& job, Date d);

// Why a succeeded unit is stale (empty when it is not): compares its
// recorded input parts with `now`, naming the changed Phase 3 dates.
std::string StaleReason(const InputFingerprinter& fp, const UnitRecord& record,
                        const InputFingerprint& now);

}  // namespace phase4::ledger
