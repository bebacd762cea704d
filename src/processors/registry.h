// The processor registry: every Phase 4 processor (ProcessorInfo: name,
// execution order, output table, inputs, upstreams). The job layer, the
// orchestrator, the ledger, the CLI and the warehouse's table list
// (Phase4Tables()) all derive from it.
//
// The processors of this repository are listed in registry.cc, one line
// each. Code outside src/ (a test binary) registers more with
// PHASE4_REGISTER_PROCESSOR at namespace scope, or RegisterProcessor before
// the registry is first read; doc/processors.md, "Adding a processor".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "processors/common/processor.h"

namespace phase4::processors {

// A function returning a processor's one static ProcessorInfo.
using ProcessorInfoFn = const ProcessorInfo& (*)();

// Adds a processor. The function is called when the registry is next read,
// not now, so a registration may run during static initialisation. Not
// thread-safe against a concurrent reader: register before a run starts.
// The registry aborts on a processor that repeats a name or an order, or
// whose upstreams are not registered with a lower order.
void RegisterProcessor(ProcessorInfoFn info);

// Registers `info_fn` (an unqualified function name in scope) when the
// program starts.
#define PHASE4_REGISTER_PROCESSOR(info_fn)                         \
  [[maybe_unused]] static const bool phase4_registered_##info_fn = \
      (::phase4::processors::RegisterProcessor(&info_fn), true)

// Every processor, in execution order (PHASE4-BACKFILL-JOBS.md).
const std::vector<const ProcessorInfo*>& AllProcessors();
// The processor with this job name (its output table name, e.g.
// `team_defense_zone_analysis`; the dataset-qualified table name is accepted
// too), or nullptr.
const ProcessorInfo* FindProcessor(std::string_view name);
// The job names, comma-separated in execution order (for usage messages).
std::string ProcessorNames();

}  // namespace phase4::processors
