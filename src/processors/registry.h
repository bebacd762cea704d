// The one place processors are registered: name, execution order, output
// table, inputs and upstreams (ProcessorInfo). The job layer, the
// orchestrator and the CLI find processors here; adding a processor is one
// line in registry.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "processors/common/processor.h"

namespace phase4::processors {

// Every processor, in execution order (PHASE4-BACKFILL-JOBS.md).
const std::vector<const ProcessorInfo*>& AllProcessors();
// The processor with this job name (its output table name, e.g.
// `team_defense_zone_analysis`; the dataset-qualified table name is accepted
// too), or nullptr.
const ProcessorInfo* FindProcessor(std::string_view name);
// The job names, comma-separated in execution order (for usage messages).
std::string ProcessorNames();

}  // namespace phase4::processors
