// How a plan (ledger/plan.h) is shown: `phase4 plan`, and every `--dry-run`
// of `backfill` and `run-all`, print the same text; `--json` prints one
// JSON object (doc/ledger.md, "Plans").
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "ledger/plan.h"

namespace phase4::backfill {

// Per job: the counts, then each unit that is not up to date with its
// reason (at most `max_listed` per job and state; 0 lists none), then the
// estimated time.
void PrintPlan(const ledger::Plan& plan, Date start, Date end, std::FILE* out,
               size_t max_listed = 20);

// {"job", "order", "up_to_date", "missing", "failed", "stale", "blocked",
// "skipped"}: a job's counts in a plan (`plan --json`, `report --json`).
nlohmann::ordered_json JobPlanCountsJson(const ledger::JobPlan& jp);

// {"start_date", "end_date", "estimated_seconds", "jobs": [{"job", "order",
// "up_to_date", "missing", "failed", "stale", "blocked", "skipped",
// "estimated_seconds", "units": [{"date", "state", "reason"}...]}]}; the
// units listed are those not up to date.
std::string PlanJson(const ledger::Plan& plan, Date start, Date end);

// OK when no unit is failed or blocked, else kIncomplete saying how many
// are (the exit code of `plan` and of every --dry-run follows from it).
Status PlanStatus(const ledger::Plan& plan);

}  // namespace phase4::backfill
