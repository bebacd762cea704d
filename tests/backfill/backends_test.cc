// Every command on both backends, with the same test bodies: the rows a run
// writes on PostgreSQL are those it writes on SQLite (exports compared byte
// for byte, the run's own timestamps aside), in both run-all modes, and the
// live path (process, outbox list/listen/ack) works the same.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>

#include "pg_server.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "warehouse/schema.h"
#include "warehouse/warehouse.h"

namespace phase4::backfill {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::RunPhase4;
using testing::TempDir;
using testing::TestWarehouse;

constexpr const char* kStart = "2023-10-24";
constexpr const char* kEnd = "2023-11-20";

// An export with the run's wall-clock times (microsecond timestamps) blanked:
// they differ between any two runs.
// (YYYY-MM-DDTHH:MM:SS.ffffffZ; not std::regex, which trips GCC 12's
// -Wmaybe-uninitialized in the sanitizer build).
std::string WithoutRunTimes(const std::string& text) {
  static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd.";
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    bool match = i + shape.size() < text.size();
    for (size_t k = 0; match && k < shape.size(); ++k)
      match = shape[k] == 'd' ? digit(text[i + k]) : text[i + k] == shape[k];
    size_t end = i + shape.size();
    while (match && end < text.size() && digit(text[end])) ++end;
    if (match && end > i + shape.size() && end < text.size() && text[end] == 'Z') {
      out += "<time>";
      i = end + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(where_.ok());
    auto r = Phase4({"generate", "--seasons", "2023-2023"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  CommandResult Phase4(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {"--warehouse", where_.location()});
    return RunPhase4(args, "", env);
  }
  std::string ckdir() const { return (ck_.path() / "checkpoints").string(); }
  // Every Phase 4 table over the range, as CSV, run times blanked.
  std::string Phase4Exports() {
    std::string all;
    for (const TableSchema* t : Phase4Tables()) {
      auto r = Phase4({"export", t->FullName(), "--start-date", kStart, "--end-date", kEnd});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      all += "== " + t->FullName() + "\n" + WithoutRunTimes(r.out);
    }
    return all;
  }
  // The exports of a pipelined run-all on SQLite: what every run compares to.
  static const std::string& Reference() {
    static const std::string ref = [] {
      TestWarehouse sqlite("sqlite");
      TempDir ck;
      auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--warehouse", sqlite.location()});
        return RunPhase4(args);
      };
      auto g = run({"generate", "--seasons", "2023-2023"});
      EXPECT_EQ(g.exit_code, 0) << g.err;
      auto r = run({"run-all", "--start-date", kStart, "--end-date", kEnd, "--checkpoint-dir",
                    (ck.path() / "c").string()});
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
      std::string all;
      for (const TableSchema* t : Phase4Tables()) {
        auto e = run({"export", t->FullName(), "--start-date", kStart, "--end-date", kEnd});
        all += "== " + t->FullName() + "\n" + WithoutRunTimes(e.out);
      }
      return all;
    }();
    return ref;
  }

  TestWarehouse where_{GetParam()};
  TempDir ck_;
};

TEST_P(BackendTest, RunAllPipelinedWritesTheSameRowsAsSqlite) {
  auto r =
      Phase4({"run-all", "--start-date", kStart, "--end-date", kEnd, "--checkpoint-dir", ckdir()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Phase 4 Backfill Complete!"), std::string::npos) << r.out;
  const std::string exports = Phase4Exports();
  EXPECT_GT(exports.size(), 100000u);
  EXPECT_TRUE(exports == Reference()) << "the exports differ from SQLite's";
  // A re-run resumes from the checkpoints and changes nothing.
  auto again =
      Phase4({"run-all", "--start-date", kStart, "--end-date", kEnd, "--checkpoint-dir", ckdir()});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(Phase4Exports() == Reference());
}

TEST_P(BackendTest, RunAllInSeparateProcessesWritesTheSameRows) {
  auto r = Phase4({"run-all", "--separate-processes", "--start-date", kStart, "--end-date", kEnd,
                   "--checkpoint-dir", ckdir()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Phase4Exports() == Reference()) << "the exports differ from SQLite's";
}

TEST_P(BackendTest, BackfillJobsOneByOneWriteTheSameRows) {
  for (const char* job : {"team_defense_zone_analysis", "player_shot_zone_analysis",
                          "player_composite_factors", "player_daily_cache", "ml_feature_store"}) {
    auto r = Phase4(
        {"backfill", job, "--start-date", kStart, "--end-date", kEnd, "--checkpoint-dir", ckdir()});
    ASSERT_EQ(r.exit_code, 0) << job << "\n" << r.out << r.err;
  }
  EXPECT_TRUE(Phase4Exports() == Reference()) << "the exports differ from SQLite's";
  auto verify = Phase4({"verify-phase3", "--start-date", kStart, "--end-date", kEnd});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto report = Phase4({"report", "--start-date", kStart, "--end-date", kEnd, "--signal-start",
                        kStart, "--signal-end", kEnd});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("PHASE 4 PIPELINE REPORT"), std::string::npos);
}

TEST_P(BackendTest, ExportImportRoundTripIsByteIdentical) {
  auto r = Phase4({"backfill", "team_defense_zone_analysis", "--start-date", kStart, "--end-date",
                   kEnd, "--checkpoint-dir", ckdir()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  TestWarehouse copy(GetParam());
  ASSERT_TRUE(copy.ok());
  for (const char* table :
       {"nba_analytics.player_game_summary", "nba_precompute.team_defense_zone_analysis"}) {
    for (const char* format : {"csv", "jsonl"}) {
      auto first = Phase4({"export", table, "--format", format});
      ASSERT_EQ(first.exit_code, 0) << first.err;
      if (std::string(format) == "jsonl") continue;  // import reads CSV
      TempDir files;
      const fs::path file = files.path() / "t.csv";
      testing::WriteFile(file, first.out);
      auto imported = RunPhase4({"--warehouse", copy.location(), "import", table, file.string()});
      ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
      for (const char* f : {"csv", "jsonl"}) {
        auto mine = Phase4({"export", table, "--format", f});
        auto theirs = RunPhase4({"--warehouse", copy.location(), "export", table, "--format", f});
        EXPECT_TRUE(mine.out == theirs.out) << table << " " << f << " differs after the round trip";
      }
    }
  }
}

TEST_P(BackendTest, LiveProcessAnnouncesItsRowsToAListener) {
  // The listener starts first and prints the message when it is committed.
  CommandResult heard;
  std::thread listener([&] {
    heard = Phase4({"outbox", "listen", "--count", "1", "--timeout", "60"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto r = Phase4({"process", "team_defense_zone_analysis", "--analysis-date", "2024-02-22"},
                  {"PHASE4_TODAY=2024-03-01"});
  listener.join();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_EQ(heard.exit_code, 0) << heard.err;
  ASSERT_EQ(std::count(heard.out.begin(), heard.out.end(), '\n'), 1) << heard.out;
  auto msg = nlohmann::json::parse(heard.out);
  EXPECT_EQ(msg["payload"]["game_date"], "2024-02-22");
  EXPECT_EQ(msg["payload"]["record_count"], 30);
  auto list = Phase4({"outbox", "list"});
  EXPECT_EQ(list.out, heard.out);
  auto ack = Phase4({"outbox", "ack", msg["id"].get<std::string>()});
  EXPECT_EQ(ack.exit_code, 0) << ack.err;
  EXPECT_EQ(Phase4({"outbox", "list"}).out, "");
}

TEST_P(BackendTest, ALiveRunBesideABackfillSucceedsAndASecondBackfillIsRefused) {
  const std::vector<std::string> backfill{
      "backfill",   "player_shot_zone_analysis", "--start-date", "2023-10-24", "--end-date",
      "2024-04-14", "--checkpoint-dir",          ckdir()};
  CommandResult first;
  std::thread run([&] { first = Phase4(backfill); });
  // Once the backfill has written its first dates it holds its unit's lock.
  auto wh = Warehouse::Open(where_.location(), false);
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  for (int i = 0; i < 6000; ++i) {
    auto n = (*wh)->CountRows(processors::PlayerShotZoneAnalysisSchema());
    if (n.ok() && *n > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto second = Phase4(backfill);
  auto live = Phase4({"process", "team_defense_zone_analysis", "--analysis-date", "2024-02-22"},
                     {"PHASE4_TODAY=2024-03-01"});
  run.join();
  EXPECT_EQ(second.exit_code, 75) << second.out << second.err;  // kExitLocked
  EXPECT_NE(second.err.find("locked by pid"), std::string::npos) << second.err;
  EXPECT_EQ(live.exit_code, 0) << live.out << live.err;
  EXPECT_NE(live.out.find("team_defense_zone_analysis 2024-02-22: 30 rows written"),
            std::string::npos)
      << live.out;
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  auto rows = Phase4({"export", "nba_precompute.player_shot_zone_analysis", "--start-date", kStart,
                      "--end-date", kEnd});
  const std::string& ref = Reference();
  const std::string head = "== nba_precompute.player_shot_zone_analysis\n";
  const size_t from = ref.find(head) + head.size();
  EXPECT_TRUE(WithoutRunTimes(rows.out) == ref.substr(from, ref.find("== ", from) - from))
      << "the backfill's rows differ from SQLite's";
}

TEST_P(BackendTest, LoadScheduleMergesAsOnSqlite) {
  const fs::path files = fs::path(PHASE4_SOURCE_DIR) / "tests" / "data" / "good_input" / "schedule";
  auto load = [&](const std::string& location) {
    std::string out;
    for (const char* f : {"schedule.json", "game_ids.csv", "schedule.json"}) {
      auto r = RunPhase4({"--warehouse", location, "load-schedule", (files / f).string()});
      EXPECT_EQ(r.exit_code, 0) << f << ": " << r.err;
      out += r.out;
    }
    auto e = RunPhase4({"--warehouse", location, "export", "nba_raw.nbac_schedule"});
    EXPECT_EQ(e.exit_code, 0) << e.err;
    return out + WithoutRunTimes(e.out);
  };
  TestWarehouse mine(GetParam()), sqlite("sqlite");
  ASSERT_TRUE(mine.ok());
  const std::string got = load(mine.location());
  EXPECT_NE(got.find("games in the schedule"), std::string::npos) << got;
  EXPECT_EQ(got, load(sqlite.location()));
}

// The ledger (doc/ledger.md) on both backends: a finished range plans
// nothing; a one-game correction written straight into Phase 3 (not through
// phase4) makes later units stale; the same command recomputes them and the
// rows equal a SQLite run from scratch on the corrected data.
TEST_P(BackendTest, TheLedgerSeesACorrectionTheRerunConvergesAndCheckHoldsItToTheRows) {
  auto plan = [&](const std::string& location) {
    auto r = RunPhase4(
        {"--warehouse", location, "plan", "--start-date", kStart, "--end-date", kEnd, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  };
  auto count = [](const nlohmann::json& p, const char* state) {
    int n = 0;
    for (const auto& j : p["jobs"]) n += j[state].get<int>();
    return n;
  };
  const std::vector<std::string> run_all = {"run-all", "--start-date",     kStart, "--end-date",
                                            kEnd,      "--checkpoint-dir", ckdir()};
  auto first = Phase4(run_all);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const auto done = plan(where_.location());
  ASSERT_TRUE(done.is_object());
  EXPECT_GT(count(done, "up_to_date"), 0);
  for (const char* state : {"missing", "failed", "stale", "blocked"})
    EXPECT_EQ(count(done, state), 0) << state << "\n" << done.dump(1);

  auto correct = [](const TestWarehouse& wh) {
    const std::string t =
        wh.postgres() ? "nba_analytics.player_game_summary" : "player_game_summary";
    wh.Sql("nba_analytics",
           "UPDATE " + t + " SET points = points + 1 WHERE game_id = (SELECT MIN(game_id) FROM " +
               t + " WHERE game_date = '2023-11-14')");
  };
  correct(where_);
  const auto after = plan(where_.location());
  ASSERT_TRUE(after.is_object());
  EXPECT_GT(count(after, "stale"), 0) << after.dump(1);
  EXPECT_EQ(count(after, "missing"), 0);
  auto rerun = Phase4(run_all);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_EQ(count(plan(where_.location()), "stale"), 0);
  auto status = Phase4({"status", "--start-date", kStart, "--end-date", kEnd});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;

  TestWarehouse scratch("sqlite");
  TempDir ck;
  auto on_scratch = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--warehouse", scratch.location()});
    return RunPhase4(args);
  };
  ASSERT_EQ(on_scratch({"generate", "--seasons", "2023-2023"}).exit_code, 0);
  correct(scratch);
  ASSERT_EQ(on_scratch({"run-all", "--start-date", kStart, "--end-date", kEnd, "--checkpoint-dir",
                        (ck.path() / "c").string()})
                .exit_code,
            0);
  std::string expected;
  for (const TableSchema* t : Phase4Tables()) {
    auto e = on_scratch({"export", t->FullName(), "--start-date", kStart, "--end-date", kEnd});
    expected += "== " + t->FullName() + "\n" + WithoutRunTimes(e.out);
  }
  EXPECT_TRUE(Phase4Exports() == expected) << "the corrected rows differ from a run from scratch";
  EXPECT_FALSE(expected == Reference()) << "the correction changed no Phase 4 row";

  // `check` holds the ledger against the rows: sound now; then one row
  // deleted and one data_hash changed behind phase4's back are both named.
  auto sound = Phase4({"check"});
  EXPECT_EQ(sound.exit_code, 0) << sound.out << sound.err;
  EXPECT_NE(sound.out.find("output fingerprints compared"), std::string::npos) << sound.out;
  const std::string cache =
      where_.postgres() ? "nba_precompute.player_daily_cache" : "player_daily_cache";
  const std::string zones =
      where_.postgres() ? "nba_precompute.player_shot_zone_analysis" : "player_shot_zone_analysis";
  where_.Sql("nba_precompute", "DELETE FROM " + cache + " WHERE cache_date = '2023-11-15' AND " +
                                   "player_lookup = (SELECT MIN(player_lookup) FROM " + cache +
                                   " WHERE cache_date = '2023-11-15')");
  where_.Sql("nba_precompute", "UPDATE " + zones + " SET data_hash = 'tampered' WHERE " +
                                   "analysis_date = '2023-11-16' AND player_lookup = (SELECT " +
                                   "MIN(player_lookup) FROM " + zones +
                                   " WHERE analysis_date = '2023-11-16')");
  auto damaged = Phase4({"check"});
  EXPECT_EQ(damaged.exit_code, 74) << damaged.out << damaged.err;
  EXPECT_NE(damaged.out.find("player_daily_cache 2023-11-15: the unit (succeeded) records"),
            std::string::npos)
      << damaged.out;
  EXPECT_NE(damaged.out.find("player_shot_zone_analysis 2023-11-16: the stored rows are not the "
                             "rows the unit wrote"),
            std::string::npos)
      << damaged.out;
  // The quick form compares row counts only: it sees the deletion alone.
  auto quick = Phase4({"check", "--quick"});
  EXPECT_EQ(quick.exit_code, 74) << quick.out;
  EXPECT_NE(quick.out.find("player_daily_cache 2023-11-15"), std::string::npos) << quick.out;
  EXPECT_EQ(quick.out.find("player_shot_zone_analysis 2023-11-16"), std::string::npos) << quick.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::Values("sqlite", "postgresql"),
                         testing::BackendName);

}  // namespace
}  // namespace phase4::backfill
