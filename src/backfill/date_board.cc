#include "backfill/date_board.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace phase4::backfill {

DateBoard::DateBoard(const std::vector<std::string>& jobs) {
  for (const auto& name : jobs) jobs_[name];
}

void DateBoard::Plan(const std::string& job, std::vector<Date> todo) {
  std::lock_guard<std::mutex> lock(mu_);
  Job& j = jobs_.at(job);
  j.planned = true;
  j.todo = std::move(todo);
  std::sort(j.todo.begin(), j.todo.end());
  changed_.notify_all();
}

void DateBoard::Settle(const std::string& job, Date d, bool failed) {
  std::lock_guard<std::mutex> lock(mu_);
  Job& j = jobs_.at(job);
  j.settled.insert(d);
  if (failed) j.failed.insert(d);
  changed_.notify_all();
}

void DateBoard::End(const std::string& job) {
  std::lock_guard<std::mutex> lock(mu_);
  jobs_.at(job).ended = true;
  changed_.notify_all();
}

std::optional<std::string> DateBoard::StateLocked(const std::string& name, const Job& j, Date d) {
  if (j.failed.count(d))
    return fmt::format("upstream {} did not succeed on {}", name, FormatDate(d));
  if (j.planned && !std::binary_search(j.todo.begin(), j.todo.end(), d)) return std::nullopt;
  if (j.settled.count(d)) return std::nullopt;
  if (j.ended) return fmt::format("upstream {} stopped before {}", name, FormatDate(d));
  return std::string();  // not yet
}

std::optional<std::string> DateBoard::WaitForUpstreams(const processors::ProcessorInfo& job, Date d,
                                                       const std::function<bool()>& stopped,
                                                       bool* upstream_ended) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    bool waiting = false;
    for (const auto& up : job.phase4_upstreams) {
      auto it = jobs_.find(up);
      if (it == jobs_.end()) continue;  // not in this run
      std::optional<std::string> state = StateLocked(it->first, it->second, d);
      if (!state) continue;
      if (!state->empty()) {
        if (upstream_ended) *upstream_ended = !it->second.failed.count(d);
        return state;
      }
      waiting = true;
    }
    if (!waiting) return std::nullopt;
    if (stopped && stopped()) return std::string("stop requested");
    // Woken by every settle; the timeout only rechecks `stopped`.
    changed_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

}  // namespace phase4::backfill
