// The work queue (work_queue.h) on PostgreSQL: `nba_reference.phase4_claims`
// (one row per unit queued for workers), `nba_reference.phase4_workers`
// (the registry) and their sequences (doc/scale-out.md).
//
// Claims use `SELECT ... FOR UPDATE SKIP LOCKED`, so workers never wait for
// each other's claims. Each unit counts its upstream units of the same
// date still queued or leased (`waiting_on`), lowered by their settlements
// in the same transaction: a claim reads the first entry of an index of
// the runnable units, whatever the length of the queue. Leases are measured by the server's clock
// (now()), so the workers' clocks need not agree. A commit settles the claim first, by an UPDATE
// that matches only while the claim carries the worker's token and lease; the unit's rows and
// ledger record follow in the same transaction, which is rolled back when the UPDATE matched
// nothing.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "warehouse/postgres_warehouse.h"
#include "warehouse/work_queue.h"

namespace phase4 {

// The statements that create the queue's tables (idempotent), run by
// PostgresWarehouse::Init.
const std::vector<std::string>& WorkQueueDdl();

class PostgresWorkQueue final : public WorkQueue {
 public:
  explicit PostgresWorkQueue(std::unique_ptr<PostgresWarehouse> db) : db_(std::move(db)) {}

  Status Enqueue(const QueueBatch& batch, const std::vector<QueuedUnit>& units) override;
  Result<int64_t> RegisterWorker(const WorkerIdentity& who, double lease_seconds) override;
  Status DeregisterWorker(int64_t worker) override;
  Result<std::optional<Claim>> ClaimNext(int64_t worker, double lease_seconds,
                                         const Affinity& prefer) override;
  Result<bool> Renew(int64_t worker, std::optional<int64_t> token, double lease_seconds,
                     const WorkerActivity& activity) override;
  Status Release(const Claim& claim) override;
  Result<CommitResult> Commit(const Claim& claim, const Settlement& settlement,
                              const TableSchema* table, const std::vector<Row>& rows,
                              const std::vector<Warehouse::ExtraRow>& also) override;
  Status Recount() override;
  Result<QueueCounts> Counts() override;
  Result<std::vector<WorkerInfo>> Workers() override;
  Result<std::vector<SettledUnit>> SettledSince(const std::string& batch,
                                                int64_t after_sequence) override;

 private:
  // One claim attempt: the first runnable unit that `where` selects, in
  // `order`; the parameters after the worker and the lease are `extra`.
  Result<std::optional<Claim>> ClaimWhere(int64_t worker, double lease_seconds,
                                          const std::string& where, const std::string& order,
                                          const std::vector<std::optional<std::string>>& extra);
  // Without affinity: claims in the season with `runnable` units that the
  // fewest other live workers hold, and says so in the registry.
  Result<std::optional<Claim>> ClaimInQuietSeason(int64_t worker, double lease_seconds,
                                                  const std::string& runnable);
  // After a refused commit: counts it on the unit and says who holds it.
  Result<std::string> RecordFenced(const Claim& claim);

  std::unique_ptr<PostgresWarehouse> db_;
  // When ClaimNext looks for expired leases first again.
  std::chrono::steady_clock::time_point next_expiry_check_{};
};

}  // namespace phase4
