#include "scaleout/queue_status.h"

#include <fmt/format.h>

namespace phase4::scaleout {

Result<QueueStatus> ReadQueueStatus(WorkQueue& queue) {
  QueueStatus s;
  PHASE4_ASSIGN_OR_RETURN(s.counts, queue.Counts());
  PHASE4_ASSIGN_OR_RETURN(s.workers, queue.Workers());
  return s;
}

std::string QueueStatusText(const QueueStatus& s) {
  const QueueCounts& c = s.counts;
  std::string out = fmt::format(
      "Work queue: {} queued, {} leased, {} expired leases (claimable again); settled: {} "
      "succeeded, {} up to date, {} skipped, {} failed, {} blocked; {} late commits refused "
      "(fenced)\n",
      c.queued, c.leased, c.expired, c.succeeded, c.up_to_date, c.skipped, c.failed, c.blocked,
      c.fenced);
  int live = 0;
  for (const WorkerInfo& w : s.workers) live += w.live;
  const int gone = static_cast<int>(s.workers.size()) - live;
  out += fmt::format(
      "Workers: {} live{}\n", live,
      gone ? fmt::format(" ({} registered but silent for longer than their lease)", gone)
           : std::string());
  if (!live) return out;
  out += fmt::format("  {:>6}  {:<20} {:>8}  {:<40} {:>9}  {:>9}  {:>5}\n", "worker", "host", "pid",
                     "unit", "lease age", "heartbeat", "units");
  for (const WorkerInfo& w : s.workers) {
    if (!w.live) continue;
    const std::string unit = w.unit_date
                                 ? fmt::format("{} {}", w.unit_job, FormatDate(*w.unit_date))
                                 : std::string("(none)");
    out += fmt::format("  {:>6}  {:<20} {:>8}  {:<40} {:>9}  {:>9}  {:>5}\n", w.id, w.host, w.pid,
                       unit, w.unit_date ? fmt::format("{:.1f} s", w.lease_age_seconds) : "-",
                       fmt::format("{:.1f} s", w.heartbeat_age_seconds), w.units_done);
  }
  return out;
}

nlohmann::ordered_json QueueStatusJson(const QueueStatus& s) {
  const QueueCounts& c = s.counts;
  nlohmann::ordered_json j;
  j["queue"] = {{"queued", c.queued},       {"leased", c.leased},         {"expired", c.expired},
                {"succeeded", c.succeeded}, {"up_to_date", c.up_to_date}, {"skipped", c.skipped},
                {"failed", c.failed},       {"blocked", c.blocked},       {"fenced", c.fenced}};
  j["workers"] = nlohmann::ordered_json::array();
  for (const WorkerInfo& w : s.workers) {
    nlohmann::ordered_json unit = nullptr;
    if (w.unit_date) unit = {{"job", w.unit_job}, {"date", FormatDate(*w.unit_date)}};
    j["workers"].push_back({{"id", w.id},
                            {"host", w.host},
                            {"pid", w.pid},
                            {"live", w.live},
                            {"unit", unit},
                            {"lease_age_seconds", w.unit_date ? w.lease_age_seconds : 0.0},
                            {"heartbeat_age_seconds", w.heartbeat_age_seconds},
                            {"season", w.season},
                            {"units_done", w.units_done},
                            {"started_at", w.started_at}});
  }
  return j;
}

}  // namespace phase4::scaleout
