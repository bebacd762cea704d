// Three `phase4 worker` processes over one season on a throwaway PostgreSQL
// server, and everything that goes wrong with workers in production
// (doc/scale-out.md, "What happens on failure"): one is SIGKILLed while it
// holds a unit, another is SIGSTOPped while it holds one for longer than
// its lease (another worker takes the unit over) and then SIGCONTinued, so
// that its late commit must be refused, and the server restarts under the
// survivors. A last `worker --until-idle` finishes whatever is left. The
// five tables then equal a single-process SQLite run's, and every unit was
// committed exactly once.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "scaleout/scaleout_support.h"

namespace phase4::scaleout {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::PostgresLeague;
using testing::RunPhase4;

// One season: every game date of 2023-24 (1,035 units).
constexpr const char* kStart = "2023-10-24";
constexpr const char* kEnd = "2024-06-20";
constexpr const char* kLease = "2";

class WorkerChaosTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(league_.ok()); }
  void TearDown() override {
    // However the test ended, no worker outlives it.
    for (pid_t pid : pids_)
      if (!exited_.count(pid)) {
        kill(pid, SIGCONT);
        testing::KillGroup(pid);
      }
  }
  // Waits for a worker's exit (reaping it); nullopt after `timeout`.
  std::optional<int> Wait(pid_t pid, Clock::duration timeout) {
    auto code = testing::WaitWithTimeout(pid, timeout);
    exited_.insert(pid);  // reaped either way (killed on a timeout)
    return code;
  }
  pid_t StartWorker(const std::string& name) {
    const pid_t pid = testing::SpawnPhase4(
        {"--warehouse", league_.uri(), "--log-level", "debug", "worker", "--until-idle",
         "--lease-seconds", kLease, "--poll-seconds", "0.05", "--reconnect-seconds", "60"},
        Log(name));
    pids_.push_back(pid);
    return pid;
  }
  fs::path Log(const std::string& name) const { return dir_.path() / (name + ".log"); }
  // The unit `pid` holds under a running lease as "job date token", if its
  // claim row is not locked (by the worker's own commit in flight): its
  // commit of that unit is then still to come. Only units past the season's
  // first weeks: a bootstrap date computes nothing.
  std::string HeldUnit(pid_t pid) {
    const std::string held = league_.Query(
        "SELECT c.job || ' ' || c.game_date || ' ' || c.token FROM nba_reference.phase4_claims c "
        "JOIN nba_reference.phase4_workers w USING (worker_id) WHERE w.pid = " +
        std::to_string(pid) +
        " AND c.state = 'leased' AND c.lease_until > now() AND c.game_date >= '2023-11-06'");
    if (held.empty()) return "";
    const std::string token = held.substr(held.rfind(' ') + 1);
    const std::string unlocked = league_.Query(
        "SELECT count(*) FROM (SELECT 1 FROM nba_reference.phase4_claims WHERE token = " + token +
        " FOR UPDATE SKIP LOCKED) s");
    return unlocked == "1" ? held : "";
  }
  // Stops `pid` (SIGSTOP) at a moment it holds a unit whose commit is
  // still to come; returns that unit.
  std::string StopHolding(pid_t pid) {
    for (auto deadline = Clock::now() + 60s; Clock::now() < deadline;) {
      kill(pid, SIGSTOP);
      std::this_thread::sleep_for(5ms);  // the stop takes effect
      if (std::string held = HeldUnit(pid); !held.empty()) return held;
      kill(pid, SIGCONT);
      std::this_thread::sleep_for(3ms);
    }
    return "";
  }
  // Waits until `condition` holds; false after `timeout`.
  static bool WaitFor(const std::function<bool()>& condition, Clock::duration timeout) {
    for (auto deadline = Clock::now() + timeout; Clock::now() < deadline;) {
      if (condition()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return condition();
  }

  PostgresLeague league_;
  testing::TempDir dir_;
  std::vector<pid_t> pids_;
  std::set<pid_t> exited_;
};

TEST_F(WorkerChaosTest, KilledStoppedAndCutOffWorkersLeaveEveryUnitCommittedExactlyOnce) {
  auto queued = RunPhase4({"--warehouse", league_.uri(), "run-all", "--start-date", kStart,
                           "--end-date", kEnd, "--workers", "0", "--quiet"});
  ASSERT_EQ(queued.exit_code, 0) << queued.out << queued.err;
  const int units = std::stoi(league_.Query("SELECT count(*) FROM nba_reference.phase4_claims"));
  ASSERT_GT(units, 1000);
  const pid_t killed = StartWorker("killed");
  const pid_t stopped = StartWorker("stopped");
  const pid_t survivor = StartWorker("survivor");

  // SIGKILL one mid-unit: its lease runs out and the unit is claimable.
  ASSERT_TRUE(WaitFor([&] { return !HeldUnit(killed).empty(); }, 60s)) << "no claim by worker 1";
  const std::string killed_unit = StopHolding(killed);
  ASSERT_FALSE(killed_unit.empty());
  kill(killed, SIGKILL);
  EXPECT_EQ(Wait(killed, 30s), std::optional<int>(128 + SIGKILL));

  // SIGSTOP another mid-unit for longer than its lease, until the survivor
  // has taken its unit over with a new token.
  const std::string stopped_unit = StopHolding(stopped);
  ASSERT_FALSE(stopped_unit.empty()) << "the second worker never held a unit";
  const std::string job = stopped_unit.substr(0, stopped_unit.find(' '));
  const std::string date = stopped_unit.substr(job.size() + 1, 10);
  const std::string old_token = stopped_unit.substr(stopped_unit.rfind(' ') + 1);
  const std::string where =
      " FROM nba_reference.phase4_claims WHERE job = '" + job + "' AND game_date = '" + date + "'";
  ASSERT_TRUE(WaitFor([&] { return league_.Query("SELECT token" + where) != old_token; }, 60s))
      << "nobody took over " << stopped_unit;
  // Resumed, it finishes the unit and tries to commit it: refused, logged.
  kill(stopped, SIGCONT);
  const std::string refused =
      "fenced: the commit of " + job + " " + date + " with token " + old_token + " was refused";
  EXPECT_TRUE(WaitFor(
      [&] { return testing::ReadFile(Log("stopped")).find(refused) != std::string::npos; }, 30s))
      << testing::ReadFile(Log("stopped"));
  EXPECT_NE(league_.Query("SELECT fenced" + where), "0");

  // The server restarts under the two workers left, mid-run; they
  // reconnect and give back the units in flight.
  EXPECT_NE(league_.Query("SELECT count(*) FROM nba_reference.phase4_claims WHERE state = "
                          "'queued'"),
            "0")
      << "the run ended before the restart";
  ASSERT_TRUE(league_.server().Start());
  for (pid_t pid : {stopped, survivor}) {
    auto code = Wait(pid, 120s);
    EXPECT_TRUE(code == 0) << "worker " << pid << " exited " << code.value_or(-1) << "\n"
                           << testing::ReadFile(pid == stopped ? Log("stopped") : Log("survivor"));
  }
  EXPECT_NE((testing::ReadFile(Log("stopped")) + testing::ReadFile(Log("survivor")))
                .find("reconnected to the warehouse"),
            std::string::npos);
  // A last worker finishes whatever is left (nothing, or what was in
  // flight at the restart).
  auto last = RunPhase4(
      {"--warehouse", league_.uri(), "worker", "--until-idle", "--lease-seconds", kLease});
  EXPECT_EQ(last.exit_code, 0) << last.out << last.err;

  EXPECT_TRUE(testing::Phase4Tables(league_.uri(), kStart, kEnd) ==
              testing::SqliteReference(kStart, kEnd))
      << "the tables differ from a single-process SQLite run's";
  // Exactly one successful commit per unit: the queue counted every commit
  // of each unit (in the commit's own transaction), the ledger recorded one
  // computation per unit, and the run history one success.
  EXPECT_EQ(league_.Query("SELECT count(*) FROM nba_reference.phase4_claims WHERE state <> "
                          "'settled' OR commits <> 1"),
            "0");
  EXPECT_EQ(league_.Query("SELECT count(*) FROM nba_reference.phase4_claims WHERE outcome NOT IN "
                          "('succeeded', 'skipped')"),
            "0");
  for (const char* ledger : {"nba_precompute.phase4_units", "nba_predictions.phase4_units"})
    EXPECT_EQ(league_.Query(std::string("SELECT count(*) FROM ") + ledger +
                            " WHERE state NOT IN ('succeeded', 'skipped') OR (state = "
                            "'succeeded' AND attempts <> 1)"),
              "0")
        << ledger;
  EXPECT_EQ(league_.Query("SELECT (SELECT count(*) FROM nba_precompute.phase4_units) + (SELECT "
                          "count(*) FROM nba_predictions.phase4_units)"),
            std::to_string(units));
  EXPECT_EQ(league_.Query("SELECT count(*) FROM (SELECT processor_name, data_date FROM "
                          "nba_reference.processor_run_history WHERE row_kind = 'final' AND "
                          "status = 'success' GROUP BY 1, 2 HAVING count(*) > 1) twice"),
            "0");
  EXPECT_NE(league_.Query("SELECT count(*) FROM nba_reference.processor_run_history WHERE "
                          "row_kind = 'final' AND error_message LIKE 'fenced:%'"),
            "0");
  auto check = RunPhase4({"--warehouse", league_.uri(), "check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

}  // namespace
}  // namespace phase4::scaleout
