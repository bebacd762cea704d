// run-all (decision 21): every backfill job over one range, in the order the
// processors' declared upstreams impose. Jobs whose upstreams are all done
// run concurrently (today: #1 and #2), the rest in order; each job is a
// child `phase4 backfill` process whose output lines are prefixed with the
// job. The chain stops when a job exits non-zero; SIGINT/SIGTERM stop the
// children and print how to resume with --start-from.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "processors/common/processor.h"

namespace phase4 {

// The processors grouped into stages: a processor's stage is one more than
// the latest stage of its upstreams; processors of one stage run together.
std::vector<std::vector<const processors::ProcessorInfo*>> ExecutionStages();

struct RunAllOptions {
  Date start{}, end{};
  bool dry_run = false;
  bool no_resume = false;
  int start_from = 1;  // processor number (execution order) to start from
  int bootstrap_days = 7;
  std::string checkpoint_dir;
  std::string warehouse;                              // passed to the children as --warehouse
  std::string self_exe;                               // the phase4 binary to run the jobs with
  const std::atomic<int>* signal_received = nullptr;  // set by the caller's signal handler
};

int RunAll(const RunAllOptions& options, std::FILE* out);

}  // namespace phase4
