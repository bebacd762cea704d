// Reliability of the backfill engine (doc/reliability.md): SIGKILL at random
// moments and in the middle of a date's write, a truncated checkpoint, stale
// locks, a full database, and concurrent runs on one warehouse. Each crash
// scenario ends by comparing the five Phase 4 tables and checkpoints with
// those of an uninterrupted run on an identical warehouse.
//
// Every child process runs in its own process group under a timeout: a hang
// fails the test (the group is killed) instead of blocking CI. Random choices
// come from fixed seeds, printed as `[   SEED   ]` lines.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string_view>
#include <thread>

#include "backfill/backfill_job.h"
#include "common/exit_codes.h"
#include "env/file_lock.h"
#include "phase3/schedule_store.h"
#include "processors/registry.h"
#include "tableio/csv.h"
#include "test_support.h"
#include "warehouse/sqlite_warehouse.h"

namespace phase4::backfill {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using processors::ProcessorInfo;
using testing::TempDir;

// The range of every scenario: 60 game dates of 2023-24, all after the
// bootstrap week, so each of the five jobs writes rows on every date.
constexpr char kStart[] = "2023-11-01";
constexpr char kEnd[] = "2024-01-05";
// A full run-all over the range takes seconds in release and about five
// times that under ASan; these bounds only catch hangs.
constexpr auto kRunTimeout = 300s;
constexpr auto kQuickTimeout = 60s;

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// ---------------------------------------------------------------- processes

using testing::ExitedStatus;
using testing::IsRunning;
using testing::KillGroup;
using testing::SpawnPhase4;
using testing::WaitWithTimeout;

// Polls `condition` while our child `pid` runs. True once it holds; false
// when the child exited first (its status goes to `*exited`) or the timeout
// passed (the group is then killed).
bool PollWhileRunning(pid_t pid, const std::function<bool()>& condition, std::optional<int>* exited,
                      Clock::duration timeout = kRunTimeout, Clock::duration interval = 1ms) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if ((*exited = ExitedStatus(pid))) return false;
    if (Clock::now() > deadline) {
      KillGroup(pid);
      return false;
    }
    std::this_thread::sleep_for(interval);
  }
}

struct Ran {
  pid_t pid = -1;
  int code = -1;  // exit status, 128+N for signal N, -1 on timeout
  std::string out;
};

// Runs phase4 to its end; a run that outlasts `timeout` is killed and fails
// the test.
Ran RunPhase4For(const std::vector<std::string>& args, const fs::path& log,
                 Clock::duration timeout = kRunTimeout) {
  Ran r;
  r.pid = SpawnPhase4(args, log);
  std::optional<int> code = WaitWithTimeout(r.pid, timeout);
  r.out = testing::ReadFile(log);
  if (!code)
    ADD_FAILURE() << "timed out after "
                  << std::chrono::duration_cast<std::chrono::seconds>(timeout).count()
                  << " s: phase4 " << Join(args, " ") << "\n"
                  << r.out;
  r.code = code.value_or(-1);
  return r;
}

// ---------------------------------------------------------------- SQLite

// A direct connection (not through phase4), to inspect or hold a file.
class Db {
 public:
  explicit Db(const fs::path& file = ":memory:") {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK)
      ADD_FAILURE() << "cannot open " << file << ": " << sqlite3_errmsg(db_);
    sqlite3_busy_timeout(db_, 60'000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK)
      ADD_FAILURE() << sql << ": " << (err ? err : "?");
    sqlite3_free(err);
  }
  // Each row's cells as text ("NULL" for NULL).
  std::vector<std::vector<std::string>> Rows(const std::string& sql) {
    std::vector<std::vector<std::string>> rows;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return rows;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
        row.push_back(p ? p : "NULL");
      }
      rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return rows;
  }
  int64_t Int(const std::string& sql) {
    auto rows = Rows(sql);
    return rows.empty() || rows[0].empty() ? -1 : std::stoll(rows[0][0]);
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

fs::path DatasetFile(const fs::path& wh, const TableSchema& t) { return wh / (t.dataset + ".db"); }

// The columns compared between runs: all but the write times, which are
// processed_at and created_at, and the source-tracking `source_*_last_updated`
// columns of #3-#5 (the processed_at of the upstream Phase 4 rows they read).
std::vector<std::string> ComparedColumns(const TableSchema& t) {
  std::vector<std::string> names;
  for (const auto& c : t.columns) {
    const bool source_time = c.name.starts_with("source_") && c.name.ends_with("_last_updated");
    if (c.name != "processed_at" && c.name != "created_at" && !source_time) names.push_back(c.name);
  }
  return names;
}

enum class Match {
  kEqual,           // the same rows (write times aside), date for date
  kWholeDatesOnly,  // every date present holds exactly the rows `want` has for it
};

// One table read in primary-key order (the key columns are text), as
// `key columns, compared columns`.
class KeyOrderCursor {
 public:
  KeyOrderCursor(sqlite3* db, const std::string& schema, const TableSchema& t) : db_(db) {
    const std::string keys = Join(t.primary_key, ", ");
    const std::string sql = "SELECT " + keys + ", " + Join(ComparedColumns(t), ", ") + " FROM " +
                            schema + "." + t.name + " ORDER BY " + keys;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK)
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    nkeys_ = static_cast<int>(t.primary_key.size());
    Next();
  }
  ~KeyOrderCursor() { sqlite3_finalize(st_); }
  bool has_row() const { return has_row_; }
  const std::vector<std::string>& key() const { return key_; }
  void Next() {
    has_row_ = false;
    if (!st_) return;
    int rc = sqlite3_step(st_);
    if (rc != SQLITE_ROW) {
      if (rc != SQLITE_DONE) ADD_FAILURE() << sqlite3_errmsg(db_);
      return;
    }
    has_row_ = true;
    key_.resize(static_cast<size_t>(nkeys_));
    for (int i = 0; i < nkeys_; ++i) {
      auto p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
      key_[static_cast<size_t>(i)] = p ? p : "";
    }
  }
  // The first compared column whose value differs from `o`'s current row,
  // or "" when none does.
  std::string FirstDifference(const KeyOrderCursor& o) const {
    for (int i = nkeys_; i < sqlite3_column_count(st_); ++i) {
      int type = sqlite3_column_type(st_, i);
      bool same = type == sqlite3_column_type(o.st_, i);
      if (same && type == SQLITE_INTEGER)
        same = sqlite3_column_int64(st_, i) == sqlite3_column_int64(o.st_, i);
      else if (same && type == SQLITE_FLOAT)
        same = sqlite3_column_double(st_, i) == sqlite3_column_double(o.st_, i);
      else if (same && type != SQLITE_NULL)
        same = std::string_view(reinterpret_cast<const char*>(sqlite3_column_blob(st_, i)),
                                static_cast<size_t>(sqlite3_column_bytes(st_, i))) ==
               std::string_view(reinterpret_cast<const char*>(sqlite3_column_blob(o.st_, i)),
                                static_cast<size_t>(sqlite3_column_bytes(o.st_, i)));
      if (!same) return sqlite3_column_name(st_, i);
    }
    return "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  int nkeys_ = 0;
  bool has_row_ = false;
  std::vector<std::string> key_;
};

// What is wrong with table `t` of warehouse `got`, measured against the same
// table of `want`; "" when nothing is. Both are walked once in key order.
std::string TableProblems(const fs::path& got, const fs::path& want, const TableSchema& t,
                          Match match) {
  Db db;
  db.Exec("ATTACH DATABASE '" + DatasetFile(got, t).string() + "' AS got");
  db.Exec("ATTACH DATABASE '" + DatasetFile(want, t).string() + "' AS want");
  KeyOrderCursor g(db.get(), "got", t), w(db.get(), "want", t);
  const size_t date_key = static_cast<size_t>(
      std::find(t.primary_key.begin(), t.primary_key.end(), t.date_column) - t.primary_key.begin());
  struct PerDate {
    int64_t got = 0, want = 0, only_got = 0, only_want = 0, differ = 0;
    std::string example;
  };
  std::map<std::string, PerDate> dates;
  int64_t duplicates = 0;
  std::vector<std::string> previous;
  while (g.has_row() || w.has_row()) {
    int order = !g.has_row() ? 1 : !w.has_row() ? -1 : g.key() < w.key() ? -1 : w.key() < g.key();
    const std::vector<std::string>& key = order <= 0 ? g.key() : w.key();
    PerDate& d = dates[key[date_key]];
    const std::string shown = "(" + Join(key, ", ") + ")";
    if (order < 0) {
      ++d.got;
      if (d.only_got++ == 0 && d.example.empty()) d.example = shown + " is extra";
    } else if (order > 0) {
      ++d.want;
      if (d.only_want++ == 0 && d.example.empty()) d.example = shown + " is missing";
    } else {
      ++d.got;
      ++d.want;
      if (std::string col = g.FirstDifference(w); !col.empty()) {
        if (d.differ++ == 0 && d.example.empty()) d.example = shown + " differs in " + col;
      }
    }
    if (order <= 0) {
      previous = g.key();
      g.Next();
      // The primary key makes this impossible; checked all the same.
      duplicates += g.has_row() && g.key() == previous;
    }
    if (order >= 0) w.Next();
  }
  std::string problems;
  if (duplicates != 0) problems += fmt::format("{} keys hold more than one row\n", duplicates);
  int shown = 0;
  for (const auto& [date, d] : dates) {
    bool missing_date = d.got == 0;
    if (missing_date && match == Match::kWholeDatesOnly) continue;
    if (!d.only_got && !d.only_want && !d.differ) continue;
    if (++shown > 5) {
      problems += "...\n";
      break;
    }
    problems += missing_date
                    ? fmt::format("{}: missing ({} rows)\n", date, d.want)
                    : fmt::format(
                          "{}: {} rows, {} expected; {} extra, {} missing, {} "
                          "differ; e.g. {}\n",
                          date, d.got, d.want, d.only_got, d.only_want, d.differ, d.example);
  }
  return problems;
}

// Row count per date of `t` in warehouse `wh`.
std::map<std::string, int64_t> RowsPerDate(const fs::path& wh, const TableSchema& t) {
  Db db(DatasetFile(wh, t));
  std::map<std::string, int64_t> out;
  for (const auto& r :
       db.Rows("SELECT " + t.date_column + ", COUNT(*) FROM " + t.name + " GROUP BY 1"))
    out[r[0]] = std::stoll(r[1]);
  return out;
}

// The dates of `job` the ledger records as succeeded.
std::set<std::string> SucceededUnits(const fs::path& wh, const ProcessorInfo& job) {
  Db db(DatasetFile(wh, *job.output));
  std::set<std::string> out;
  for (const auto& r : db.Rows("SELECT game_date FROM phase4_units WHERE job = '" + job.name +
                               "' AND state = 'succeeded'"))
    out.insert(r[0]);
  return out;
}

// Where the ledger of `job` contradicts its table ("" when nowhere): a date
// with rows and no unit, or a unit whose recorded row count is not the
// stored one. The ledger commits with the rows, so no crash may leave one.
std::string LedgerProblems(const fs::path& wh, const ProcessorInfo& job) {
  std::map<std::string, int64_t> stored = RowsPerDate(wh, *job.output);
  Db db(DatasetFile(wh, *job.output));
  std::map<std::string, std::pair<std::string, int64_t>> units;
  for (const auto& r : db.Rows("SELECT game_date, state, rows_written FROM phase4_units WHERE "
                               "job = '" +
                               job.name + "'"))
    units[r[0]] = {r[1], std::stoll(r[2])};
  std::string problems;
  for (const auto& [d, n] : stored)
    if (!units.count(d)) problems += fmt::format("{}: {} rows and no unit; ", d, n);
  for (const auto& [d, unit] : units) {
    const int64_t n = stored.count(d) ? stored.at(d) : 0;
    if (unit.second != n)
      problems +=
          fmt::format("{}: unit {} records {} rows, {} stored; ", d, unit.first, unit.second, n);
  }
  return problems;
}

// ---------------------------------------------------------------- checkpoints

fs::path CheckpointFile(const fs::path& dir, const std::string& job, const std::string& start,
                        const std::string& end) {
  return dir / (job + "_" + start + "_" + end + ".json");
}
fs::path CheckpointFile(const fs::path& dir, const std::string& job) {
  return CheckpointFile(dir, job, kStart, kEnd);
}
fs::path LockFile(const fs::path& checkpoint) { return checkpoint.string() + ".lock"; }

struct CheckpointView {
  bool present = false;
  bool valid = false;  // parses, with the three date lists
  std::set<std::string> successful, failed, skipped;
  std::map<std::string, std::string> errors;
  size_t processed() const { return successful.size() + failed.size() + skipped.size(); }
};

// The checkpoint file as it is now. It is replaced by rename, so a read sees
// one whole version.
CheckpointView ReadCheckpoint(const fs::path& file) {
  CheckpointView v;
  std::error_code ec;
  if (!fs::exists(file, ec)) return v;
  v.present = true;
  auto j = nlohmann::json::parse(testing::ReadFile(file), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return v;
  try {
    for (const auto& s : j.at("successful_dates")) v.successful.insert(s.get<std::string>());
    for (const auto& s : j.at("failed_dates")) v.failed.insert(s.get<std::string>());
    for (const auto& s : j.at("skipped_dates")) v.skipped.insert(s.get<std::string>());
    if (j.contains("failed_errors"))
      for (const auto& [k, e] : j.at("failed_errors").items()) v.errors[k] = e.get<std::string>();
  } catch (const std::exception&) {
    return v;
  }
  v.valid = true;
  return v;
}

// "" when the checkpoint records every game date as successful or skipped,
// none twice and none failed.
std::string CheckpointProblems(const fs::path& file, const std::vector<std::string>& game_dates) {
  CheckpointView v = ReadCheckpoint(file);
  if (!v.present) return "no checkpoint " + file.string();
  if (!v.valid) return "checkpoint " + file.string() + " does not parse";
  std::string problems;
  for (const auto& d : v.failed) problems += "failed: " + d + " (" + v.errors[d] + ")\n";
  for (const auto& d : game_dates) {
    int lists = static_cast<int>(v.successful.count(d) + v.skipped.count(d) + v.failed.count(d));
    if (lists == 0) problems += "not recorded: " + d + "\n";
    if (lists > 1) problems += "in two lists: " + d + "\n";
  }
  if (v.processed() != game_dates.size())
    problems += fmt::format("{} dates recorded, {} game dates\n", v.processed(), game_dates.size());
  return problems;
}

// ---------------------------------------------------------------- leagues

struct League {
  TempDir dir;
  fs::path generated;                   // the 2023-24 league, before any Phase 4 run
  fs::path reference;                   // the same after one uninterrupted run-all over the range
  std::vector<std::string> game_dates;  // of the range
};

League& Shared() {
  static auto league = std::make_unique<League>();  // removed at exit
  return *league;
}

// Generated once per test binary.
const fs::path& GeneratedLeague() {
  League& l = Shared();
  if (l.generated.empty()) {
    fs::path p = l.dir.path() / "generated";
    auto r = RunPhase4For({"--warehouse", p.string(), "generate", "--seasons", "2023-2023"},
                          l.dir.path() / "generate.log");
    EXPECT_EQ(r.code, 0) << r.out;
    l.generated = p;
  }
  return l.generated;
}

// The uninterrupted run every crash scenario is compared with: the same
// run-all command on a copy of the generated league. Made once per test
// binary, on first use.
const League& Reference() {
  League& l = Shared();
  if (l.reference.empty()) {
    fs::path ref = l.dir.path() / "reference";
    fs::copy(GeneratedLeague(), ref, fs::copy_options::recursive);
    auto r =
        RunPhase4For({"--warehouse", ref.string(), "run-all", "--start-date", kStart, "--end-date",
                      kEnd, "--checkpoint-dir", (l.dir.path() / "ref-ck").string()},
                     l.dir.path() / "reference.log");
    EXPECT_EQ(r.code, 0) << r.out;
    auto wh = Warehouse::Open(ref.string(), false);
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    if (wh.ok()) {
      auto cal = phase3::ReadCalendar(**wh);
      EXPECT_TRUE(cal.ok());
      if (cal.ok())
        for (Date d : cal->GameDates(*ParseDate(kStart), *ParseDate(kEnd))) {
          EXPECT_FALSE(cal->IsBootstrap(d)) << FormatDate(d);
          l.game_dates.push_back(FormatDate(d));
        }
    }
    EXPECT_EQ(l.game_dates.size(), 60u);
    // Each job wrote rows on every game date of the range, so a date missing
    // from a table is a loss, not a date without rows.
    for (const ProcessorInfo* p : processors::AllProcessors())
      EXPECT_EQ(RowsPerDate(ref, *p->output).size(), l.game_dates.size()) << p->name;
    l.reference = ref;
  }
  return l;
}

class ReliabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(GeneratedLeague(), wh(), fs::copy_options::recursive);
    fs::create_directories(dir_.path() / "logs");
  }

  fs::path wh() const { return dir_.path() / "wh"; }
  fs::path ckdir() const { return dir_.path() / "ck"; }
  fs::path Checkpoint(const std::string& job) const { return CheckpointFile(ckdir(), job); }
  // A new log file per command, under the test's directory.
  fs::path NextLog(const std::string& what) {
    return dir_.path() / "logs" / fmt::format("{:03}-{}.log", ++logs_, what);
  }
  std::vector<std::string> RunAllArgs() const {
    return {"--warehouse", wh().string(), "run-all",          "--start-date",  kStart,
            "--end-date",  kEnd,          "--checkpoint-dir", ckdir().string()};
  }
  std::vector<std::string> BackfillArgs(const fs::path& wh, const std::string& job,
                                        const fs::path& ckdir) const {
    return {"--warehouse", wh.string(), "backfill",         job,           "--start-date", kStart,
            "--end-date",  kEnd,        "--checkpoint-dir", ckdir.string()};
  }

  // Every output table equals the reference's (write times aside: same
  // rows, no duplicate key, no missing date) and every checkpoint is complete.
  void ExpectSameAsReference() {
    const League& ref = Reference();
    for (const ProcessorInfo* p : processors::AllProcessors()) {
      SCOPED_TRACE(p->name);
      EXPECT_EQ(TableProblems(wh(), ref.reference, *p->output, Match::kEqual), "");
      EXPECT_EQ(CheckpointProblems(Checkpoint(p->name), ref.game_dates), "");
      EXPECT_EQ(LedgerProblems(wh(), *p), "");
    }
  }

  TempDir dir_;
  int logs_ = 0;
};

std::mt19937 SeededRng(uint32_t seed) {
  std::cout << "[   SEED   ] " << seed << std::endl;
  ::testing::Test::RecordProperty("seed", static_cast<int>(seed));
  return std::mt19937(seed);
}

size_t Uniform(std::mt19937& rng, size_t lo, size_t hi) {
  return std::uniform_int_distribution<size_t>(lo, hi)(rng);
}

// ------------------------------------------------- a kill inside a write

// In a child process that runs a job in-process, every SQLite connection
// gets an update hook that SIGKILLs the process while it inserts its Nth row
// into the job's table: inside that date's transaction, after part of its
// rows went in.
const char* g_kill_table = nullptr;
std::atomic<int64_t> g_inserts_before_kill{0};

void KillOnInsert(void*, int op, const char*, const char* table, sqlite3_int64) {
  if (op == SQLITE_INSERT && std::strcmp(table, g_kill_table) == 0 &&
      g_inserts_before_kill.fetch_sub(1) == 1)
    raise(SIGKILL);
}

int InstallKillOnInsert(sqlite3* db, const char**, const sqlite3_api_routines*) {
  sqlite3_update_hook(db, KillOnInsert, nullptr);
  return SQLITE_OK;
}

// Runs `job` over the range like `phase4 backfill` does, in a forked child
// that is killed while inserting its `nth_insert`th row of the job's table.
// Returns the child's end (128 + 9 when the kill came).
int RunJobKilledAtInsert(const fs::path& wh, const fs::path& ckdir, const ProcessorInfo& job,
                         int64_t nth_insert, const fs::path& log) {
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    g_kill_table = job.output->name.c_str();
    g_inserts_before_kill = nth_insert;
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(InstallKillOnInsert));
    std::FILE* out = std::fopen(log.c_str(), "w");
    int rc = kExitFatal;
    if (out) {
      auto opened = Warehouse::Open(wh.string(), false);
      if (opened.ok()) {
        BackfillOptions o;
        o.job = job.name;
        o.start = *ParseDate(kStart);
        o.end = *ParseDate(kEnd);
        o.checkpoint_dir = ckdir.string();
        rc = ExitCodeFor(RunBackfill(**opened, o, out).status);
      } else {
        std::fprintf(out, "%s\n", opened.status().message().c_str());
      }
      std::fclose(out);
    }
    _exit(rc);
  }
  setpgid(pid, pid);
  std::optional<int> code = WaitWithTimeout(pid, kRunTimeout);
  if (!code) ADD_FAILURE() << "in-process run of " << job.name << " timed out";
  return code.value_or(-1);
}

// Start rows of the run history without their final row: dates a killed
// process had begun and not finished.
int64_t UnfinishedRuns(Db& reference_db) {
  return reference_db.Int(
      "SELECT COUNT(*) FROM processor_run_history s WHERE s.row_kind = 'start' AND NOT EXISTS "
      "(SELECT 1 FROM processor_run_history f WHERE f.run_id = s.run_id AND f.row_kind = "
      "'final')");
}

// ---------------------------------------------------------------- 1. crashes

// run-all over 60 dates is SIGKILLed (with every job process) at seeded
// random moments aimed at each job in turn, and each job is also killed in
// the middle of inserting a date's rows; after each crash the tables hold
// only whole dates; the same command then finishes the range, and the five
// tables and checkpoints equal those of an uninterrupted run.
TEST_F(ReliabilityTest, KilledAtRandomMomentsAndMidWriteResumesToTheUninterruptedResult) {
  const League& ref = Reference();
  std::mt19937 rng = SeededRng(20240105);
  const auto& jobs = processors::AllProcessors();
  const size_t total = ref.game_dates.size();
  Db history(wh() / "nba_reference.db");

  int kills = 0, mid_date_kills = 0, torn_checkpoint_reads = 0;
  std::set<std::string> hit_by_run_all;  // jobs running when a run-all kill came
  auto watch = [&](const std::string& job) {
    CheckpointView v = ReadCheckpoint(Checkpoint(job));
    if (v.present && !v.valid) ++torn_checkpoint_reads;
    return v;
  };
  // After a kill: which jobs it interrupted (their lock file is left behind
  // and their range is unfinished), whether a date was half done, and that
  // no table holds part of a date.
  auto after_kill = [&](const std::string& what, int64_t unfinished_before, bool run_all) {
    ++kills;
    std::vector<std::string> running;
    for (const ProcessorInfo* p : jobs) {
      if (!fs::exists(LockFile(Checkpoint(p->name))) || watch(p->name).processed() >= total)
        continue;
      running.push_back(p->name);
      if (run_all) hit_by_run_all.insert(p->name);
      EXPECT_EQ(TableProblems(wh(), ref.reference, *p->output, Match::kWholeDatesOnly), "")
          << p->name << " after kill " << kills;
    }
    // The ledger agrees with every table, whatever the kill interrupted.
    for (const ProcessorInfo* p : jobs)
      EXPECT_EQ(LedgerProblems(wh(), *p), "") << p->name << " after kill " << kills;
    bool mid_date = UnfinishedRuns(history) > unfinished_before;
    mid_date_kills += mid_date;
    std::cout << "  kill " << kills << " (" << what << "): interrupted [" << Join(running, ", ")
              << "]" << (mid_date ? ", in the middle of a date" : "") << std::endl;
  };

  // A kill during start-up (warehouse open, locks, checkpoint creation).
  {
    int64_t before = UnfinishedRuns(history);
    pid_t pid = SpawnPhase4(RunAllArgs(), NextLog("run-all"));
    auto delay = std::chrono::microseconds(Uniform(rng, 0, 40'000));
    std::this_thread::sleep_for(delay);
    KillGroup(pid);
    after_kill(fmt::format("run-all, {} us after start", delay.count()), before, true);
  }
  for (size_t j = 0; j < jobs.size(); ++j) {
    const ProcessorInfo& job = *jobs[j];
    // (a) Kill run-all once this job has recorded k dates, plus a random
    // delay; every other time, wait instead until a date has begun and not
    // finished, to land inside it. #1 is killed in the first half of the
    // range, so that #2, which runs beside it and is slower, is still
    // running too.
    {
      size_t done = watch(job.name).processed();
      ASSERT_LT(done + 4, total) << job.name << " is already (almost) done";
      size_t k = Uniform(rng, done + 1, j == 0 ? total / 2 : total - 4);
      bool inside_a_date = j % 2 == 1;
      int64_t before = UnfinishedRuns(history);
      pid_t pid = SpawnPhase4(RunAllArgs(), NextLog("run-all"));
      std::optional<int> exited;
      bool reached = PollWhileRunning(
          pid, [&] { return watch(job.name).processed() >= k; }, &exited);
      ASSERT_TRUE(reached) << "run-all ended (status " << exited.value_or(-1) << ") before "
                           << job.name << " reached " << k << " dates";
      std::string what = fmt::format("run-all, {} at {}/{} dates", job.name, k, total);
      if (inside_a_date) {
        PollWhileRunning(
            pid, [&] { return UnfinishedRuns(history) > before; }, &exited, 10s, 250us);
        what += ", inside a date";
      } else {
        auto delay = std::chrono::microseconds(Uniform(rng, 0, 15'000));
        std::this_thread::sleep_for(delay);
        what += fmt::format(" + {} us", delay.count());
      }
      if (exited) FAIL() << "run-all ended early with status " << *exited;
      KillGroup(pid);
      after_kill(what, before, true);
    }
    // (b) Kill a run of this job in the middle of a date's insert. Its
    // upstream jobs are finished first (a pipelined run-all left them
    // part-way), so that every date of the job has its inputs.
    {
      for (const auto& up : job.phase4_upstreams) {
        auto finished = RunPhase4For(BackfillArgs(wh(), up, ckdir()), NextLog("finish-" + up));
        ASSERT_EQ(finished.code, 0) << finished.out;
      }
      // The dates the run will write: those the ledger has not recorded
      // as succeeded (the checkpoint file is its view, and may lag it by
      // the save the kill interrupted).
      const std::set<std::string> done = SucceededUnits(wh(), job);
      std::map<std::string, int64_t> ref_rows = RowsPerDate(ref.reference, *job.output);
      std::vector<std::pair<std::string, int64_t>> pending;  // date, rows to insert
      int64_t remaining = 0;
      for (const auto& d : ref.game_dates)
        if (!done.count(d)) {
          pending.emplace_back(d, ref_rows[d]);
          remaining += ref_rows[d];
        }
      if (remaining == 0) continue;
      int64_t n = static_cast<int64_t>(Uniform(rng, 1, static_cast<size_t>(remaining)));
      std::string target;
      int64_t row_in_date = n;
      for (const auto& [d, rows] : pending) {
        if (row_in_date <= rows) {
          target = d;
          break;
        }
        row_in_date -= rows;
      }
      std::map<std::string, int64_t> rows_before = RowsPerDate(wh(), *job.output);
      int64_t before = UnfinishedRuns(history);
      int rc = RunJobKilledAtInsert(wh(), ckdir(), job, n, NextLog("in-process-" + job.name));
      ASSERT_EQ(rc, 128 + SIGKILL) << "the kill at insert " << n << " did not come";
      after_kill(fmt::format("in-process {}, insert {} of {} (row {} of {})", job.name, n,
                             remaining, row_in_date, target),
                 before, false);
      // The interrupted date keeps what it had before its transaction
      // began (nothing, or a whole earlier write) and is not successful.
      EXPECT_EQ(RowsPerDate(wh(), *job.output)[target], rows_before[target]) << target;
      EXPECT_FALSE(SucceededUnits(wh(), job).count(target)) << target;
      EXPECT_FALSE(watch(job.name).successful.count(target)) << target;
    }
  }
  auto done = RunPhase4For(RunAllArgs(), NextLog("run-all-final"));
  ASSERT_EQ(done.code, 0) << done.out;
  EXPECT_NE(done.out.find("Phase 4 Backfill Complete!"), std::string::npos) << done.out;

  EXPECT_GE(kills, 5);
  EXPECT_EQ(hit_by_run_all.size(), jobs.size())
      << "the run-all kills reached only: "
      << Join(std::vector<std::string>(hit_by_run_all.begin(), hit_by_run_all.end()), ", ");
  EXPECT_GE(mid_date_kills, static_cast<int>(jobs.size()));
  EXPECT_EQ(torn_checkpoint_reads, 0) << "a checkpoint was seen half written";
  ExpectSameAsReference();
}

// ------------------------------------------------- 2. damaged run state

// A run-all killed while #3 runs leaves a stale lock; its checkpoint is then
// truncated in the middle, a half-written temp file lies beside it, and #4
// has a stale lock file naming a live process (as after pid reuse). The same
// command recovers without waiting on any lock, moves the damaged checkpoint
// aside with a warning, resumes #3 from the ledger and ends with the tables
// of an uninterrupted run.
TEST_F(ReliabilityTest, TruncatedCheckpointAndStaleLocksAreRecovered) {
  const League& ref = Reference();
  std::mt19937 rng = SeededRng(20231101);
  const auto& jobs = processors::AllProcessors();
  const std::string job3 = jobs[2]->name, job4 = jobs[3]->name;
  const size_t total = ref.game_dates.size();

  size_t k = Uniform(rng, 5, total - 5);
  pid_t pid = SpawnPhase4(RunAllArgs(), NextLog("run-all"));
  std::optional<int> exited;
  ASSERT_TRUE(PollWhileRunning(
      pid, [&] { return ReadCheckpoint(Checkpoint(job3)).processed() >= k; }, &exited))
      << "run-all ended (status " << exited.value_or(-1) << ") first";
  std::this_thread::sleep_for(std::chrono::microseconds(Uniform(rng, 0, 10'000)));
  KillGroup(pid);

  // The killed job left its lock file, naming a process that is gone.
  const fs::path cp3 = Checkpoint(job3);
  ASSERT_TRUE(fs::exists(LockFile(cp3)));
  std::optional<LockHolder> holder = FileLock::ReadHolder(LockFile(cp3));
  ASSERT_TRUE(holder);
  EXPECT_FALSE(IsRunning(static_cast<pid_t>(holder->pid)));
  // The job ran inside the (pipelined) run-all process.
  EXPECT_NE(holder->command.find(" run-all "), std::string::npos) << holder->command;

  // Truncate #3's checkpoint in the middle.
  const std::string text = testing::ReadFile(cp3);
  ASSERT_GT(text.size(), 100u);
  const std::string truncated = text.substr(0, Uniform(rng, text.size() / 4, text.size() * 3 / 4));
  testing::WriteFile(cp3, truncated);
  testing::WriteFile(cp3.string() + ".tmp", truncated.substr(0, truncated.size() / 2));
  // #4's stale lock file names this (live) test process, as after pid reuse.
  LockHolder fake{static_cast<long>(getpid()), "localhost", "2024-01-01T00:00:00Z",
                  "phase4 backfill " + job4};
  testing::WriteFile(
      LockFile(Checkpoint(job4)),
      fmt::format(R"({{"pid": {}, "host": "{}", "started_at": "{}", "command": "{}"}})", fake.pid,
                  fake.host, fake.started_at, fake.command) +
          "\n");

  auto r = RunPhase4For(RunAllArgs(), NextLog("run-all-resume"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find("is locked by"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning: checkpoint " + cp3.string() + " is corrupt"), std::string::npos)
      << r.out;
  // #3 resumed from the ledger, whatever its damaged checkpoint said.
  const std::string log = testing::RunLogText(r.out);
  EXPECT_NE(log.find(fmt::format("[#3 {}] Resuming: ", job3)), std::string::npos) << log;
  EXPECT_EQ(log.find(fmt::format("[#3 {}] Processing {} days (of {} total)", job3, total, total)),
            std::string::npos)
      << log;
  std::vector<fs::path> aside, locks;
  for (const auto& e : fs::directory_iterator(ckdir())) {
    const std::string name = e.path().filename().string();
    if (name.rfind(cp3.filename().string() + ".corrupt-", 0) == 0) aside.push_back(e.path());
    if (e.path().extension() == ".lock" || e.path().extension() == ".tmp")
      locks.push_back(e.path());
  }
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_EQ(testing::ReadFile(aside[0]), truncated) << "the damaged file is kept byte for byte";
  EXPECT_TRUE(locks.empty()) << locks.front();
  ExpectSameAsReference();
}

// ------------------------------------------------- 3. a full database

// The output file fills up in the middle of a date's write (max_page_count
// on the engine's connection): the date fails with a message saying the
// database is full, keeps the rows it had, is not recorded as successful,
// and a re-run once space is back completes with the rows of a normal run.
TEST_F(ReliabilityTest, AFullDatabaseStopsTheRunKeepsTheDateAndAReRunFinishesIt) {
  const ProcessorInfo& job = *processors::FindProcessor("player_shot_zone_analysis");
  const TableSchema& t = *job.output;
  const Date first = MakeDate(2023, 11, 6), last = MakeDate(2023, 11, 10);
  const Date full_date = MakeDate(2023, 11, 8);
  const Date new_first = MakeDate(2023, 11, 11), new_last = MakeDate(2023, 11, 14);
  const std::string order = " ORDER BY " + Join(t.primary_key, ", ");

  // The same job over both ranges on a copy nobody limits.
  TempDir normal;
  fs::copy(GeneratedLeague(), normal.path() / "wh", fs::copy_options::recursive);

  auto opened = SqliteWarehouse::Open(wh().string(), false);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  SqliteWarehouse& w = **opened;
  auto run = [&](Warehouse& on, Date s, Date e, bool no_resume, const fs::path& ck) {
    BackfillOptions o;
    o.job = job.name;
    o.start = s;
    o.end = e;
    o.no_resume = no_resume;
    o.checkpoint_dir = ck.string();
    std::FILE* out = std::tmpfile();
    o.err = out;
    BackfillResult result = RunBackfill(on, o, out);
    std::rewind(out);
    std::string text;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, out)) > 0;) text.append(buf, n);
    std::fclose(out);
    // What the run printed, then how it ended.
    return std::make_pair(result, text + result.status.message());
  };
  {
    auto n = Warehouse::Open((normal.path() / "wh").string(), false);
    ASSERT_TRUE(n.ok());
    ASSERT_TRUE(run(**n, first, new_last, false, normal.path() / "ck").first.status.ok());
  }
  auto [rc0, out0] = run(w, first, last, false, ckdir());
  ASSERT_TRUE(rc0.status.ok()) << out0;

  // An older version of the date with half its rows, and no free page left
  // in the file, so replacing the date needs pages the file cannot get.
  Db db(DatasetFile(wh(), t));
  db.Exec(fmt::format("DELETE FROM {} WHERE {} = '{}' AND rowid % 2 = 0", t.name, t.date_column,
                      FormatDate(full_date)));
  db.Exec("VACUUM");
  const auto before = db.Rows("SELECT * FROM " + t.name + order);  // write times included
  const auto rows_of_date = [&] {
    return db.Int(fmt::format("SELECT COUNT(*) FROM {} WHERE {} = '{}'", t.name, t.date_column,
                              FormatDate(full_date)));
  };
  const int64_t old_rows = rows_of_date();
  ASSERT_GT(old_rows, 50);
  {
    auto pages = w.Prepare("PRAGMA nba_precompute.page_count");
    ASSERT_TRUE(pages.ok() && pages->Step());
    ASSERT_TRUE(
        w.Exec(fmt::format("PRAGMA nba_precompute.max_page_count = {}", pages->ColumnInt(0))).ok());
  }

  // (a) Rewriting the date (as --no-resume does) runs out of space midway:
  // the run stops with a storage failure (exit 74) and one message naming
  // the file; the date is not recorded as failed (nothing is wrong with its
  // data), and the result says which date was not recorded.
  const std::string file = (wh() / "nba_precompute.db").string();
  auto [rc1, out1] = run(w, full_date, full_date, true, ckdir());
  EXPECT_EQ(rc1.status.code(), Status::Code::kStorage) << out1;
  EXPECT_EQ(rc1.unrecorded_date, full_date);
  EXPECT_NE(out1.find("writing nba_precompute.player_shot_zone_analysis for 2023-11-08"),
            std::string::npos)
      << out1;
  EXPECT_NE(out1.find(file + ": database or disk is full"), std::string::npos) << out1;
  EXPECT_EQ(rc1.status.message().rfind("storage failure, stopped at 2023-11-08: ", 0), 0u) << out1;
  EXPECT_EQ(db.Rows("SELECT * FROM " + t.name + order), before) << "rows changed";
  CheckpointView cp1 = ReadCheckpoint(
      CheckpointFile(ckdir(), job.name, FormatDate(full_date), FormatDate(full_date)));
  EXPECT_TRUE(cp1.successful.empty());
  EXPECT_TRUE(cp1.failed.empty());
  // The run history records the attempt.
  Db history(wh() / "nba_reference.db");
  EXPECT_EQ(history.Int(fmt::format(
                "SELECT COUNT(*) FROM processor_run_history WHERE processor_name = '{}' AND "
                "data_date = '{}' AND row_kind = 'final' AND status = 'failed' AND error_message "
                "LIKE '%full%'",
                job.name, FormatDate(full_date))),
            1);

  // (b) A new range stops at its first date: one date tried, none recorded,
  // no partial rows (before the change, every date failed the same way).
  const fs::path new_cp =
      CheckpointFile(ckdir(), job.name, FormatDate(new_first), FormatDate(new_last));
  auto [rc2, out2] = run(w, new_first, new_last, false, ckdir());
  EXPECT_EQ(rc2.status.code(), Status::Code::kStorage) << out2;
  EXPECT_EQ(db.Rows("SELECT * FROM " + t.name + order), before) << "rows changed";
  EXPECT_EQ(history.Int(fmt::format(
                "SELECT COUNT(*) FROM processor_run_history WHERE processor_name = '{}' AND "
                "data_date >= '{}' AND row_kind = 'start'",
                job.name, FormatDate(new_first))),
            1);
  CheckpointView cp2 = ReadCheckpoint(new_cp);
  EXPECT_TRUE(cp2.successful.empty());
  EXPECT_TRUE(cp2.failed.empty());

  // Space is back: plain re-runs of both commands finish their ranges.
  ASSERT_TRUE(w.Exec("PRAGMA nba_precompute.max_page_count = 1073741823").ok());
  auto [rc3, out3] = run(w, full_date, full_date, false, ckdir());
  EXPECT_TRUE(rc3.status.ok()) << out3;
  auto [rc4, out4] = run(w, new_first, new_last, false, ckdir());
  EXPECT_TRUE(rc4.status.ok()) << out4;
  EXPECT_GT(rows_of_date(), old_rows);
  EXPECT_EQ(TableProblems(wh(), normal.path() / "wh", t, Match::kEqual), "");
  EXPECT_EQ(ReadCheckpoint(new_cp).successful.size(), 4u);
}

// ------------------------------------------------- 4. concurrency

// Two runs of the same job and range: the second exits 75 at once naming the
// holder, writes nothing, and the first completes. Runs of #1 and #2 (both
// write nba_precompute.db and nba_reference.db) proceed together, waiting on
// a busy database instead of failing, while `phase4 export` reads #1's table;
// they end with the rows of sequential runs, and no export ever shows part of
// a date.
TEST_F(ReliabilityTest, ConcurrentRunsRefuseTheSameJobAndShareTheWarehouseOtherwise) {
  const ProcessorInfo& job1 = *processors::AllProcessors()[0];
  const ProcessorInfo& job2 = *processors::AllProcessors()[1];

  // Sequential runs on a second copy: the expected rows.
  TempDir seq;
  const fs::path seq_wh = seq.path() / "wh";
  fs::copy(GeneratedLeague(), seq_wh, fs::copy_options::recursive);
  for (const ProcessorInfo* job : {&job1, &job2}) {
    auto r = RunPhase4For(BackfillArgs(seq_wh, job->name, seq.path() / "ck"),
                          NextLog("sequential-" + job->name));
    ASSERT_EQ(r.code, 0) << r.out;
  }
  const std::map<std::string, int64_t> expected_per_date = RowsPerDate(seq_wh, *job1.output);

  // Hold the write lock of both files the jobs write: the two runs start,
  // take their checkpoint locks, then wait on the database.
  auto blocker = std::make_unique<Db>(wh() / "nba_precompute.db");
  blocker->Exec("ATTACH DATABASE '" + (wh() / "nba_reference.db").string() + "' AS ref");
  blocker->Exec("BEGIN IMMEDIATE");  // write-locks every attached file
  const fs::path a_log = NextLog("first-" + job1.name), b_log = NextLog("first-" + job2.name);
  pid_t a = SpawnPhase4(BackfillArgs(wh(), job1.name, ckdir()), a_log);
  pid_t b = SpawnPhase4(BackfillArgs(wh(), job2.name, ckdir()), b_log);
  for (auto [pid, job] : {std::pair{a, &job1}, std::pair{b, &job2}}) {
    std::optional<int> exited;
    ASSERT_TRUE(PollWhileRunning(
        pid,
        [&, pid = pid, job = job] {
          auto h = FileLock::ReadHolder(LockFile(Checkpoint(job->name)));
          return h && h->pid == pid;
        },
        &exited, kQuickTimeout))
        << job->name << " ended with " << exited.value_or(-1) << " before taking its lock";
  }
  std::vector<pid_t> refused;
  for (auto [pid, job] : {std::pair{a, &job1}, std::pair{b, &job2}}) {
    auto second = RunPhase4For(BackfillArgs(wh(), job->name, ckdir()),
                               NextLog("second-" + job->name), kQuickTimeout);
    EXPECT_EQ(second.code, kExitLocked) << second.out;
    EXPECT_NE(second.out.find("job " + job->name + " of warehouse " + wh().string() +
                              " is locked by pid " + std::to_string(pid) + " on host"),
              std::string::npos)
        << second.out;
    refused.push_back(second.pid);
  }
  // Neither first run has recorded a date: both were waiting on the database.
  EXPECT_EQ(ReadCheckpoint(Checkpoint(job1.name)).processed(), 0u);
  EXPECT_EQ(ReadCheckpoint(Checkpoint(job2.name)).processed(), 0u);
  EXPECT_TRUE(SucceededUnits(wh(), job1).empty());
  EXPECT_TRUE(SucceededUnits(wh(), job2).empty());
  blocker->Exec("ROLLBACK");
  blocker.reset();

  // Read #1's table until both runs end.
  int exports = 0;
  std::optional<int> a_code, b_code;
  const auto deadline = Clock::now() + kRunTimeout;
  while (!(a_code && b_code) && Clock::now() < deadline) {
    auto e = RunPhase4For({"--warehouse", wh().string(), "export", job1.output->FullName()},
                          NextLog("export"), kQuickTimeout);
    ASSERT_EQ(e.code, 0) << e.out;
    ++exports;
    tableio::CsvReader reader("export", e.out);
    tableio::CsvRecord rec;
    int date_col = -1;
    std::map<std::string, int64_t> per_date;
    while (reader.Next(&rec).ok() && !reader.done()) {
      if (date_col < 0) {
        for (size_t i = 0; i < rec.fields.size(); ++i)
          if (rec.fields[i].text == job1.output->date_column) date_col = static_cast<int>(i);
        ASSERT_GE(date_col, 0);
        continue;
      }
      ++per_date[rec.fields[static_cast<size_t>(date_col)].text];
    }
    for (const auto& [d, n] : per_date)
      EXPECT_EQ(n, expected_per_date.count(d) ? expected_per_date.at(d) : -1)
          << "export " << exports << " shows part of " << d;
    if (!a_code) a_code = ExitedStatus(a);
    if (!b_code) b_code = ExitedStatus(b);
  }
  if (!a_code) a_code = WaitWithTimeout(a, 1s);
  if (!b_code) b_code = WaitWithTimeout(b, 1s);
  EXPECT_EQ(a_code, std::optional<int>(0)) << testing::ReadFile(a_log);
  EXPECT_EQ(b_code, std::optional<int>(0)) << testing::ReadFile(b_log);
  std::cout << "  " << exports << " exports read " << job1.name << " while the jobs ran"
            << std::endl;

  Db history(wh() / "nba_reference.db");
  for (pid_t p : refused)
    EXPECT_EQ(history.Int("SELECT COUNT(*) FROM processor_run_history WHERE process_id = " +
                          std::to_string(p)),
              0)
        << "a refused run wrote to the run history";
  const std::vector<std::string> dates = [&] {
    std::vector<std::string> v;
    for (const auto& [d, n] : expected_per_date) v.push_back(d);
    return v;
  }();
  for (const ProcessorInfo* job : {&job1, &job2}) {
    EXPECT_EQ(TableProblems(wh(), seq_wh, *job->output, Match::kEqual), "") << job->name;
    EXPECT_EQ(CheckpointProblems(Checkpoint(job->name), dates), "") << job->name;
  }
}

}  // namespace
}  // namespace phase4::backfill
