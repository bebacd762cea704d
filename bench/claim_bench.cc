// The work queue's own cost (doc/scale-out.md, doc/benchmarks.md [8]): how
// long a claim and a commit take when a unit does no work at all, and how
// many claims per second the server hands out to many workers at once.
//
//   phase4_claim_bench URI [--workers N] [--days D]
//
// URI is a PostgreSQL warehouse after `phase4 init` (its queue is emptied
// first). D consecutive days from 2000-10-01 (default 845, the default
// backfill's game dates) are queued with the five jobs each, with the jobs'
// real upstreams, so each claim waits for its date's upstream units as in a
// backfill. N workers (threads, each with its own connections, as separate
// processes would have) claim and commit units as fast as they can, each
// commit settling its claim with no rows, until the queue is empty. A
// one-worker pass comes first: its claim and commit times per unit are the
// queue's overhead on a unit, without contention.
//
// Output:
//   claim_overhead workers=1 units=<n> claim_ms=<ms> commit_ms=<ms>
//   claim_throughput workers=<N> units=<n> seconds=<s> claims_per_s=<r>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "calendar/date.h"
#include "processors/registry.h"
#include "warehouse/warehouse.h"
#include "warehouse/work_queue.h"

namespace {

using namespace phase4;
using Clock = std::chrono::steady_clock;

int Fail(const std::string& what, const Status& s) {
  std::fprintf(stderr, "claim_bench: %s: %s\n", what.c_str(), s.message().c_str());
  return 1;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Pass {
  int64_t units = 0;
  double seconds = 0, claim_seconds = 0, commit_seconds = 0;
  Status status;
};

// `workers` threads claim and commit until nothing is left.
Pass Drain(Warehouse& wh, int workers) {
  Pass pass;
  std::atomic<int64_t> units{0};
  std::atomic<int64_t> claim_ns{0}, commit_ns{0};
  std::vector<Status> errors(static_cast<size_t>(workers));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int w = 0; w < workers; ++w)
    threads.emplace_back([&, w] {
      Status& error = errors[static_cast<size_t>(w)];
      auto queue = wh.OpenWorkQueue();
      if (!queue.ok()) {
        error = queue.status();
        return;
      }
      auto id = (*queue)->RegisterWorker({"bench", w, "phase4_claim_bench"}, 30);
      if (!id.ok()) {
        error = id.status();
        return;
      }
      int idle = 0;
      WorkQueue::Affinity affinity;  // as a worker keeps it: its last unit's
      while (true) {
        const auto t0 = Clock::now();
        auto claim = (*queue)->ClaimNext(*id, 30, affinity);
        const auto t1 = Clock::now();
        if (!claim.ok()) {
          error = claim.status();
          return;
        }
        if (!*claim) {
          // Another worker holds the units this date waits for, or the
          // queue is empty.
          auto counts = (*queue)->Counts();
          if (!counts.ok() || counts->idle() || ++idle > 10000) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          continue;
        }
        idle = 0;
        affinity = {SeasonYearOf((*claim)->date), (*claim)->job};
        auto done =
            (*queue)->Commit(**claim, {ClaimOutcome::kSkipped, 0, "", false, 0}, nullptr, {}, {});
        const auto t2 = Clock::now();
        if (!done.ok()) {
          error = done.status();
          return;
        }
        claim_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
        commit_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(t2 - t1).count();
        ++units;
      }
      (void)(*queue)->DeregisterWorker(*id);
    });
  for (auto& t : threads) t.join();
  pass.seconds = Seconds(Clock::now() - start);
  pass.units = units;
  pass.claim_seconds = static_cast<double>(claim_ns) / 1e9;
  pass.commit_seconds = static_cast<double>(commit_ns) / 1e9;
  for (const Status& e : errors)
    if (!e.ok()) pass.status = e;
  return pass;
}

// Empties the queue and queues `days` days of the five jobs.
Status Fill(Warehouse& wh, int days) {
  auto queue = wh.OpenWorkQueue();
  if (!queue.ok()) return queue.status();
  // Every unit settled first, then queued afresh: the queue's rows are
  // reused, as a later run reuses them.
  std::vector<QueuedUnit> units;
  const Date first = *ParseDate("2000-10-01");
  for (int i = 0; i < days; ++i)
    for (const auto* p : processors::AllProcessors())
      units.push_back(
          {p->name, first + std::chrono::days{i}, p->order, p->phase4_upstreams, false});
  return (*queue)->Enqueue({"claim_bench", 0, 3}, units);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: phase4_claim_bench URI [--workers N] [--days D]\n");
    return 64;
  }
  const std::string uri = argv[1];
  int workers = 16, days = 845;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--workers")
      workers = std::atoi(argv[i + 1]);
    else if (flag == "--days")
      days = std::atoi(argv[i + 1]);
  }
  if (workers < 1 || days < 1) {
    std::fprintf(stderr, "claim_bench: --workers and --days must be positive\n");
    return 64;
  }
  auto wh = Warehouse::Open(uri, /*create=*/false);
  if (!wh.ok()) return Fail("opening " + uri, wh.status());
  for (int n : {1, workers}) {
    if (Status s = Fill(**wh, days); !s.ok()) return Fail("queueing", s);
    Pass pass = Drain(**wh, n);
    if (!pass.status.ok()) return Fail("draining", pass.status);
    if (pass.units == 0) return Fail("draining", Status::IoError("no unit was claimed"));
    const double per = 1000.0 / static_cast<double>(pass.units);
    if (n == 1)
      std::printf("claim_overhead workers=1 units=%lld claim_ms=%.3f commit_ms=%.3f\n",
                  static_cast<long long>(pass.units), pass.claim_seconds * per,
                  pass.commit_seconds * per);
    else
      std::printf("claim_throughput workers=%d units=%lld seconds=%.2f claims_per_s=%.0f\n", n,
                  static_cast<long long>(pass.units), pass.seconds,
                  static_cast<double>(pass.units) / pass.seconds);
  }
  return 0;
}
