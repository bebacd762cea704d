// The work queue of `phase4 worker` (doc/scale-out.md): the units a run
// recorded for workers on any machine, their claims (leases and fencing
// tokens) and the registry of the workers. Only a server warehouse has one
// (Warehouse::OpenWorkQueue): the claims must be handed out by the one
// database every worker reaches.
//
// A unit's claim row lives beside the ledger, not in it (ledger rows are
// written with the unit's rows; claim rows change on every claim, renewal
// and settlement). A claim is a lease with a fencing token: the worker
// renews the lease while it computes, and its commit (rows, ledger record
// and settlement, one transaction) succeeds only while the claim still
// carries its token. A lease that is not renewed expires and the unit can
// be claimed again with a new token, so a worker presumed dead can never
// write over the unit's new holder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4 {

// A claim's lease unless --lease-seconds says otherwise: long enough for a
// season load on a busy machine (the heartbeat renews it every third).
inline constexpr double kDefaultLeaseSeconds = 30;
// Claims of a unit before it stays failed, unless --max-attempts says.
inline constexpr int kDefaultMaxAttempts = 3;

// A unit recorded for the workers.
struct QueuedUnit {
  std::string job;
  Date date{};
  int job_order = 0;
  // Jobs whose unit of the same date, when queued, must be settled first.
  std::vector<std::string> upstreams;
  // Planned only because an upstream unit is recomputed: the worker
  // compares its fingerprint again before computing it (early cut-off).
  bool recheck = false;
};

// What the units of one enqueue share.
struct QueueBatch {
  std::string id;  // names the run that recorded them
  int bootstrap_days = 0;
  int max_attempts = kDefaultMaxAttempts;  // claims of a unit before it stays failed
};

// A unit a worker holds.
struct Claim {
  std::string job;
  Date date{};
  int64_t token = 0;  // the fencing token: the commit succeeds only while the claim carries it
  int attempt = 0;    // 1 for the unit's first claim of its batch
  int max_attempts = 0;
  bool recheck = false;
  std::string batch;
  int bootstrap_days = 0;
  std::string last_error;  // why the previous attempt failed, if it did
};

// How a claimed unit ended.
enum class ClaimOutcome { kSucceeded, kUpToDate, kSkipped, kFailed, kBlocked };
std::string_view ClaimOutcomeName(ClaimOutcome o);
std::optional<ClaimOutcome> ParseClaimOutcome(std::string_view name);

struct Settlement {
  ClaimOutcome outcome = ClaimOutcome::kSucceeded;
  int64_t rows = 0;
  std::string error;
  // A failed unit with attempts left goes back to the queue, claimable
  // again after `retry_after_seconds`; otherwise it is settled for good.
  bool retry = false;
  double retry_after_seconds = 0;
};

// What a commit did: written, or refused because the claim has moved on
// (its lease expired and another worker claimed the unit, or it settled).
struct CommitResult {
  bool fenced = false;
  std::string detail;  // when fenced: who holds the unit now
};

// Who a worker is, for the registry and `phase4 status`.
struct WorkerIdentity {
  std::string host;
  int64_t pid = 0;
  std::string command;
};

// What a worker reports with each heartbeat.
struct WorkerActivity {
  int season = 0;  // the season whose inputs it holds (0: none)
  std::string job;
  int64_t units_done = 0;
};

// A registered worker, as the registry and its claim say.
struct WorkerInfo {
  int64_t id = 0;
  std::string host;
  int64_t pid = 0;
  double heartbeat_age_seconds = 0;
  double lease_seconds = 0;
  bool live = false;  // heard from within its lease
  int season = 0;
  int64_t units_done = 0;
  std::string started_at;
  // The unit it holds, if any, and how long it has held it.
  std::string unit_job;
  std::optional<Date> unit_date;
  double lease_age_seconds = 0;
};

// Units of the queue per state.
struct QueueCounts {
  int64_t queued = 0;   // waiting (runnable or not yet)
  int64_t leased = 0;   // held by a worker whose lease runs
  int64_t expired = 0;  // leased, the lease expired: claimable again
  int64_t succeeded = 0, up_to_date = 0, skipped = 0, failed = 0, blocked = 0;  // settled
  int64_t fenced = 0;  // late commits refused since the units were queued
  // Settled failed or blocked and still so in the ledger.
  int64_t failed_or_blocked_now = 0;
  bool idle() const { return queued == 0 && leased == 0 && expired == 0; }
};

// A unit settled, as run-all follows its batch.
struct SettledUnit {
  int64_t sequence = 0;  // grows with every settlement
  std::string job;
  Date date{};
  ClaimOutcome outcome = ClaimOutcome::kSucceeded;
  int64_t rows = 0;
  std::string error;
};

class WorkQueue {
 public:
  virtual ~WorkQueue() = default;

  // Records `units` as queued in `batch`. A unit settled before is queued
  // again with a fresh count of attempts; a unit queued or leased stays as
  // it is and joins the batch.
  virtual Status Enqueue(const QueueBatch& batch, const std::vector<QueuedUnit>& units) = 0;

  // Registers a worker (removing registry rows silent for a day) and
  // returns its id; Deregister removes it on a clean exit.
  virtual Result<int64_t> RegisterWorker(const WorkerIdentity& who, double lease_seconds) = 0;
  virtual Status DeregisterWorker(int64_t worker) = 0;

  // Where a worker's loaded inputs are: it takes a unit of the same season
  // and job next, else of the same season, else any.
  struct Affinity {
    int season = 0;  // 0: none loaded
    std::string job;
  };
  // Claims the next runnable unit (its upstream units of the same date
  // settled): an expired lease first, then by affinity, earliest date
  // first; without one, in the season that the fewest other live workers
  // hold (the worker's registry row then says it holds that season).
  // nullopt when none is runnable now. Rows other workers are claiming are
  // skipped, not waited for.
  virtual Result<std::optional<Claim>> ClaimNext(int64_t worker, double lease_seconds,
                                                 const Affinity& prefer) = 0;
  // The worker's heartbeat, and the lease of `token` (when held) extended
  // by `lease_seconds`: false when the claim is no longer the token's.
  virtual Result<bool> Renew(int64_t worker, std::optional<int64_t> token, double lease_seconds,
                             const WorkerActivity& activity) = 0;
  // Gives an unsettled claim back (the warehouse failed, the worker stops):
  // claimable at once, the attempt not counted. Nothing when it moved on.
  virtual Status Release(const Claim& claim) = 0;
  // Settles the claim with its unit's writes, in one transaction: `rows`
  // replace the rows of `table` for the claim's date (when `table` is set)
  // and `also` (the ledger record) are written. It commits only while the
  // claim still carries its token; otherwise nothing is written, the late
  // commit is counted on the unit, and the result says fenced.
  virtual Result<CommitResult> Commit(const Claim& claim, const Settlement& settlement,
                                      const TableSchema* table, const std::vector<Row>& rows,
                                      const std::vector<Warehouse::ExtraRow>& also) = 0;

  // Counts again what every unsettled unit waits for. The counts follow
  // every enqueue and settlement; a worker that finds units queued and none
  // runnable or leased recounts, in case they ever drifted.
  virtual Status Recount() = 0;
  virtual Result<QueueCounts> Counts() = 0;
  // Every registered worker, live ones first.
  virtual Result<std::vector<WorkerInfo>> Workers() = 0;
  // The units of `batch` settled after `after_sequence`, in order.
  virtual Result<std::vector<SettledUnit>> SettledSince(const std::string& batch,
                                                        int64_t after_sequence) = 0;
};

}  // namespace phase4
