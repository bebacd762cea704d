#include "warehouse/postgres_work_queue.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>

namespace phase4 {

namespace {

constexpr const char* kClaims = "nba_reference.phase4_claims";
constexpr const char* kWorkers = "nba_reference.phase4_workers";

using Params = std::vector<std::optional<std::string>>;
using Cells = std::vector<std::optional<std::string>>;

int64_t IntOf(const std::optional<std::string>& cell) {
  int64_t v = 0;
  if (cell) std::from_chars(cell->data(), cell->data() + cell->size(), v);
  return v;
}
double RealOf(const std::optional<std::string>& cell) {
  return cell ? std::strtod(cell->c_str(), nullptr) : 0;
}
std::string TextOf(const std::optional<std::string>& cell) { return cell.value_or(""); }
std::string Number(double v) { return fmt::format("{}", v); }

// The claim a claiming statement returned (the columns of kClaimReturning).
Result<Claim> ClaimOf(const Cells& c) {
  Claim claim;
  claim.job = TextOf(c[0]);
  auto d = ParseDate(TextOf(c[1]));
  if (!d)
    return Status::Corruption(fmt::format("{}: a claim has the date '{}'", kClaims, TextOf(c[1])));
  claim.date = *d;
  claim.token = IntOf(c[2]);
  claim.attempt = static_cast<int>(IntOf(c[3]));
  claim.max_attempts = static_cast<int>(IntOf(c[4]));
  claim.recheck = TextOf(c[5]) == "t";
  claim.batch = TextOf(c[6]);
  claim.bootstrap_days = static_cast<int>(IntOf(c[7]));
  claim.last_error = TextOf(c[8]);
  return claim;
}

// Taken exclusively by what counts the units each unit waits for (an
// enqueue, a recount), shared by every commit, which lowers the counts: a
// count is never taken while a settlement that changes it is in flight.
constexpr const char* kCountsLock = "hashtext('phase4 work queue counts')";

// Sets waiting_on of the unsettled units `where` selects: how many of their
// upstream units of the same date are queued or leased.
std::string RecountSql(const std::string& where) {
  return fmt::format(
      "UPDATE {0} q SET waiting_on = (SELECT count(*) FROM {0} u WHERE u.game_date = q.game_date "
      "AND u.job = ANY (q.upstreams) AND u.state <> 'settled') WHERE q.state <> 'settled' AND {1}",
      kClaims, where);
}

constexpr const char* kClaimReturning =
    "q.job, q.game_date::text, q.token, q.attempts, q.max_attempts, q.recheck, q.batch, "
    "q.bootstrap_days, q.last_error";

}  // namespace

const std::vector<std::string>& WorkQueueDdl() {
  // fillfactor leaves room on each page, so that a lease renewal or a
  // heartbeat (which changes no indexed column) is a HOT update that writes
  // no index entry and leaves no dead index tuples behind.
  static const std::vector<std::string> ddl = {
      "CREATE SEQUENCE IF NOT EXISTS nba_reference.phase4_fencing_tokens",
      "CREATE SEQUENCE IF NOT EXISTS nba_reference.phase4_settlements",
      "CREATE SEQUENCE IF NOT EXISTS nba_reference.phase4_worker_ids",
      fmt::format(
          "CREATE TABLE IF NOT EXISTS {} (\n"
          "  job TEXT COLLATE \"C\" NOT NULL,\n"
          "  game_date DATE NOT NULL,\n"
          "  season BIGINT NOT NULL,\n"
          "  job_order BIGINT NOT NULL,\n"
          "  upstreams TEXT[] NOT NULL,\n"
          "  waiting_on BIGINT NOT NULL,\n"
          "  recheck BOOLEAN NOT NULL,\n"
          "  batch TEXT NOT NULL,\n"
          "  bootstrap_days BIGINT NOT NULL,\n"
          "  max_attempts BIGINT NOT NULL,\n"
          "  state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'settled')),\n"
          "  retry_after TIMESTAMPTZ NOT NULL,\n"
          "  token BIGINT,\n"
          "  worker_id BIGINT,\n"
          "  leased_at TIMESTAMPTZ,\n"
          "  lease_until TIMESTAMPTZ,\n"
          "  attempts BIGINT NOT NULL,\n"
          "  commits BIGINT NOT NULL,\n"
          "  fenced BIGINT NOT NULL,\n"
          "  outcome TEXT CHECK (outcome IN ('succeeded', 'up_to_date', 'skipped', 'failed', "
          "'blocked')),\n"
          "  rows_written BIGINT,\n"
          "  last_error TEXT,\n"
          "  enqueued_at TIMESTAMPTZ NOT NULL,\n"
          "  settled_at TIMESTAMPTZ,\n"
          "  settle_seq BIGINT,\n"
          "  PRIMARY KEY (job, game_date)\n"
          ") WITH (fillfactor = 70)",
          kClaims),
      fmt::format("CREATE UNIQUE INDEX IF NOT EXISTS phase4_claims_by_token ON {} (token)",
                  kClaims),
      // The runnable units in the claim's orders (same season and job; same
      // season, or any): a claim reads the first entry it can lock, however
      // long the queue.
      fmt::format("CREATE INDEX IF NOT EXISTS phase4_claims_ready_by_job ON {} (season, job, "
                  "game_date) WHERE state = 'queued' AND waiting_on = 0",
                  kClaims),
      fmt::format("CREATE INDEX IF NOT EXISTS phase4_claims_ready ON {} (season, game_date, "
                  "job_order) WHERE state = 'queued' AND waiting_on = 0",
                  kClaims),
      // The units of a date, whose counts a settlement lowers.
      fmt::format("CREATE INDEX IF NOT EXISTS phase4_claims_by_date ON {} (game_date)", kClaims),
      fmt::format("CREATE INDEX IF NOT EXISTS phase4_claims_leased ON {} (worker_id) WHERE state = "
                  "'leased'",
                  kClaims),
      fmt::format("CREATE INDEX IF NOT EXISTS phase4_claims_settled ON {} (batch, settle_seq) "
                  "WHERE state = 'settled'",
                  kClaims),
      fmt::format("CREATE TABLE IF NOT EXISTS {} (\n"
                  "  worker_id BIGINT PRIMARY KEY,\n"
                  "  host TEXT NOT NULL,\n"
                  "  pid BIGINT NOT NULL,\n"
                  "  command TEXT,\n"
                  "  started_at TIMESTAMPTZ NOT NULL,\n"
                  "  heartbeat_at TIMESTAMPTZ NOT NULL,\n"
                  "  lease_seconds DOUBLE PRECISION NOT NULL,\n"
                  "  season BIGINT,\n"
                  "  job TEXT,\n"
                  "  units_done BIGINT NOT NULL\n"
                  ") WITH (fillfactor = 50)",
                  kWorkers),
  };
  return ddl;
}

Result<std::unique_ptr<WorkQueue>> PostgresWarehouse::OpenWorkQueue() const {
  PHASE4_ASSIGN_OR_RETURN(std::unique_ptr<PostgresWarehouse> db, ConnectSame());
  return std::unique_ptr<WorkQueue>(new PostgresWorkQueue(std::move(db)));
}

std::string_view ClaimOutcomeName(ClaimOutcome o) {
  switch (o) {
    case ClaimOutcome::kSucceeded:
      return "succeeded";
    case ClaimOutcome::kUpToDate:
      return "up_to_date";
    case ClaimOutcome::kSkipped:
      return "skipped";
    case ClaimOutcome::kFailed:
      return "failed";
    case ClaimOutcome::kBlocked:
      return "blocked";
  }
  return "unknown";
}

std::optional<ClaimOutcome> ParseClaimOutcome(std::string_view name) {
  for (ClaimOutcome o : {ClaimOutcome::kSucceeded, ClaimOutcome::kUpToDate, ClaimOutcome::kSkipped,
                         ClaimOutcome::kFailed, ClaimOutcome::kBlocked})
    if (ClaimOutcomeName(o) == name) return o;
  return std::nullopt;
}

Status PostgresWorkQueue::Enqueue(const QueueBatch& batch, const std::vector<QueuedUnit>& units) {
  if (units.empty()) return Status::OK();
  std::vector<std::string> jobs, dates, seasons, orders, upstreams, rechecks;
  for (const QueuedUnit& u : units) {
    jobs.push_back(u.job);
    dates.push_back(FormatDate(u.date));
    seasons.push_back(std::to_string(SeasonYearOf(u.date)));
    orders.push_back(std::to_string(u.job_order));
    upstreams.push_back(fmt::format("{}", fmt::join(u.upstreams, ",")));
    rechecks.push_back(u.recheck ? "t" : "f");
  }
  const Params params{batch.id,
                      PostgresArrayLiteral(jobs),
                      PostgresArrayLiteral(dates),
                      PostgresArrayLiteral(seasons),
                      PostgresArrayLiteral(orders),
                      PostgresArrayLiteral(upstreams),
                      std::to_string(batch.bootstrap_days),
                      std::to_string(batch.max_attempts),
                      PostgresArrayLiteral(rechecks)};
  std::vector<std::string> distinct_dates = dates;
  std::sort(distinct_dates.begin(), distinct_dates.end());
  distinct_dates.erase(std::unique(distinct_dates.begin(), distinct_dates.end()),
                       distinct_dates.end());
  PHASE4_RETURN_IF_ERROR(db_->Begin());
  Status s =
      db_->Run(fmt::format("SELECT pg_advisory_xact_lock({})", kCountsLock), {}, true).status();
  // A unit in flight stays with its holder and joins this batch.
  if (s.ok())
    s = db_->Run(fmt::format("UPDATE {} q SET batch = $1 FROM unnest($2::text[], "
                             "$3::date[]) AS u(job, game_date) WHERE q.job = u.job AND "
                             "q.game_date = u.game_date AND q.state <> 'settled'",
                             kClaims),
                 {params[0], params[1], params[2]}, false)
            .status();
  // Any other is queued afresh: a settled unit starts its attempts over.
  if (s.ok())
    s = db_->Run(
               fmt::format(
                   "INSERT INTO {} AS q (job, game_date, season, job_order, upstreams, "
                   "waiting_on, recheck, batch, bootstrap_days, max_attempts, state, retry_after, "
                   "attempts, commits, fenced, enqueued_at) "
                   "SELECT u.job, u.game_date, u.season, u.job_order, "
                   "string_to_array(u.upstreams, ','), 0, u.recheck, $1, $7, $8, 'queued', now(), "
                   "0, 0, 0, now() FROM unnest($2::text[], $3::date[], $4::bigint[], $5::bigint[], "
                   "$6::text[], $9::boolean[]) AS u(job, game_date, season, job_order, "
                   "upstreams, recheck) "
                   "ON CONFLICT (job, game_date) DO UPDATE SET season = EXCLUDED.season, "
                   "job_order = EXCLUDED.job_order, upstreams = EXCLUDED.upstreams, recheck = "
                   "EXCLUDED.recheck, batch = EXCLUDED.batch, bootstrap_days = "
                   "EXCLUDED.bootstrap_days, max_attempts = EXCLUDED.max_attempts, state = "
                   "'queued', retry_after = now(), token = NULL, worker_id = NULL, leased_at = "
                   "NULL, lease_until = NULL, attempts = 0, commits = 0, fenced = 0, outcome = "
                   "NULL, rows_written = NULL, last_error = NULL, enqueued_at = now(), "
                   "settled_at = NULL, settle_seq = NULL WHERE q.state = 'settled'",
                   kClaims),
               params, false)
            .status();
  // What each unsettled unit of these dates waits for, counted afresh: a
  // unit queued again holds up its downstream units once more.
  if (s.ok())
    s = db_->Run(RecountSql("q.game_date = ANY ($1::date[])"),
                 {PostgresArrayLiteral(distinct_dates)}, false)
            .status();
  if (s.ok()) s = db_->Commit();
  if (!s.ok()) db_->Rollback();
  return s.WithContext(fmt::format("queueing {} units", units.size()));
}

Result<int64_t> PostgresWorkQueue::RegisterWorker(const WorkerIdentity& who, double lease_seconds) {
  // Rows of workers gone for a day are of no use to anyone.
  PHASE4_RETURN_IF_ERROR(
      db_->Run(
             fmt::format("DELETE FROM {} WHERE heartbeat_at < now() - interval '1 day'", kWorkers),
             {}, false)
          .status());
  PHASE4_ASSIGN_OR_RETURN(
      auto rows,
      db_->QueryRows(fmt::format("INSERT INTO {} (worker_id, host, pid, command, started_at, "
                                 "heartbeat_at, lease_seconds, units_done) VALUES "
                                 "(nextval('nba_reference.phase4_worker_ids'), $1, $2, $3, now(), "
                                 "now(), $4, 0) RETURNING worker_id",
                                 kWorkers),
                     {who.host, std::to_string(who.pid), who.command, Number(lease_seconds)}));
  return IntOf(rows.at(0).at(0));
}

Status PostgresWorkQueue::DeregisterWorker(int64_t worker) {
  return db_
      ->Run(fmt::format("DELETE FROM {} WHERE worker_id = $1", kWorkers), {std::to_string(worker)},
            false)
      .status();
}

Result<std::optional<Claim>> PostgresWorkQueue::ClaimWhere(int64_t worker, double lease_seconds,
                                                           const std::string& where,
                                                           const std::string& order,
                                                           const Params& extra) {
  // SKIP LOCKED passes over the rows other workers are claiming or
  // committing this instant instead of waiting for them.
  const std::string sql = fmt::format(
      "WITH c AS (SELECT q.job, q.game_date FROM {0} q WHERE {1} ORDER BY {2} LIMIT 1 FOR UPDATE "
      "OF q SKIP LOCKED) "
      "UPDATE {0} q SET state = 'leased', token = "
      "nextval('nba_reference.phase4_fencing_tokens'), worker_id = $1, leased_at = now(), "
      "lease_until = now() + make_interval(secs => $2), attempts = q.attempts + 1 FROM c WHERE "
      "q.job = c.job AND q.game_date = c.game_date RETURNING {3}",
      kClaims, where, order, kClaimReturning);
  Params params{std::to_string(worker), Number(lease_seconds)};
  params.insert(params.end(), extra.begin(), extra.end());
  PHASE4_ASSIGN_OR_RETURN(auto rows, db_->QueryRows(sql, params));
  if (rows.empty()) return std::optional<Claim>();
  PHASE4_ASSIGN_OR_RETURN(Claim claim, ClaimOf(rows.front()));
  return std::optional<Claim>(std::move(claim));
}

Result<std::optional<Claim>> PostgresWorkQueue::ClaimNext(int64_t worker, double lease_seconds,
                                                          const Affinity& prefer) {
  // A lease that expired first: its holder stopped renewing it (crashed,
  // stopped, cut off), and the units after it may be waiting for it. Looked
  // for a few times per lease rather than before every claim (one statement
  // less per unit), and whenever nothing else is runnable.
  const auto now = std::chrono::steady_clock::now();
  auto expired = [&] {
    next_expiry_check_ = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(std::min(1.0, lease_seconds / 4)));
    return ClaimWhere(worker, lease_seconds, "q.state = 'leased' AND q.lease_until < now()",
                      "q.lease_until", {});
  };
  std::optional<Claim> claim;
  const bool due = now >= next_expiry_check_;
  if (due) {
    PHASE4_ASSIGN_OR_RETURN(claim, expired());
  }
  // Runnable: no upstream unit of its date is queued or leased any more.
  const std::string queued = "q.state = 'queued' AND q.waiting_on = 0 AND q.retry_after <= now()";
  // Then the next unit of the season (and job) whose inputs this worker
  // holds: N workers do not each load every season.
  if (!claim && prefer.season && !prefer.job.empty()) {
    PHASE4_ASSIGN_OR_RETURN(
        claim, ClaimWhere(worker, lease_seconds, queued + " AND q.season = $3 AND q.job = $4",
                          "q.game_date", {std::to_string(prefer.season), prefer.job}));
  }
  if (!claim && prefer.season) {
    PHASE4_ASSIGN_OR_RETURN(
        claim, ClaimWhere(worker, lease_seconds, queued + " AND q.season = $3",
                          "q.game_date, q.job_order", {std::to_string(prefer.season)}));
  }
  if (!claim) {
    PHASE4_ASSIGN_OR_RETURN(claim, ClaimInQuietSeason(worker, lease_seconds, queued));
  }
  if (!claim) {
    PHASE4_ASSIGN_OR_RETURN(
        claim, ClaimWhere(worker, lease_seconds, queued, "q.season, q.game_date, q.job_order", {}));
  }
  if (!claim && !due) {
    PHASE4_ASSIGN_OR_RETURN(claim, expired());
  }
  return claim;
}

Result<std::optional<Claim>> PostgresWorkQueue::ClaimInQuietSeason(int64_t worker,
                                                                   double lease_seconds,
                                                                   const std::string& runnable) {
  // One worker chooses at a time (a choice is rare: once per season a worker
  // moves to), so that workers starting together do not all pick the same.
  PHASE4_RETURN_IF_ERROR(db_->Begin());
  auto choose = [&]() -> Result<std::optional<Claim>> {
    PHASE4_RETURN_IF_ERROR(
        db_->Run("SELECT pg_advisory_xact_lock(hashtext('phase4 season choice'))", {}, true)
            .status());
    // Of the seasons with runnable units, the one the fewest other live
    // workers hold, then the earliest.
    PHASE4_ASSIGN_OR_RETURN(
        auto seasons,
        db_->QueryRows(
            fmt::format("SELECT s.season FROM (SELECT DISTINCT season FROM {} q WHERE {}) s ORDER "
                        "BY (SELECT count(*) FROM {} w WHERE w.season = s.season AND w.worker_id "
                        "<> $1 AND w.heartbeat_at >= now() - make_interval(secs => "
                        "w.lease_seconds)), s.season LIMIT 1",
                        kClaims, runnable, kWorkers),
            {std::to_string(worker)}));
    if (seasons.empty()) return std::optional<Claim>();
    const std::string season = TextOf(seasons.front().front());
    PHASE4_ASSIGN_OR_RETURN(auto claim,
                            ClaimWhere(worker, lease_seconds, runnable + " AND q.season = $3",
                                       "q.game_date, q.job_order", {season}));
    // Said with the claim, so the next worker to choose sees it.
    if (claim)
      PHASE4_RETURN_IF_ERROR(
          db_->Run(fmt::format("UPDATE {} SET season = $2 WHERE worker_id = $1", kWorkers),
                   {std::to_string(worker), season}, false)
              .status());
    return claim;
  };
  auto claim = choose();
  Status s = claim.ok() ? db_->Commit() : claim.status();
  if (!s.ok()) {
    db_->Rollback();
    return s;
  }
  return claim;
}

Result<bool> PostgresWorkQueue::Renew(int64_t worker, std::optional<int64_t> token,
                                      double lease_seconds, const WorkerActivity& activity) {
  PHASE4_ASSIGN_OR_RETURN(
      auto rows,
      db_->QueryRows(
          fmt::format("WITH w AS (UPDATE {0} SET heartbeat_at = now(), season = NULLIF($3, 0), "
                      "job = NULLIF($4, ''), units_done = $5 WHERE worker_id = $1 RETURNING 1) "
                      "UPDATE {1} SET lease_until = now() + make_interval(secs => $2) WHERE "
                      "token = $6 AND state = 'leased' RETURNING 1",
                      kWorkers, kClaims),
          {std::to_string(worker), Number(lease_seconds), std::to_string(activity.season),
           activity.job, std::to_string(activity.units_done),
           token ? std::optional<std::string>(std::to_string(*token)) : std::nullopt}));
  return !rows.empty();
}

Status PostgresWorkQueue::Release(const Claim& claim) {
  return db_
      ->Run(fmt::format("UPDATE {} SET state = 'queued', worker_id = NULL, leased_at = "
                        "NULL, lease_until = NULL, retry_after = now(), attempts = "
                        "greatest(attempts - 1, 0) WHERE token = $1 AND state = 'leased'",
                        kClaims),
            {std::to_string(claim.token)}, false)
      .status();
}

Result<CommitResult> PostgresWorkQueue::Commit(const Claim& claim, const Settlement& s,
                                               const TableSchema* table,
                                               const std::vector<Row>& rows,
                                               const std::vector<Warehouse::ExtraRow>& also) {
  PHASE4_RETURN_IF_ERROR(db_->Begin());
  auto fail = [&](const Status& st) {
    db_->Rollback();
    return st;
  };
  // Before any row lock, so that an enqueue (which holds it exclusively and
  // then updates rows) never waits for this transaction's rows.
  auto locked =
      db_->Run(fmt::format("SELECT pg_advisory_xact_lock_shared({})", kCountsLock), {}, true);
  if (!locked.ok()) return fail(locked.status());
  // The fence, next: it matches only while the claim carries this token
  // and a lease (expired or not: nobody took it over), and it locks the
  // claim row, so no one can take the unit over until this commits.
  auto fenced = db_->QueryRows(
      fmt::format(
          "UPDATE {} SET state = $4, outcome = $5, rows_written = $6, last_error = $7, commits = "
          "commits + 1, worker_id = NULL, leased_at = NULL, lease_until = NULL, retry_after = "
          "now() + make_interval(secs => $8), settled_at = CASE WHEN $4 = 'settled' THEN now() "
          "END, settle_seq = CASE WHEN $4 = 'settled' THEN "
          "nextval('nba_reference.phase4_settlements') END WHERE job = $1 AND game_date = $2 AND "
          "token = $3 AND state = 'leased' RETURNING 1",
          kClaims),
      {claim.job, FormatDate(claim.date), std::to_string(claim.token),
       std::string(s.retry ? "queued" : "settled"), std::string(ClaimOutcomeName(s.outcome)),
       std::to_string(s.rows), s.error.empty() ? std::nullopt : std::optional<std::string>(s.error),
       Number(s.retry ? s.retry_after_seconds : 0)});
  if (!fenced.ok()) return fail(fenced.status());
  if (fenced->empty()) {
    db_->Rollback();
    PHASE4_ASSIGN_OR_RETURN(std::string holder, RecordFenced(claim));
    return CommitResult{true, holder};
  }
  // Settled: its downstream units of the date wait for one unit less.
  Status st = s.retry ? Status::OK()
                      : db_->Run(fmt::format("UPDATE {} SET waiting_on = waiting_on - 1 WHERE "
                                             "game_date = $1 AND $2 = ANY (upstreams) AND state <> "
                                             "'settled' AND waiting_on > 0",
                                             kClaims),
                                 {FormatDate(claim.date), claim.job}, false)
                            .status();
  if (st.ok()) st = db_->ReplaceInTransaction(table, {claim.date}, rows, also);
  if (st.ok()) st = db_->Commit();
  if (!st.ok()) return fail(st);
  return CommitResult{};
}

Status PostgresWorkQueue::Recount() {
  PHASE4_RETURN_IF_ERROR(db_->Begin());
  Status s =
      db_->Run(fmt::format("SELECT pg_advisory_xact_lock({})", kCountsLock), {}, true).status();
  if (s.ok()) s = db_->Run(RecountSql("true"), {}, false).status();
  if (s.ok()) s = db_->Commit();
  if (!s.ok()) db_->Rollback();
  return s;
}

Result<std::string> PostgresWorkQueue::RecordFenced(const Claim& claim) {
  PHASE4_ASSIGN_OR_RETURN(
      auto rows,
      db_->QueryRows(fmt::format("UPDATE {} SET fenced = fenced + 1 WHERE job = $1 AND game_date = "
                                 "$2 RETURNING state, token, worker_id, outcome",
                                 kClaims),
                     {claim.job, FormatDate(claim.date)}));
  if (rows.empty()) return std::string("the unit is no longer in the queue");
  const Cells& c = rows.front();
  if (TextOf(c[0]) == "leased")
    return fmt::format("worker {} holds it now with token {}", TextOf(c[2]), TextOf(c[1]));
  if (TextOf(c[0]) == "settled")
    return fmt::format("it was settled ({}) by token {}", TextOf(c[3]), TextOf(c[1]));
  return fmt::format("it is queued again (token {} was the last)", TextOf(c[1]));
}

Result<QueueCounts> PostgresWorkQueue::Counts() {
  // Settled failed or blocked units count for the exit code only while the
  // ledger still says so (a later run may have fixed them).
  const std::string still = fmt::format(
      "EXISTS (SELECT 1 FROM {0} l WHERE l.job = c.job AND l.game_date = c.game_date AND l.state "
      "IN ('failed', 'blocked')) OR EXISTS (SELECT 1 FROM {1} l WHERE l.job = c.job AND "
      "l.game_date = c.game_date AND l.state IN ('failed', 'blocked'))",
      PrecomputeUnitsSchema().FullName(), PredictionsUnitsSchema().FullName());
  PHASE4_ASSIGN_OR_RETURN(
      auto rows,
      db_->QueryRows(
          fmt::format(
              "SELECT count(*) FILTER (WHERE state = 'queued'), "
              "count(*) FILTER (WHERE state = 'leased' AND lease_until >= now()), "
              "count(*) FILTER (WHERE state = 'leased' AND lease_until < now()), "
              "count(*) FILTER (WHERE state = 'settled' AND outcome = 'succeeded'), "
              "count(*) FILTER (WHERE state = 'settled' AND outcome = 'up_to_date'), "
              "count(*) FILTER (WHERE state = 'settled' AND outcome = 'skipped'), "
              "count(*) FILTER (WHERE state = 'settled' AND outcome = 'failed'), "
              "count(*) FILTER (WHERE state = 'settled' AND outcome = 'blocked'), "
              "coalesce(sum(fenced), 0), "
              "count(*) FILTER (WHERE state = 'settled' AND outcome IN ('failed', 'blocked') AND "
              "({})) FROM {} c",
              still, kClaims),
          {}));
  const Cells& c = rows.at(0);
  QueueCounts n;
  n.queued = IntOf(c[0]);
  n.leased = IntOf(c[1]);
  n.expired = IntOf(c[2]);
  n.succeeded = IntOf(c[3]);
  n.up_to_date = IntOf(c[4]);
  n.skipped = IntOf(c[5]);
  n.failed = IntOf(c[6]);
  n.blocked = IntOf(c[7]);
  n.fenced = IntOf(c[8]);
  n.failed_or_blocked_now = IntOf(c[9]);
  return n;
}

Result<std::vector<WorkerInfo>> PostgresWorkQueue::Workers() {
  PHASE4_ASSIGN_OR_RETURN(
      auto rows,
      db_->QueryRows(
          fmt::format(
              "SELECT w.worker_id, w.host, w.pid, extract(epoch FROM now() - w.heartbeat_at), "
              "w.lease_seconds, coalesce(w.season, 0), w.units_done, "
              "to_char(w.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
              "c.job, c.game_date::text, extract(epoch FROM now() - c.leased_at) "
              "FROM {} w LEFT JOIN {} c ON c.worker_id = w.worker_id AND c.state = 'leased' "
              "ORDER BY now() - w.heartbeat_at <= make_interval(secs => w.lease_seconds) DESC, "
              "w.worker_id",
              kWorkers, kClaims),
          {}));
  std::vector<WorkerInfo> out;
  for (const Cells& c : rows) {
    WorkerInfo w;
    w.id = IntOf(c[0]);
    if (!out.empty() && out.back().id == w.id) continue;  // one unit shown per worker
    w.host = TextOf(c[1]);
    w.pid = IntOf(c[2]);
    w.heartbeat_age_seconds = RealOf(c[3]);
    w.lease_seconds = RealOf(c[4]);
    w.live = w.heartbeat_age_seconds <= w.lease_seconds;
    w.season = static_cast<int>(IntOf(c[5]));
    w.units_done = IntOf(c[6]);
    w.started_at = TextOf(c[7]);
    w.unit_job = TextOf(c[8]);
    if (c[9]) w.unit_date = ParseDate(*c[9]);
    w.lease_age_seconds = RealOf(c[10]);
    out.push_back(std::move(w));
  }
  return out;
}

Result<std::vector<SettledUnit>> PostgresWorkQueue::SettledSince(const std::string& batch,
                                                                 int64_t after_sequence) {
  PHASE4_ASSIGN_OR_RETURN(
      auto rows,
      db_->QueryRows(fmt::format("SELECT settle_seq, job, game_date::text, outcome, "
                                 "coalesce(rows_written, 0), coalesce(last_error, '') FROM {} "
                                 "WHERE state = 'settled' AND batch = $1 AND settle_seq > $2 "
                                 "ORDER BY settle_seq",
                                 kClaims),
                     {batch, std::to_string(after_sequence)}));
  std::vector<SettledUnit> out;
  for (const Cells& c : rows) {
    SettledUnit u;
    u.sequence = IntOf(c[0]);
    u.job = TextOf(c[1]);
    auto d = ParseDate(TextOf(c[2]));
    auto outcome = ParseClaimOutcome(TextOf(c[3]));
    if (!d || !outcome)
      return Status::Corruption(fmt::format("{}: unit {} {} has the outcome '{}'", kClaims, u.job,
                                            TextOf(c[2]), TextOf(c[3])));
    u.date = *d;
    u.outcome = *outcome;
    u.rows = IntOf(c[4]);
    u.error = TextOf(c[5]);
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace phase4
