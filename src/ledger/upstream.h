// The output fingerprints of a unit's upstream units (the same job's
// upstream jobs on the same date), as the ledger has them: part of the
// unit's input fingerprint. Shared by backfill jobs, workers and live runs.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "calendar/date.h"
#include "common/status.h"
#include "processors/common/processor.h"
#include "warehouse/warehouse.h"

namespace phase4::ledger {

// Upstream job name -> output fingerprint of its succeeded unit on `d`
// (upstreams without a succeeded unit are absent). When `blocked` is given,
// it is set to why the first upstream unit recorded failed or blocked on
// `d` keeps this unit from being computed (left empty when none is).
Result<std::map<std::string, std::string, std::less<>>> UpstreamFingerprints(
    Warehouse& wh, const processors::ProcessorInfo& job, Date d, std::string* blocked = nullptr);

}  // namespace phase4::ledger
