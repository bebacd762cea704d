// A worker's heartbeat: a thread that, every third of the lease, tells the
// work queue the worker is alive (for `phase4 status`) and extends the
// lease of the claim it holds, on a connection of its own, so that a long
// unit never loses its claim while the worker works. When the process
// stops (SIGSTOP, a stalled machine) the heartbeat stops with it and the
// lease runs out: the unit becomes claimable by others, and the stopped
// worker's commit is refused by the claim's fencing token once another
// worker has taken it (work_queue.h).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "scaleout/worker_log.h"
#include "warehouse/work_queue.h"

namespace phase4::scaleout {

class LeaseKeeper {
 public:
  LeaseKeeper(std::unique_ptr<WorkQueue> queue, int64_t worker, double lease_seconds,
              WorkerLog& log);
  ~LeaseKeeper();  // stops the thread
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // From now on the claim of `token` is renewed; Drop() stops that.
  void Hold(const Claim& claim);
  void Drop();
  // What the next heartbeats report.
  void Report(const WorkerActivity& activity);
  // A renewal found the held claim no longer the token's (taken over).
  bool lost() const { return lost_; }

 private:
  void Loop();

  std::unique_ptr<WorkQueue> queue_;
  const int64_t worker_;
  const double lease_seconds_;
  WorkerLog& log_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::optional<Claim> held_;
  WorkerActivity activity_;
  std::atomic<bool> lost_{false};
  std::thread thread_;
};

}  // namespace phase4::scaleout
