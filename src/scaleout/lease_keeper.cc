#include "scaleout/lease_keeper.h"

#include <fmt/format.h>

#include <chrono>

namespace phase4::scaleout {

LeaseKeeper::LeaseKeeper(std::unique_ptr<WorkQueue> queue, int64_t worker, double lease_seconds,
                         WorkerLog& log)
    : queue_(std::move(queue)), worker_(worker), lease_seconds_(lease_seconds), log_(log) {
  thread_ = std::thread([this] { Loop(); });
}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LeaseKeeper::Hold(const Claim& claim) {
  std::lock_guard<std::mutex> lock(mu_);
  held_ = claim;
  lost_ = false;
}

void LeaseKeeper::Drop() {
  std::lock_guard<std::mutex> lock(mu_);
  held_.reset();
}

void LeaseKeeper::Report(const WorkerActivity& activity) {
  std::lock_guard<std::mutex> lock(mu_);
  activity_ = activity;
}

void LeaseKeeper::Loop() {
  // A third of the lease: two renewals may fail (a slow statement, a
  // server restart) before the lease runs out.
  const auto interval = std::chrono::duration<double>(lease_seconds_ / 3);
  bool failing = false;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, interval, [this] { return stop_; });
    if (stop_) break;
    const std::optional<Claim> held = held_;
    const WorkerActivity activity = activity_;
    lock.unlock();
    auto renewed = queue_->Renew(worker_, held ? std::optional<int64_t>(held->token) : std::nullopt,
                                 lease_seconds_, activity);
    lock.lock();
    if (!renewed.ok()) {
      // The next statement reconnects; the lease holds for two more tries.
      if (!failing) log_.Warn("cannot renew the lease: " + renewed.status().message());
      failing = true;
      continue;
    }
    if (failing) log_.Info("the heartbeat reaches the warehouse again");
    failing = false;
    // Only if the claim is still the one held (not dropped meanwhile).
    if (held && !*renewed && held_ && held_->token == held->token && !lost_) {
      lost_ = true;
      log_.Warn(
          fmt::format("the lease of {} {} (token {}) was lost: another worker took the unit "
                      "over after it expired; this worker's commit of it will be refused",
                      held->job, FormatDate(held->date), held->token));
    }
  }
}

}  // namespace phase4::scaleout
