// The work queue in `phase4 status` (doc/scale-out.md): the live workers
// (host, pid, the unit each holds and for how long, its last heartbeat) and
// the queue's units per state, as text and as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "warehouse/work_queue.h"

namespace phase4::scaleout {

struct QueueStatus {
  QueueCounts counts;
  std::vector<WorkerInfo> workers;
};

// Reads both from the queue.
Result<QueueStatus> ReadQueueStatus(WorkQueue& queue);

// Lines for the terminal: the units per state, then a line per live worker
// and how many registered workers have gone silent.
std::string QueueStatusText(const QueueStatus& s);

// {"queue": {"queued", "leased", "expired", "succeeded", "up_to_date",
// "skipped", "failed", "blocked", "fenced"}, "workers": [{"id", "host",
// "pid", "live", "unit": {"job", "date"} | null, "lease_age_seconds",
// "heartbeat_age_seconds", "season", "units_done", "started_at"}]}
nlohmann::ordered_json QueueStatusJson(const QueueStatus& s);

}  // namespace phase4::scaleout
