// The work queue of `phase4 worker` on a throwaway PostgreSQL server
// (warehouse/work_queue.h, doc/scale-out.md): claims wait for the upstream
// units of their date and never hand one unit to two workers, leases expire
// unless renewed, a late commit after a takeover is refused and counted,
// failed units are retried up to the batch's limit, affinity picks the
// loaded season's units, and SQLite has no queue.
#include "warehouse/work_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "ledger/ledger.h"
#include "pg_server.h"
#include "processors/registry.h"
#include "scaleout/scaleout_support.h"
#include "warehouse/warehouse.h"

namespace phase4::scaleout {
namespace {

using namespace std::chrono_literals;
using processors::FindProcessor;
using testing::PostgresServer;

const processors::ProcessorInfo& Job(const char* name) { return *FindProcessor(name); }

QueuedUnit Unit(const char* job, const char* date) {
  const auto& j = Job(job);
  return {j.name, *ParseDate(date), j.order, j.phase4_upstreams, false};
}

class WorkQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PostgresServer::Get();
    ASSERT_NE(server_, nullptr);
    db_ = server_->NewDatabase();
    auto wh = Warehouse::Open(server_->Uri(db_), /*create=*/true);
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    wh_ = std::move(wh).value();
  }
  std::unique_ptr<WorkQueue> Queue() {
    auto q = wh_->OpenWorkQueue();
    EXPECT_TRUE(q.ok()) << q.status().message();
    return q.ok() ? std::move(q).value() : nullptr;
  }
  int64_t Register(WorkQueue& q, int64_t pid, double lease = 30) {
    auto id = q.RegisterWorker({"host-" + std::to_string(pid), pid, "test"}, lease);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }
  std::optional<Claim> ClaimOne(WorkQueue& q, int64_t worker, double lease = 30,
                                WorkQueue::Affinity prefer = {}) {
    auto c = q.ClaimNext(worker, lease, prefer);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? *c : std::nullopt;
  }
  std::string Sql(const std::string& sql) { return server_->Query(db_, sql); }
  // Settles a claim without rows.
  CommitResult Settle(WorkQueue& q, const Claim& c, ClaimOutcome outcome = ClaimOutcome::kSkipped) {
    auto r = q.Commit(c, {outcome, 0, "", false, 0}, nullptr, {}, {});
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : CommitResult{};
  }

  PostgresServer* server_ = nullptr;
  std::string db_;
  std::unique_ptr<Warehouse> wh_;
};

TEST_F(WorkQueueTest, AUnitIsClaimedOnceAndOnlyAfterItsUpstreamUnitsOfTheDateSettle) {
  auto q = Queue();
  ASSERT_TRUE(q->Enqueue({"b1", 7, 3}, {Unit("player_composite_factors", "2023-11-01"),
                                        Unit("team_defense_zone_analysis", "2023-11-01"),
                                        Unit("player_shot_zone_analysis", "2023-11-01"),
                                        Unit("player_composite_factors", "2023-11-02")})
                  .ok());
  auto a = Queue(), b = Queue(), c = Queue();
  const int64_t wa = Register(*a, 1), wb = Register(*b, 2), wc = Register(*c, 3);
  // Earliest date and job first; #3 waits for #1 and #2 of its date, not
  // for those of another date (2023-11-02 has none queued).
  auto ca = ClaimOne(*a, wa);
  auto cb = ClaimOne(*b, wb);
  auto cc = ClaimOne(*c, wc);
  ASSERT_TRUE(ca && cb && cc);
  EXPECT_EQ(ca->job, "team_defense_zone_analysis");
  EXPECT_EQ(cb->job, "player_shot_zone_analysis");
  EXPECT_EQ(cc->job, "player_composite_factors");
  EXPECT_EQ(FormatDate(cc->date), "2023-11-02");
  EXPECT_FALSE(ClaimOne(*c, wc)) << "2023-11-01's #3 must wait for #1 and #2";
  std::set<int64_t> tokens{ca->token, cb->token, cc->token};
  EXPECT_EQ(tokens.size(), 3u);
  EXPECT_FALSE(Settle(*a, *ca).fenced);
  EXPECT_FALSE(ClaimOne(*c, wc)) << "#2 of the date is still leased";
  EXPECT_FALSE(Settle(*b, *cb).fenced);
  auto last = ClaimOne(*c, wc);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->job, "player_composite_factors");
  EXPECT_EQ(FormatDate(last->date), "2023-11-01");
  EXPECT_EQ(last->attempt, 1);
  EXPECT_EQ(last->batch, "b1");
  EXPECT_EQ(last->bootstrap_days, 7);
  auto counts = q->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->leased, 2);
  EXPECT_EQ(counts->skipped, 2);
  EXPECT_FALSE(counts->idle());
}

TEST_F(WorkQueueTest, AnUpstreamUnitQueuedAgainHoldsItsDateUpAndARecountRepairsTheCounts) {
  auto q = Queue();
  const int64_t w = Register(*q, 1);
  ASSERT_TRUE(q->Enqueue({"b1", 7, 3}, {Unit("team_defense_zone_analysis", "2023-11-01"),
                                        Unit("player_shot_zone_analysis", "2023-11-01"),
                                        Unit("player_composite_factors", "2023-11-01")})
                  .ok());
  for (int i = 0; i < 2; ++i) {
    auto up = ClaimOne(*q, w);
    ASSERT_TRUE(up);
    EXPECT_NE(up->job, "player_composite_factors");
    Settle(*q, *up);
  }
  // A later run queues #1 of the date again before #3 was claimed: #3
  // waits for it once more.
  ASSERT_TRUE(q->Enqueue({"b2", 7, 3}, {Unit("team_defense_zone_analysis", "2023-11-01")}).ok());
  auto again = ClaimOne(*q, w);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->job, "team_defense_zone_analysis");
  EXPECT_FALSE(ClaimOne(*q, w));
  // Counts that drifted (by hand here) are repaired by a recount.
  Sql("UPDATE nba_reference.phase4_claims SET waiting_on = 5 WHERE job = "
      "'player_composite_factors'");
  Settle(*q, *again);
  EXPECT_FALSE(ClaimOne(*q, w));
  ASSERT_TRUE(q->Recount().ok());
  auto last = ClaimOne(*q, w);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->job, "player_composite_factors");
}

TEST_F(WorkQueueTest, ConcurrentWorkersNeverClaimTheSameUnit) {
  auto q = Queue();
  std::vector<QueuedUnit> units;
  for (Date d = *ParseDate("2023-11-01"); d <= *ParseDate("2023-12-31"); d += std::chrono::days{1})
    for (const char* job : {"team_defense_zone_analysis", "player_shot_zone_analysis"})
      units.push_back({job, d, Job(job).order, {}, false});
  ASSERT_TRUE(q->Enqueue({"many", 7, 3}, units).ok());
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<std::pair<std::string, Date>> claimed;
  for (int w = 0; w < 6; ++w)
    threads.emplace_back([&, w] {
      auto mine = Queue();
      const int64_t id = Register(*mine, 100 + w);
      while (auto c = ClaimOne(*mine, id)) {
        Settle(*mine, *c);
        std::lock_guard<std::mutex> lock(mu);
        claimed.emplace_back(c->job, c->date);
      }
    });
  for (auto& t : threads) t.join();
  std::set<std::pair<std::string, Date>> distinct(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed.size(), units.size());
  EXPECT_EQ(distinct.size(), units.size());
  EXPECT_EQ(Sql("SELECT count(*) FROM nba_reference.phase4_claims WHERE commits <> 1"), "0");
  EXPECT_TRUE(q->Counts()->idle());
}

TEST_F(WorkQueueTest, AnExpiredLeaseIsTakenOverAndTheLateCommitIsRefused) {
  auto q = Queue();
  ASSERT_TRUE(q->Enqueue({"b", 7, 3}, {Unit("team_defense_zone_analysis", "2023-11-01")}).ok());
  auto a = Queue(), b = Queue();
  const int64_t wa = Register(*a, 1, 1), wb = Register(*b, 2, 1);
  auto first = ClaimOne(*a, wa, 1.0);
  ASSERT_TRUE(first);
  EXPECT_FALSE(ClaimOne(*b, wb, 1.0)) << "the lease still runs";
  std::this_thread::sleep_for(1200ms);
  auto counts = q->Counts();
  EXPECT_EQ(counts->expired, 1);
  auto second = ClaimOne(*b, wb, 1.0);
  ASSERT_TRUE(second) << "an expired lease is claimable";
  EXPECT_GT(second->token, first->token);
  EXPECT_EQ(second->attempt, 2);
  // The first holder wakes up: its renewal finds the claim gone, and its
  // commit, with its ledger record, is refused and writes nothing.
  auto renewed = a->Renew(wa, first->token, 1.0, {});
  ASSERT_TRUE(renewed.ok());
  EXPECT_FALSE(*renewed);
  ledger::UnitRecord rec;
  rec.job = "team_defense_zone_analysis";
  rec.date = first->date;
  rec.state = ledger::UnitState::kSkipped;
  rec.updated_at = "2026-01-01T00:00:00Z";
  auto row = ledger::UnitRow(Job("team_defense_zone_analysis"), rec);
  ASSERT_TRUE(row.ok());
  auto late = a->Commit(*first, {ClaimOutcome::kSkipped, 0, "", false, 0}, nullptr, {}, {*row});
  ASSERT_TRUE(late.ok()) << late.status().message();
  EXPECT_TRUE(late->fenced);
  EXPECT_NE(late->detail.find("holds it now with token " + std::to_string(second->token)),
            std::string::npos)
      << late->detail;
  auto unit = ledger::ReadUnit(*wh_, Job("team_defense_zone_analysis"), first->date);
  ASSERT_TRUE(unit.ok());
  EXPECT_FALSE(*unit) << "the refused commit wrote the ledger";
  EXPECT_EQ(q->Counts()->fenced, 1);
  // The holder's commit goes through, once.
  EXPECT_FALSE(Settle(*b, *second).fenced);
  EXPECT_TRUE(Settle(*a, *first).fenced);
  EXPECT_EQ(Sql("SELECT commits || ' ' || fenced FROM nba_reference.phase4_claims"), "1 2");
}

TEST_F(WorkQueueTest, RenewalsKeepTheLeaseAndHeartbeatsShowTheWorker) {
  auto q = Queue();
  ASSERT_TRUE(q->Enqueue({"b", 7, 3}, {Unit("team_defense_zone_analysis", "2023-11-01")}).ok());
  auto a = Queue(), b = Queue();
  const int64_t wa = Register(*a, 41, 1), wb = Register(*b, 42, 1);
  auto held = ClaimOne(*a, wa, 1.0);
  ASSERT_TRUE(held);
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(300ms);
    auto renewed = a->Renew(wa, held->token, 1.0, {2023, held->job, 5});
    ASSERT_TRUE(renewed.ok());
    EXPECT_TRUE(*renewed);
    EXPECT_FALSE(ClaimOne(*b, wb, 1.0)) << "a renewed lease is not claimable";
  }
  auto workers = q->Workers();
  ASSERT_TRUE(workers.ok());
  ASSERT_EQ(workers->size(), 2u);
  const WorkerInfo& w = workers->front();  // the live one that holds a unit comes first
  EXPECT_EQ(w.pid, 41);
  EXPECT_EQ(w.host, "host-41");
  EXPECT_TRUE(w.live);
  EXPECT_EQ(w.unit_job, "team_defense_zone_analysis");
  EXPECT_GT(w.lease_age_seconds, 1.5);
  EXPECT_EQ(w.season, 2023);
  EXPECT_EQ(w.units_done, 5);
  EXPECT_FALSE(workers->back().live) << "worker 42 sent no heartbeat for longer than its lease";
  ASSERT_TRUE(q->DeregisterWorker(wa).ok());
  EXPECT_EQ(q->Workers()->size(), 1u);
}

TEST_F(WorkQueueTest, AFailedUnitIsRetriedUpToTheLimitThenStaysFailed) {
  auto q = Queue();
  ASSERT_TRUE(q->Enqueue({"b", 7, 2}, {Unit("team_defense_zone_analysis", "2023-11-01")}).ok());
  const int64_t w = Register(*q, 1);
  auto first = ClaimOne(*q, w);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->max_attempts, 2);
  auto r = q->Commit(*first, {ClaimOutcome::kFailed, 0, "boom", true, 0.3}, nullptr, {}, {});
  ASSERT_TRUE(r.ok() && !r->fenced);
  EXPECT_FALSE(ClaimOne(*q, w)) << "a retry waits for its delay";
  EXPECT_FALSE(q->Counts()->idle());
  std::this_thread::sleep_for(400ms);
  auto second = ClaimOne(*q, w);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->attempt, 2);
  EXPECT_EQ(second->last_error, "boom");
  r = q->Commit(*second, {ClaimOutcome::kFailed, 0, "boom again", false, 0}, nullptr, {}, {});
  ASSERT_TRUE(r.ok() && !r->fenced);
  auto counts = q->Counts();
  EXPECT_TRUE(counts->idle());
  EXPECT_EQ(counts->failed, 1);
  EXPECT_EQ(Sql("SELECT attempts || ' ' || last_error FROM nba_reference.phase4_claims"),
            "2 boom again");
  // Queued again by a later run, it starts its attempts over.
  ASSERT_TRUE(q->Enqueue({"later", 7, 2}, {Unit("team_defense_zone_analysis", "2023-11-01")}).ok());
  auto again = ClaimOne(*q, w);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempt, 1);
  EXPECT_EQ(again->batch, "later");
}

TEST_F(WorkQueueTest, AReleasedClaimIsClaimableAtOnceWithoutUsingAnAttempt) {
  auto q = Queue();
  ASSERT_TRUE(q->Enqueue({"b", 7, 3}, {Unit("team_defense_zone_analysis", "2023-11-01")}).ok());
  const int64_t w = Register(*q, 1);
  auto first = ClaimOne(*q, w);
  ASSERT_TRUE(first);
  // A unit in flight stays with its holder when a later run queues it.
  ASSERT_TRUE(q->Enqueue({"b2", 7, 3}, {Unit("team_defense_zone_analysis", "2023-11-01")}).ok());
  EXPECT_EQ(q->Counts()->leased, 1);
  ASSERT_TRUE(q->Release(*first).ok());
  auto second = ClaimOne(*q, w);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->attempt, 1);
  EXPECT_EQ(second->batch, "b2");
  EXPECT_TRUE(Settle(*q, *first).fenced) << "a released token cannot commit";
  EXPECT_FALSE(Settle(*q, *second).fenced);
  auto settled = q->SettledSince("b2", 0);
  ASSERT_TRUE(settled.ok());
  ASSERT_EQ(settled->size(), 1u);
  EXPECT_EQ(settled->front().outcome, ClaimOutcome::kSkipped);
  EXPECT_TRUE(q->SettledSince("b2", settled->front().sequence)->empty());
}

TEST_F(WorkQueueTest, AWorkerTakesTheUnitsOfTheSeasonAndJobItHasLoaded) {
  auto q = Queue();
  ASSERT_TRUE(q->Enqueue({"b", 7, 3}, {Unit("team_defense_zone_analysis", "2022-11-01"),
                                       Unit("player_shot_zone_analysis", "2022-11-01"),
                                       Unit("team_defense_zone_analysis", "2023-11-01"),
                                       Unit("player_shot_zone_analysis", "2023-11-01"),
                                       Unit("player_shot_zone_analysis", "2023-11-02")})
                  .ok());
  const int64_t w = Register(*q, 1);
  auto c = ClaimOne(*q, w, 30, {2023, "player_shot_zone_analysis"});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->job, "player_shot_zone_analysis");
  EXPECT_EQ(FormatDate(c->date), "2023-11-01");
  c = ClaimOne(*q, w, 30, {2023, "team_defense_zone_analysis"});
  ASSERT_TRUE(c);
  EXPECT_EQ(FormatDate(c->date), "2023-11-01");
  EXPECT_EQ(c->job, "team_defense_zone_analysis");
  c = ClaimOne(*q, w, 30, {2023, "team_defense_zone_analysis"});
  ASSERT_TRUE(c);
  EXPECT_EQ(FormatDate(c->date), "2023-11-02") << "same season before another season";
  c = ClaimOne(*q, w);
  ASSERT_TRUE(c);
  EXPECT_EQ(FormatDate(c->date), "2022-11-01") << "no affinity: the earliest";
}

TEST_F(WorkQueueTest, WorkersWithoutASeasonSpreadOverTheSeasons) {
  auto q = Queue();
  std::vector<QueuedUnit> units;
  for (const char* date : {"2021-11-01", "2021-11-02", "2022-11-01", "2022-11-02"})
    units.push_back(Unit("team_defense_zone_analysis", date));
  ASSERT_TRUE(q->Enqueue({"b", 7, 3}, units).ok());
  auto a = Queue(), b = Queue(), c = Queue();
  const int64_t wa = Register(*a, 1), wb = Register(*b, 2), wc = Register(*c, 3);
  auto first = ClaimOne(*a, wa);
  auto second = ClaimOne(*b, wb);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(FormatDate(first->date), "2021-11-01");
  EXPECT_EQ(FormatDate(second->date), "2022-11-01") << "2021 is worker a's";
  // Both seasons held once: the earliest again.
  auto third = ClaimOne(*c, wc);
  ASSERT_TRUE(third);
  EXPECT_EQ(FormatDate(third->date), "2021-11-02");
  EXPECT_EQ(Sql("SELECT string_agg(season::text, ',' ORDER BY worker_id) FROM "
                "nba_reference.phase4_workers"),
            "2021,2022,2021");
}

TEST(WorkQueueMigration, AWarehouseOfVersion2GetsTheQueueWhenOpened) {
  // A league written by the release before the queue: its Phase 3 digests
  // are all taken (generate refreshes them at its end).
  testing::PostgresLeague league;
  ASSERT_TRUE(league.ok());
  auto marks = [&] {
    return league.Query(
        "SELECT (SELECT count(*) FROM nba_raw.phase3_changes) + (SELECT count(*) "
        "FROM nba_analytics.phase3_changes)");
  };
  ASSERT_EQ(marks(), "0");
  for (const char* table : {"phase4_claims", "phase4_workers"})
    league.Sql(std::string("DROP TABLE nba_reference.") + table);
  for (const std::string& ds : AllDatasets())
    league.Sql("COMMENT ON SCHEMA " + ds + " IS 'phase4 schema version 2'");
  auto reopened = Warehouse::Open(league.uri(), /*create=*/false);
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  EXPECT_EQ(league.Query("SELECT count(*) FROM pg_tables WHERE tablename IN ('phase4_claims', "
                         "'phase4_workers')"),
            "2");
  EXPECT_EQ(league.Query("SELECT obj_description('nba_reference'::regnamespace, 'pg_namespace')"),
            "phase4 schema version 3");
  // The change tracking was there already: no date is marked to be
  // digested again.
  EXPECT_EQ(marks(), "0");
  auto q = (*reopened)->OpenWorkQueue();
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_TRUE((*q)->Counts()->idle());
}

TEST(WorkQueueSqlite, ASqliteWarehouseHasNoWorkQueue) {
  testing::TempDir dir;
  auto wh = Warehouse::Open((dir.path() / "wh").string(), /*create=*/true);
  ASSERT_TRUE(wh.ok());
  auto q = (*wh)->OpenWorkQueue();
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("need a PostgreSQL warehouse"), std::string::npos)
      << q.status().message();
}

}  // namespace
}  // namespace phase4::scaleout
