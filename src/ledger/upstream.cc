#include "ledger/upstream.h"

#include <fmt/format.h>

#include "ledger/ledger.h"
#include "processors/registry.h"

namespace phase4::ledger {

Result<std::map<std::string, std::string, std::less<>>> UpstreamFingerprints(
    Warehouse& wh, const processors::ProcessorInfo& job, Date d, std::string* blocked) {
  std::map<std::string, std::string, std::less<>> out;
  for (const auto& up : job.phase4_upstreams) {
    const processors::ProcessorInfo* u = processors::FindProcessor(up);
    if (!u) return Status::FailedPrecondition("unknown upstream processor " + up);
    PHASE4_ASSIGN_OR_RETURN(std::optional<UnitRecord> r, ReadUnit(wh, *u, d));
    if (r && r->state == UnitState::kSucceeded) out[up] = r->output_fingerprint;
    if (blocked && blocked->empty() && r &&
        (r->state == UnitState::kFailed || r->state == UnitState::kBlocked))
      *blocked = fmt::format("upstream {} is {} on {}: {}", up, UnitStateName(r->state),
                             FormatDate(d), r->last_error);
  }
  return out;
}

}  // namespace phase4::ledger
