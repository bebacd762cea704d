#include "scaleout/worker.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <numeric>
#include <optional>
#include <thread>

#include "backfill/unit_work.h"
#include "execution/input_reader.h"
#include "ledger/ledger.h"
#include "ledger/phase3_digests.h"
#include "live/run_history.h"
#include "phase3/schedule_store.h"
#include "processors/common/season_inputs.h"
#include "processors/registry.h"
#include "scaleout/lease_keeper.h"
#include "scaleout/worker_log.h"
#include "warehouse/work_queue.h"

namespace phase4::scaleout {

namespace {

using Clock = std::chrono::steady_clock;
using processors::ProcessorInfo;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// The inputs of the batch a claim belongs to: the calendar with the
// bootstrap days its run planned with, the Phase 3 digests its
// fingerprints are taken from, and the season read so far. A new batch
// (a later run) reads them again: the schedule or Phase 3 may have changed.
struct BatchInputs {
  std::string batch;
  int bootstrap_days = -1;
  std::unique_ptr<SeasonCalendar> calendar;
  std::unique_ptr<ledger::InputFingerprinter> fingerprinter;
  std::unique_ptr<execution::InputReader> reader;
};

// What a worker did, for its summary.
struct Tally {
  std::array<int64_t, 5> settled{};  // by ClaimOutcome
  int64_t claims = 0, retried = 0, fenced = 0, released = 0, seasons_loaded = 0;
  double claim_seconds = 0;  // in successful claims
  int64_t& operator[](ClaimOutcome o) { return settled[static_cast<size_t>(o)]; }
  int64_t operator[](ClaimOutcome o) const { return settled[static_cast<size_t>(o)]; }
  int64_t done() const { return std::accumulate(settled.begin(), settled.end(), int64_t{0}); }
};

class Worker {
 public:
  explicit Worker(const WorkerOptions& o) : o_(o), log_(o.out, o.err, o.level) {}
  Status Run();

 private:
  bool Stopped() const { return o_.stop_requested && o_.stop_requested->load(); }
  // Sleeps up to `seconds`, waking early on a stop.
  void Sleep(double seconds) const;
  Status Connect();
  // After a storage failure: reconnects (giving `claim` back once it can),
  // for up to reconnect_seconds. False when it gave up or was stopped.
  bool Recover(const std::optional<Claim>& claim, const Status& why);
  Result<BatchInputs*> InputsFor(const Claim& claim);
  // Computes and commits one claimed unit. A storage failure comes back
  // with the unit unsettled; anything else settles it.
  Status Work(const Claim& claim);
  Status Settle(const Claim& claim, const ProcessorInfo* info, backfill::PreparedUnit& p);
  void Summary(double seconds);

  const WorkerOptions& o_;
  WorkerLog log_;
  std::unique_ptr<Warehouse> wh_;
  std::unique_ptr<WorkQueue> queue_;
  std::unique_ptr<live::RunHistory> history_;
  std::unique_ptr<BatchInputs> inputs_;  // uses wh_: reset first
  std::unique_ptr<LeaseKeeper> keeper_;
  std::vector<execution::TableRead> reads_;  // every job's Phase 3 reads of a season
  int64_t worker_id_ = 0;
  WorkQueue::Affinity affinity_;
  Tally tally_;
};

void Worker::Sleep(double seconds) const {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  while (!Stopped() && Clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

Status Worker::Connect() {
  PHASE4_ASSIGN_OR_RETURN(wh_, Warehouse::Open(o_.warehouse, /*create=*/false));
  PHASE4_ASSIGN_OR_RETURN(queue_, wh_->OpenWorkQueue());
  history_ = std::make_unique<live::RunHistory>(*wh_);
  if (worker_id_) return Status::OK();
  PHASE4_ASSIGN_OR_RETURN(
      worker_id_, queue_->RegisterWorker({HostName(), static_cast<int64_t>(getpid()), o_.command},
                                         o_.lease_seconds));
  log_.SetName(fmt::format("worker {}", worker_id_));
  PHASE4_ASSIGN_OR_RETURN(std::unique_ptr<WorkQueue> heartbeat, wh_->OpenWorkQueue());
  keeper_ = std::make_unique<LeaseKeeper>(std::move(heartbeat), worker_id_, o_.lease_seconds, log_);
  return Status::OK();
}

bool Worker::Recover(const std::optional<Claim>& claim, const Status& why) {
  log_.Warn(fmt::format(
      "the warehouse failed ({}); reconnecting{}", why.message(),
      claim ? fmt::format(", then giving {} {} back", claim->job, FormatDate(claim->date))
            : std::string()));
  inputs_.reset();
  history_.reset();
  queue_.reset();
  wh_.reset();
  const auto started = Clock::now();
  double delay = 0.5;
  while (!Stopped()) {
    Status s = Connect();
    if (s.ok()) {
      // A claim that cannot be given back expires on its own.
      if (claim && queue_->Release(*claim).ok()) ++tally_.released;
      log_.Info("reconnected to the warehouse");
      return true;
    }
    if (SecondsSince(started) > o_.reconnect_seconds) {
      log_.Error(fmt::format("the warehouse stayed unreachable for {:.0f} s: {}",
                             o_.reconnect_seconds, s.message()));
      return false;
    }
    Sleep(delay);
    delay = std::min(delay * 2, 5.0);
  }
  return false;
}

Result<BatchInputs*> Worker::InputsFor(const Claim& claim) {
  if (inputs_ && inputs_->batch == claim.batch && inputs_->bootstrap_days == claim.bootstrap_days)
    return inputs_.get();
  inputs_.reset();
  auto in = std::make_unique<BatchInputs>();
  in->batch = claim.batch;
  in->bootstrap_days = claim.bootstrap_days;
  PHASE4_ASSIGN_OR_RETURN(SeasonCalendar calendar,
                          phase3::ReadCalendar(*wh_, claim.bootstrap_days));
  in->calendar = std::make_unique<SeasonCalendar>(std::move(calendar));
  // The digests as the run that queued the units refreshed them.
  PHASE4_ASSIGN_OR_RETURN(ledger::Phase3Digests digests, ledger::ReadPhase3Digests(*wh_));
  in->fingerprinter = std::make_unique<ledger::InputFingerprinter>(std::move(digests));
  in->reader = std::make_unique<execution::InputReader>(*wh_, *in->calendar);
  inputs_ = std::move(in);
  return inputs_.get();
}

Status Worker::Work(const Claim& claim) {
  keeper_->Hold(claim);
  backfill::PreparedUnit p;
  p.date = claim.date;
  p.started_at = NowTimestampUtc();
  ledger::UnitPlan unit;
  unit.date = claim.date;
  unit.upstream_pending = claim.recheck;
  p.unit = &unit;
  const ProcessorInfo* info = processors::FindProcessor(claim.job);
  // Not the unit's fault: it goes back unsettled. Anything else fails it.
  auto storage_or_fail = [&](const Status& s) {
    if (s.code() == Status::Code::kStorage) return s;
    p.kind = backfill::PreparedOutcome::kFailed;
    p.error = s.message();
    return Status::OK();
  };
  if (!info) {
    p.error = fmt::format("unknown job '{}' (jobs: {})", claim.job, processors::ProcessorNames());
    return Settle(claim, info, p);
  }
  // The unit's record first: whatever happens, the new one continues it (a
  // failure keeps the rows of the last success described).
  auto record = ledger::ReadUnit(*wh_, *info, claim.date);
  if (!record.ok()) {
    PHASE4_RETURN_IF_ERROR(storage_or_fail(record.status()));
    return Settle(claim, info, p);
  }
  unit.record = *record;
  if (claim.attempt > claim.max_attempts) {
    // Its earlier holders all stopped renewing before they committed (they
    // crashed or stalled on it): no further worker is risked on it.
    p.error = fmt::format(
        "gave up after {} attempts: every worker that claimed it stopped before it committed{}",
        claim.max_attempts, claim.last_error.empty() ? "" : "; last error: " + claim.last_error);
    return Settle(claim, info, p);
  }
  auto inputs = InputsFor(claim);
  if (!inputs.ok()) {
    PHASE4_RETURN_IF_ERROR(storage_or_fail(inputs.status()));
    return Settle(claim, info, p);
  }
  BatchInputs& in = **inputs;
  const int season = SeasonYearOf(claim.date);
  if (!in.calendar->IsBootstrap(claim.date) && in.reader->loaded_season() != season) {
    // Every job's columns at once: this worker takes the season's other
    // units next (a failed load fails the unit below, with its reason).
    auto loaded = in.reader->Season(season, reads_);
    if (!loaded.ok() && loaded.status().code() == Status::Code::kStorage) return loaded.status();
    if (loaded.ok()) {
      ++tally_.seasons_loaded;
      log_.Debug(fmt::format("season {}-{} loaded", season, (season + 1) % 100));
    }
  }
  backfill::UnitWork work(*info, *in.calendar, *in.fingerprinter);
  p = work.Prepare(unit, *wh_, *in.reader, "");
  if (p.storage) return Status::Storage(p.error);
  return Settle(claim, info, p);
}

Status Worker::Settle(const Claim& claim, const ProcessorInfo* info, backfill::PreparedUnit& p) {
  Settlement settle;
  const TableSchema* table = nullptr;
  std::optional<live::RunInfo> run;
  std::string run_id;
  // A unit that was attempted has a run in the history, as in a backfill;
  // its start and final rows commit with the unit's rows.
  if (info && (p.kind == backfill::PreparedOutcome::kSuccess ||
               p.kind == backfill::PreparedOutcome::kFailed ||
               p.kind == backfill::PreparedOutcome::kBlocked)) {
    run = backfill::HistoryRun(
        *info, p, fmt::format(R"(,"worker":{},"fencing_token":{})", worker_id_, claim.token));
    run_id = live::RunHistory::NewId(info->name);
  }
  // The writes that go with the settlement: the ledger record (none for a
  // job the registry does not know), then the run's rows.
  std::vector<Warehouse::ExtraRow> also;
  auto writes = [&](std::optional<ledger::UnitState> state) -> Status {
    also.clear();
    if (info && state) {
      PHASE4_ASSIGN_OR_RETURN(
          Warehouse::ExtraRow row,
          ledger::UnitRow(*info, *state == ledger::UnitState::kSucceeded
                                     ? backfill::SucceededRecord(*info, p, run_id)
                                     : backfill::SettledRecord(*info, p, *state, run_id)));
      also.push_back(std::move(row));
    }
    if (run)
      for (Row& r : history_->FinishedRows(
               run_id, *run, {std::string(backfill::HistoryStatus(p.kind)), settle.rows, p.error}))
        also.push_back({&ProcessorRunHistorySchema(), std::move(r), false});
    return Status::OK();
  };
  switch (p.kind) {
    case backfill::PreparedOutcome::kUpToDate:
      settle.outcome = ClaimOutcome::kUpToDate;
      PHASE4_RETURN_IF_ERROR(writes(std::nullopt));
      break;
    case backfill::PreparedOutcome::kSkippedBootstrap: {
      settle.outcome = ClaimOutcome::kSkipped;
      const bool recorded = p.unit->record && p.unit->record->state == ledger::UnitState::kSkipped;
      PHASE4_RETURN_IF_ERROR(
          writes(recorded ? std::nullopt : std::optional(ledger::UnitState::kSkipped)));
      break;
    }
    case backfill::PreparedOutcome::kSuccess:
      settle.outcome = ClaimOutcome::kSucceeded;
      settle.rows = static_cast<int64_t>(p.rows.size());
      table = info->output;
      PHASE4_RETURN_IF_ERROR(writes(ledger::UnitState::kSucceeded));
      break;
    case backfill::PreparedOutcome::kBlocked:
      settle.outcome = ClaimOutcome::kBlocked;
      settle.error = p.error;
      PHASE4_RETURN_IF_ERROR(writes(ledger::UnitState::kBlocked));
      break;
    case backfill::PreparedOutcome::kFailed:
      settle.outcome = ClaimOutcome::kFailed;
      settle.error = p.error;
      // Retried while attempts are left, after 1, 2, 4... s (at most a
      // minute), so a passing cause (a lock, a restart) has time to pass.
      settle.retry = claim.attempt < claim.max_attempts;
      settle.retry_after_seconds =
          std::min(60.0, static_cast<double>(1 << std::clamp(claim.attempt - 1, 0, 6)));
      PHASE4_RETURN_IF_ERROR(writes(ledger::UnitState::kFailed));
      break;
  }
  // From here the fence decides: the lease need not be renewed during the
  // commit (its first statement locks the claim row).
  keeper_->Drop();
  auto committed = queue_->Commit(claim, settle, table, p.rows, also);
  const auto transient = [](const Status& st) {
    return st.code() == Status::Code::kStorage || st.code() == Status::Code::kBusy;
  };
  if (!committed.ok() && !transient(committed.status()) && info) {
    // The rows themselves were refused (a check, a key): the unit fails
    // with the reason instead.
    p.kind = backfill::PreparedOutcome::kFailed;
    p.error = committed.status().message();
    settle = {ClaimOutcome::kFailed, 0, p.error, claim.attempt < claim.max_attempts, 1};
    PHASE4_RETURN_IF_ERROR(writes(ledger::UnitState::kFailed));
    committed = queue_->Commit(claim, settle, nullptr, {}, also);
  }
  if (!committed.ok()) return committed.status();
  if (committed->fenced) {
    ++tally_.fenced;
    const std::string error = fmt::format(
        "fenced: the commit of {} {} with token {} was refused: {}; nothing was "
        "written",
        claim.job, FormatDate(claim.date), claim.token, committed->detail);
    log_.Warn(error);
    // The refused run stays in the history, with why.
    if (run)
      (void)wh_->InsertRows(ProcessorRunHistorySchema(),
                            history_->FinishedRows(run_id, *run, {"failed", 0, error}));
    return Status::OK();
  }
  ++(settle.retry ? tally_.retried : tally_[settle.outcome]);
  if (settle.outcome == ClaimOutcome::kFailed)
    log_.Warn(fmt::format("{} {} failed (attempt {} of {}{}): {}", claim.job,
                          FormatDate(claim.date), claim.attempt, claim.max_attempts,
                          settle.retry ? ", retried later" : "", settle.error));
  else
    log_.Debug(fmt::format("{} {}: {} ({} rows, token {})", claim.job, FormatDate(claim.date),
                           ClaimOutcomeName(settle.outcome), settle.rows, claim.token));
  return Status::OK();
}

void Worker::Summary(double seconds) {
  const Tally& t = tally_;
  log_.Info(fmt::format(
      "{} units in {:.1f} s: {} computed, {} up to date, {} skipped, {} failed ({} more failed "
      "and were retried later), {} blocked, {} late commits refused (fenced), {} given back; {} "
      "seasons loaded; claiming took {:.2f} ms per unit",
      t.done(), seconds, t[ClaimOutcome::kSucceeded], t[ClaimOutcome::kUpToDate],
      t[ClaimOutcome::kSkipped], t[ClaimOutcome::kFailed], t.retried, t[ClaimOutcome::kBlocked],
      t.fenced, t.released, t.seasons_loaded,
      t.claims ? 1000 * t.claim_seconds / static_cast<double>(t.claims) : 0.0));
}

// Storage failures stay what they are (exit 74); every other failure of a
// worker is an exit 1 whatever its code, as the worker always exited.
Status StorageOrFailure(const Status& s) {
  return s.code() == Status::Code::kStorage ? s : Status::FailedPrecondition(s.message());
}

Status Worker::Run() {
  const auto started = Clock::now();
  auto reads = execution::Phase3Reads(processors::AllProcessors());
  if (!reads.ok()) {
    log_.Error(reads.status().message());
    return StorageOrFailure(reads.status());
  }
  reads_ = std::move(reads).value();
  if (Status s = Connect(); !s.ok()) {
    log_.Error(s.message());
    // A SQLite warehouse: the message says what to run instead.
    if (wh_ && wh_->backend() == "sqlite") return Status::Usage(s.message());
    return StorageOrFailure(s);
  }
  log_.Info(fmt::format("started on {} (pid {}) with a lease of {} s; warehouse {}{}", HostName(),
                        getpid(), o_.lease_seconds, wh_->location(),
                        o_.until_idle ? "; exits when the queue is idle" : ""));
  Status ended = Status::Interrupted("stopped by a signal after the unit in flight");
  auto last_progress = Clock::now();
  while (!Stopped()) {
    const auto t0 = Clock::now();
    auto claim = queue_->ClaimNext(worker_id_, o_.lease_seconds, affinity_);
    if (!claim.ok()) {
      if (claim.status().code() == Status::Code::kStorage && Recover(std::nullopt, claim.status()))
        continue;
      log_.Error(claim.status().message());
      ended = StorageOrFailure(claim.status());
      break;
    }
    if (!*claim) {
      auto counts = queue_->Counts();
      if (counts.ok() && o_.until_idle && counts->idle()) {
        ended = counts->failed_or_blocked_now
                    ? Status::Incomplete("the queue is idle; some units failed or are blocked")
                    : Status::OK();
        break;
      }
      // Units queued, none runnable and none held: nothing will settle what
      // they wait for, so what they wait for is counted again.
      if (counts.ok() && counts->queued && !counts->leased && !counts->expired)
        (void)queue_->Recount();
      Sleep(o_.idle_poll_seconds);
      continue;
    }
    ++tally_.claims;
    tally_.claim_seconds += SecondsSince(t0);
    const Claim c = **claim;
    // The season it is about to hold, for the other workers' choice.
    keeper_->Report({SeasonYearOf(c.date), c.job, tally_.done()});
    Status s = Work(c);
    keeper_->Drop();
    if (!s.ok()) {
      if (s.code() == Status::Code::kStorage && Recover(c, s)) continue;
      if (s.code() == Status::Code::kBusy && queue_->Release(c).ok()) {
        // A deadlock or serialization failure: not the unit's fault.
        log_.Warn(fmt::format("{} {} given back: {}", c.job, FormatDate(c.date), s.message()));
        ++tally_.released;
        continue;
      }
      log_.Error(fmt::format("{} {}: {}", c.job, FormatDate(c.date), s.message()));
      if (queue_ && queue_->Release(c).ok()) ++tally_.released;
      ended = StorageOrFailure(s);
      break;
    }
    // Its season: the one it holds the inputs of, or the unit's (a bootstrap
    // date loads nothing, yet the worker stays in its season).
    affinity_.job = c.job;
    affinity_.season = inputs_ && inputs_->reader->loaded_season()
                           ? inputs_->reader->loaded_season()
                           : SeasonYearOf(c.date);
    keeper_->Report({affinity_.season, affinity_.job, tally_.done()});
    if (SecondsSince(last_progress) >= 30) {
      last_progress = Clock::now();
      log_.Info(fmt::format("{} units done ({:.1f}/s)", tally_.done(),
                            static_cast<double>(tally_.done()) / SecondsSince(started)));
    }
  }
  if (ended.code() == Status::Code::kInterrupted) log_.Info(ended.message());
  Summary(SecondsSince(started));
  if (queue_ && ended.code() != Status::Code::kStorage) (void)queue_->DeregisterWorker(worker_id_);
  keeper_.reset();
  return ended;
}

}  // namespace

Status RunWorker(const WorkerOptions& options) { return Worker(options).Run(); }

}  // namespace phase4::scaleout
