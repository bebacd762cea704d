// The backfill engine through the real binary: checkpoints, resume after
// SIGKILL, lock contention, corrupt checkpoints, --dates, --dry-run, exit
// codes, run-all ordering, stop on failure and SIGTERM.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <sstream>
#include <thread>

#include "backfill/backfill_job.h"
#include "backfill/orchestrator.h"
#include "common/exit_codes.h"
#include "env/file_lock.h"
#include "backfill/upstream_rows.h"
#include "execution/dependency_check.h"
#include "phase3/schedule_store.h"
#include "processors/registry.h"
#include "tableio/csv.h"
#include "test_support.h"

namespace phase4::backfill {
namespace {

namespace fs = std::filesystem;
using testing::RunPhase4;
using testing::TempDir;

using testing::StripTimestamps;

pid_t Spawn(const std::vector<std::string>& args, const std::string& out_file = "/dev/null") {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv{const_cast<char*>(PHASE4_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(PHASE4_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class BackfillCliTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::copy(testing::GeneratedLeague(), wh(), fs::copy_options::recursive); }

  std::string wh() const { return (dir_.path() / "wh").string(); }
  std::string ckdir() const { return (dir_.path() / "ck").string(); }
  std::vector<std::string> Backfill(const std::string& job, std::vector<std::string> extra) const {
    std::vector<std::string> a{"--warehouse", wh(), "backfill", job, "--checkpoint-dir", ckdir()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::vector<std::string> RunAll(std::vector<std::string> extra) const {
    std::vector<std::string> a{"--warehouse", wh(), "run-all", "--checkpoint-dir", ckdir()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::string Export(const std::string& table) const {
    auto r = RunPhase4({"--warehouse", wh(), "export", table});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  void Sql(const std::string& db, const std::string& sql) const {
    testing::ExecSql(dir_.path() / "wh" / (db + ".db"), sql);
  }
  int64_t Count(const std::string& db, const std::string& sql) const {
    std::string v = testing::QuerySql(dir_.path() / "wh" / (db + ".db"), sql);
    return v.empty() ? -1 : std::stoll(v);
  }
  std::string CheckpointFile(const std::string& job, const std::string& s,
                             const std::string& e) const {
    return ckdir() + "/" + job + "_" + s + "_" + e + ".json";
  }

  TempDir dir_;
};

TEST_F(BackfillCliTest, RunsARangeWritesCheckpointAndRunHistory) {
  auto r = RunPhase4(Backfill("team_defense_zone_analysis",
                              {"--start-date", "2023-10-24", "--end-date", "2023-11-20"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // On the console: progress every 10 dates, the summary, the table, the
  // log's path; nothing per date (that is in the log).
  EXPECT_NE(r.out.find("Progress: 10/"), std::string::npos);
  EXPECT_NE(r.out.find("PHASE 4 BACKFILL SUMMARY - team_defense_zone_analysis"), std::string::npos);
  EXPECT_EQ(r.out.find("Bootstrap period skipped"), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("#1 team_defense_zone_analysis           20      0       0       7        600"),
      std::string::npos)
      << r.out;
  const std::string log = testing::RunLogText(r.out);
  EXPECT_NE(log.find("Bootstrap period skipped: 2023-10-24"), std::string::npos) << log;
  EXPECT_NE(log.find("Processing day 27/27: 2023-11-20"), std::string::npos) << log;
  auto json =
      testing::ReadFile(CheckpointFile("team_defense_zone_analysis", "2023-10-24", "2023-11-20"));
  EXPECT_NE(json.find("\"job_name\": \"team_defense_zone_analysis\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"last_successful_date\": \"2023-11-20\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"skipped\": 7"), std::string::npos) << json;
  // Every non-bootstrap date: 30 rows, one start and one final run-history row.
  int64_t dates = Count("nba_precompute",
                        "SELECT COUNT(DISTINCT analysis_date) FROM team_defense_zone_analysis");
  EXPECT_GT(dates, 15);
  EXPECT_EQ(Count("nba_precompute", "SELECT COUNT(*) FROM team_defense_zone_analysis"), dates * 30);
  EXPECT_EQ(Count("nba_reference",
                  "SELECT COUNT(*) FROM processor_run_history WHERE processor_name = "
                  "'team_defense_zone_analysis' "
                  "AND mode = 'backfill' AND row_kind = 'final' AND status = 'success'"),
            dates);
  EXPECT_EQ(Count("nba_reference",
                  "SELECT COUNT(*) FROM processor_run_history WHERE processor_name = "
                  "'team_defense_zone_analysis' "
                  "AND row_kind = 'start'"),
            dates);
  // Backfill mode publishes nothing.
  EXPECT_EQ(Count("nba_precompute", "SELECT COUNT(*) FROM outbox"), 0);

  auto s =
      RunPhase4(Backfill("team_defense_zone_analysis",
                         {"--start-date", "2023-10-24", "--end-date", "2023-11-20", "--status"}));
  ASSERT_EQ(s.exit_code, 0);
  EXPECT_NE(s.out.find("CHECKPOINT STATUS: team_defense_zone_analysis"), std::string::npos)
      << s.out;
  EXPECT_NE(s.out.find("  Date range: 2023-10-24 to 2023-11-20"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("    - Skipped:    7"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("COMPLETE"), std::string::npos) << s.out;
}

TEST_F(BackfillCliTest, CompleteRangeReRunIsANoOp) {
  std::vector<std::string> range{"--start-date", "2023-11-01", "--end-date", "2023-11-10"};
  ASSERT_EQ(RunPhase4(Backfill("player_shot_zone_analysis", range)).exit_code, 0);
  std::string before = Export("nba_precompute.player_shot_zone_analysis");  // processed_at included
  auto again = RunPhase4(Backfill("player_shot_zone_analysis", range));
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("COMPLETE"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("Processing day"), std::string::npos) << again.out;
  EXPECT_EQ(Export("nba_precompute.player_shot_zone_analysis"), before);
}

TEST_F(BackfillCliTest, ResumeAfterSigkillEndsWithTheRowsOfAnUninterruptedRun) {
  std::vector<std::string> range{"--start-date", "2023-11-01", "--end-date", "2024-01-31"};
  TempDir ref;
  std::string ref_wh = (ref.path() / "wh").string();
  fs::copy(testing::GeneratedLeague(), ref_wh, fs::copy_options::recursive);
  std::vector<std::string> ref_args{"--warehouse",      ref_wh,
                                    "backfill",         "player_shot_zone_analysis",
                                    "--checkpoint-dir", (ref.path() / "ck").string()};
  ref_args.insert(ref_args.end(), range.begin(), range.end());
  ASSERT_EQ(RunPhase4(ref_args).exit_code, 0);

  // Kill the run at several moments (SIGKILL: no cleanup at all), resume each time.
  for (int kill_ms : {150, 400, 700}) {
    pid_t pid = Spawn(Backfill("player_shot_zone_analysis", range));
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_ms));
    kill(pid, SIGKILL);
    Wait(pid);
  }
  auto r = RunPhase4(Backfill("player_shot_zone_analysis", range));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto ref_export =
      RunPhase4({"--warehouse", ref_wh, "export", "nba_precompute.player_shot_zone_analysis"});
  EXPECT_EQ(StripTimestamps(Export("nba_precompute.player_shot_zone_analysis")),
            StripTimestamps(ref_export.out));
  auto status = RunPhase4(
      Backfill("player_shot_zone_analysis", {range[0], range[1], range[2], range[3], "--status"}));
  EXPECT_NE(status.out.find("COMPLETE"), std::string::npos) << status.out;
}

TEST_F(BackfillCliTest, SecondRunOfTheSameJobExitsSeventyFiveNamingTheHolder) {
  std::vector<std::string> range{"--start-date", "2023-10-24", "--end-date", "2024-04-14"};
  std::string log = (dir_.path() / "first.log").string();
  pid_t first = Spawn(Backfill("player_shot_zone_analysis", range), log);
  // Wait until the first run holds the job's lock in the warehouse.
  fs::path lock = fs::path(wh()) / "locks" / "player_shot_zone_analysis.lock";
  for (int i = 0; i < 500 && !fs::exists(lock); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(fs::exists(lock));
  auto second = RunPhase4(Backfill("player_shot_zone_analysis", range));
  EXPECT_EQ(second.exit_code, 75);
  EXPECT_NE(second.err.find("locked by pid " + std::to_string(first)), std::string::npos)
      << second.err;
  // Another range of the same job writes the same units: refused too.
  auto other = RunPhase4(Backfill("player_shot_zone_analysis",
                                  {"--start-date", "2024-01-01", "--end-date", "2024-01-31"}));
  EXPECT_EQ(other.exit_code, 75) << other.err;
  // `phase4 status` names the holder.
  auto status = RunPhase4({"--warehouse", wh(), "status", "--json"});
  EXPECT_NE(status.out.find("\"pid\": " + std::to_string(first)), std::string::npos) << status.out;
  kill(first, SIGKILL);
  Wait(first);
  // The stale lock of the killed run is recovered at once.
  auto third = RunPhase4(Backfill("player_shot_zone_analysis",
                                  {"--start-date", "2023-10-24", "--end-date", "2024-04-14"}));
  EXPECT_EQ(third.exit_code, 0) << third.err;
}

TEST_F(BackfillCliTest, CorruptCheckpointIsMovedAsideWithAWarning) {
  fs::create_directories(ckdir());
  std::string file = CheckpointFile("team_defense_zone_analysis", "2023-11-01", "2023-11-05");
  testing::WriteFile(file, "{\"job_name\": \"team_defense_zone_analysis\", \"start_da");
  auto r = RunPhase4(Backfill("team_defense_zone_analysis",
                              {"--start-date", "2023-11-01", "--end-date", "2023-11-05"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  bool moved = false;
  for (const auto& e : fs::directory_iterator(ckdir()))
    moved |= e.path().filename().string().find(".corrupt-") != std::string::npos;
  EXPECT_TRUE(moved);
  EXPECT_NE(testing::ReadFile(file).find("\"last_successful_date\": \"2023-11-05\""),
            std::string::npos);
}

TEST_F(BackfillCliTest, DatesAndDryRunLeaveTheCheckpointUntouched) {
  auto dates =
      RunPhase4(Backfill("team_defense_zone_analysis", {"--dates", "2023-11-15, 2023-11-17"}));
  ASSERT_EQ(dates.exit_code, 0) << dates.out << dates.err;
  EXPECT_EQ(Count("nba_precompute",
                  "SELECT COUNT(DISTINCT analysis_date) FROM team_defense_zone_analysis"),
            2);
  auto dry =
      RunPhase4(Backfill("team_defense_zone_analysis",
                         {"--start-date", "2023-11-01", "--end-date", "2023-11-30", "--dry-run"}));
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  // The plan: the two dates done by --dates are up to date, the rest missing.
  EXPECT_NE(dry.out.find("2 up to date, 26 missing, 0 failed, 0 stale, 0 blocked"),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("2023-11-20 missing: never computed"), std::string::npos) << dry.out;
  EXPECT_EQ(dry.out.find("2023-11-15 missing"), std::string::npos) << dry.out;
  // No checkpoint file (the run's log is the only thing written there).
  if (fs::exists(ckdir())) {
    for (const auto& e : fs::directory_iterator(ckdir())) {
      EXPECT_EQ(e.path().filename(), "logs") << e.path();
    }
  }
  EXPECT_EQ(Count("nba_precompute",
                  "SELECT COUNT(DISTINCT analysis_date) FROM team_defense_zone_analysis"),
            2);
  auto bad =
      RunPhase4(Backfill("team_defense_zone_analysis", {"--dates", "2023-11-15,2023-11-31"}));
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_NE(bad.err.find("Invalid date format: '2023-11-31'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("Expected format: YYYY-MM-DD,YYYY-MM-DD,..."), std::string::npos);
}

TEST_F(BackfillCliTest, BlockedDatesExitTwoAndTheSameCommandRetriesThem) {
  // Remove the team defense summaries of three game dates: the next game date
  // of each has no data for its previous game date.
  Sql("nba_analytics",
      "DELETE FROM team_defense_game_summary WHERE game_date IN ('2023-11-14', '2023-11-20', "
      "'2023-11-28')");
  const std::vector<std::string> range{"--start-date", "2023-11-10", "--end-date", "2023-12-05"};
  auto r = RunPhase4(Backfill("team_defense_zone_analysis", range));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(
      r.out.find(
          "2023-11-15: No data for date 2023-11-15: nba_analytics.team_defense_game_summary has "
          "no rows for the previous game date 2023-11-14"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  Blocked: 3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  Failed: 0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  Success rate: 87.5%\n"), std::string::npos) << r.out;  // 21 of 24
  EXPECT_NE(r.out.find("To retry what is left, run the same command again:\n  phase4 --warehouse " +
                       wh() +
                       " backfill team_defense_zone_analysis --start-date 2023-11-10 --end-date "
                       "2023-12-05 --checkpoint-dir " +
                       ckdir() + " --bootstrap-days 7"),
            std::string::npos)
      << r.out;
  // The ledger and its view, the checkpoint, say why.
  EXPECT_EQ(Count("nba_precompute",
                  "SELECT COUNT(*) FROM phase4_units WHERE job = 'team_defense_zone_analysis' AND "
                  "state = 'blocked' AND last_error LIKE 'No data for date%'"),
            3);
  auto json =
      testing::ReadFile(CheckpointFile("team_defense_zone_analysis", "2023-11-10", "2023-12-05"));
  EXPECT_NE(json.find("\"2023-11-15\": \"blocked: No data for date 2023-11-15"), std::string::npos)
      << json;
  // A plain re-run retries exactly them.
  auto again = RunPhase4(Backfill("team_defense_zone_analysis", range));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.out.find("Processing 3 days (of 24 total)"), std::string::npos) << again.out;
  EXPECT_EQ(RunPhase4(Backfill("job_that_does_not_exist", range)).exit_code, 64);
}

TEST(DependencyCheckTest, MissingUpstreamPhase4RowsNameTheTables) {
  TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  processors::ProcessorInfo info;
  info.name = "test_consumer";
  info.phase4_upstreams = {"team_defense_zone_analysis", "player_shot_zone_analysis"};
  SeasonCalendar cal({});
  auto r = execution::CheckDependencies(*wh, cal, info, MakeDate(2024, 1, 15));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->error,
            "Missing critical dependencies: [nba_precompute.team_defense_zone_analysis, "
            "nba_precompute.player_shot_zone_analysis]");
}

// In an in-process run-all, an upstream's rows for D held in memory were
// committed before they were published: they answer the check for D without a
// query. Nothing held (another date, an empty date) still asks the warehouse.
TEST(DependencyCheckTest, HeldUpstreamRowsArePresentForTheirDateOnly) {
  TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  auto held = UpstreamRows::Create(processors::AllProcessors());
  ASSERT_TRUE(held.ok()) << held.status().message();
  const auto& defense = *processors::FindProcessor("team_defense_zone_analysis");
  const auto& shots = *processors::FindProcessor("player_shot_zone_analysis");
  const auto& composite = *processors::FindProcessor("player_composite_factors");
  const Date d = MakeDate(2024, 1, 15), next = MakeDate(2024, 1, 16);
  const TableSchema& t = *defense.output;
  Row row(t.size());
  row[static_cast<size_t>(t.ColumnIndex(t.date_column))] = FormatDate(d);
  row[static_cast<size_t>(t.ColumnIndex("team_abbr"))] = std::string("BOS");
  (*held)->Publish(defense, d, {row});
  (*held)->Publish(shots, d, {});  // a date without rows holds nothing to count
  EXPECT_TRUE((*held)->HasRows(t, d));
  EXPECT_FALSE((*held)->HasRows(t, next));
  EXPECT_FALSE((*held)->HasRows(*shots.output, d));

  SeasonCalendar cal({});
  auto with = execution::CheckDependencies(*wh, cal, composite, d, held->get());
  ASSERT_TRUE(with.ok()) << with.status().message();
  EXPECT_EQ(with->missing_phase4,
            std::vector<std::string>{"nba_precompute.player_shot_zone_analysis"});
  auto without = execution::CheckDependencies(*wh, cal, composite, d);
  ASSERT_TRUE(without.ok()) << without.status().message();
  EXPECT_EQ(without->missing_phase4.size(), 2u);
  auto other_date = execution::CheckDependencies(*wh, cal, composite, next, held->get());
  ASSERT_TRUE(other_date.ok()) << other_date.status().message();
  EXPECT_EQ(other_date->missing_phase4.size(), 2u);
}

TEST(ExecutionStagesTest, EveryProcessorRunsAfterItsUpstreams) {
  auto stages = ExecutionStages();
  std::map<std::string, size_t> stage_of;
  for (size_t i = 0; i < stages.size(); ++i)
    for (auto* p : stages[i]) stage_of[p->name] = i;
  EXPECT_EQ(stage_of.size(), processors::AllProcessors().size());
  for (auto* p : processors::AllProcessors())
    for (const auto& up : p->phase4_upstreams)
      EXPECT_LT(stage_of.at(up), stage_of.at(p->name)) << p->name;
  // #1 and #2 read Phase 3 only: they share the first stage and run together.
  EXPECT_EQ(stage_of.at("team_defense_zone_analysis"), 0u);
  EXPECT_EQ(stage_of.at("player_shot_zone_analysis"), 0u);
}

TEST_F(BackfillCliTest, RunAllSeparateProcessesRunsStagesInOrderAndEveryJobCompletes) {
  auto r = RunPhase4(
      RunAll({"--start-date", "2023-11-01", "--end-date", "2023-11-30", "--separate-processes"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // A job's first output line comes after the last line of each of its upstreams.
  std::map<std::string, std::pair<size_t, size_t>> span;  // job -> first, last line
  std::istringstream in(r.out);
  std::string line;
  for (size_t i = 0; std::getline(in, line); ++i) {
    for (auto* p : processors::AllProcessors()) {
      if (line.rfind("[#" + std::to_string(p->order) + " " + p->name + "]", 0) == 0) {
        auto it = span.find(p->name);
        if (it == span.end())
          span[p->name] = {i, i};
        else
          it->second.second = i;
      }
    }
  }
  for (auto* p : processors::AllProcessors()) {
    ASSERT_TRUE(span.count(p->name)) << p->name;
    EXPECT_NE(r.out.find("✓ #" + std::to_string(p->order) + " " + p->name + " completed"),
              std::string::npos);
    for (const auto& up : p->phase4_upstreams)
      EXPECT_GT(span[p->name].first, span[up].second) << p->name;
  }
  EXPECT_NE(
      r.out.find(
          "PARALLEL PHASE: Running #1 team_defense_zone_analysis and #2 player_shot_zone_analysis"),
      std::string::npos);
  EXPECT_NE(r.out.find("Phase 4 Backfill Complete!"), std::string::npos);
  // The demo's closing report reads the same ledger and tables.
  auto report =
      RunPhase4({"--warehouse", wh(), "report", "--start-date", "2023-11-01", "--end-date",
                 "2023-11-30", "--signal-start", "2023-11-01", "--signal-end", "2023-11-30"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const int64_t dates = Count(
      "nba_precompute", "SELECT COUNT(DISTINCT analysis_date) FROM team_defense_zone_analysis");
  EXPECT_NE(
      report.out.find(fmt::format("  {:<30} {:>10} {:>8} {:>7}", "ml_feature_store", dates, 0, 0)),
      std::string::npos)
      << report.out;
  EXPECT_NE(report.out.find("Mean feature quality: "), std::string::npos);
  EXPECT_NE(report.out.find("MAE of points_avg_last_10 as a prediction of points: "),
            std::string::npos);
  EXPECT_EQ(RunPhase4(RunAll({"--start-date", "2023-11-01", "--end-date", "2023-11-30",
                              "--start-from", "0"}))
                .exit_code,
            64);
  EXPECT_EQ(RunPhase4(RunAll({"--start-date", "2023-11-01", "--end-date", "2023-11-30",
                              "--start-from", "9"}))
                .exit_code,
            64);
}

// The default run-all runs the jobs together in one process; its tables are
// those of the stage-by-stage run (write times aside), and every job's
// checkpoint is complete.
TEST_F(BackfillCliTest, PipelinedRunAllWritesWhatTheStageByStageRunWrites) {
  const std::string staged = (dir_.path() / "staged").string();
  fs::copy(wh(), staged, fs::copy_options::recursive);
  auto r = RunPhase4(RunAll({"--start-date", "2023-11-01", "--end-date", "2023-12-20"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("  Jobs: pipelined in this process"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("=== PIPELINED: Running #1 team_defense_zone_analysis, "
                       "#2 player_shot_zone_analysis, #3 player_composite_factors, "
                       "#4 player_daily_cache, #5 ml_feature_store together"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Phase 4 Backfill Complete!"), std::string::npos);
  auto s = RunPhase4({"--warehouse", staged, "run-all", "--checkpoint-dir",
                      (dir_.path() / "staged-ck").string(), "--start-date", "2023-11-01",
                      "--end-date", "2023-12-20", "--separate-processes"});
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  for (auto* p : processors::AllProcessors()) {
    const std::string table = p->output->FullName();
    auto staged_export = RunPhase4({"--warehouse", staged, "export", table});
    ASSERT_EQ(staged_export.exit_code, 0) << staged_export.err;
    const std::string pipelined = StripTimestamps(Export(table), true);
    EXPECT_GT(std::count(pipelined.begin(), pipelined.end(), '\n'), 100) << table;
    EXPECT_EQ(pipelined, StripTimestamps(staged_export.out, true)) << table;
    auto status = RunPhase4(
        Backfill(p->name, {"--start-date", "2023-11-01", "--end-date", "2023-12-20", "--status"}));
    EXPECT_NE(status.out.find("Status: COMPLETE"), std::string::npos) << status.out;
  }
}

// A unit an upstream job cannot compute blocks the units of its downstream
// jobs for that date only: every other date of every job proceeds, in both
// ways of running, and the same command is what retries.
TEST_F(BackfillCliTest, RunAllBlocksOnlyTheDatesOfAnUpstreamFailure) {
  const std::string clean = (dir_.path() / "clean").string();
  fs::copy(wh(), clean, fs::copy_options::recursive);
  Sql("nba_analytics", "DELETE FROM player_game_summary WHERE game_date = '2023-11-14'");
  for (bool separate : {false, true}) {
    SCOPED_TRACE(separate ? "--separate-processes" : "pipelined");
    std::vector<std::string> args =
        RunAll({"--start-date", "2023-11-01", "--end-date", "2023-11-25"});
    if (separate) args.push_back("--separate-processes");
    auto r = RunPhase4(args);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.out.find("✓ #1 team_defense_zone_analysis completed"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("✗ #2 player_shot_zone_analysis finished with failed or blocked dates"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("Phase 4 Backfill Complete!"), std::string::npos);
    EXPECT_NE(r.out.find("To retry exactly what is left, run the same command again:\n  phase4 "
                         "--warehouse " +
                         wh() + " run-all --start-date 2023-11-01 --end-date 2023-11-25"),
              std::string::npos)
        << r.out;
    // #2, #4 and #5 need player_game_summary of the previous game date:
    // blocked on 11-15; #3 reads #2's rows of 11-15: blocked by it.
    for (const auto* job : processors::AllProcessors()) {
      if (job->order == 1) continue;
      const std::string ds = job->output->dataset;
      EXPECT_EQ(Count(ds, "SELECT COUNT(*) FROM phase4_units WHERE job = '" + job->name +
                              "' AND state = 'blocked'"),
                1)
          << job->name;
      EXPECT_EQ(Count(ds, "SELECT COUNT(*) FROM phase4_units WHERE job = '" + job->name +
                              "' AND state = 'blocked' AND game_date = '2023-11-15'"),
                1)
          << job->name;
      // The dates after it were computed.
      EXPECT_GT(Count(ds, fmt::format("SELECT COUNT(*) FROM {} WHERE {} > '2023-11-15'",
                                      job->output->name, job->date_column)),
                0)
          << job->name;
    }
    // Pipelined, the run's board says it; stage by stage, the plan of #3.
    EXPECT_NE(r.out.find(separate ? "upstream player_shot_zone_analysis is blocked on 2023-11-15"
                                  : "upstream player_shot_zone_analysis did not succeed on "
                                    "2023-11-15"),
              std::string::npos)
        << r.out;
  }
  // Once the rows are back, the same command converges: the blocked units
  // and the later ones whose windows reach 11-14 are recomputed, and every
  // table equals a clean run's.
  testing::ExecSql(dir_.path() / "clean" / "nba_analytics.db",
                   "ATTACH '" + wh() +
                       "/nba_analytics.db' AS gap; "
                       "INSERT INTO gap.player_game_summary SELECT * FROM player_game_summary "
                       "WHERE game_date = '2023-11-14'");
  auto fixed = RunPhase4(RunAll({"--start-date", "2023-11-01", "--end-date", "2023-11-25"}));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out;
  auto reference = RunPhase4({"--warehouse", clean, "run-all", "--checkpoint-dir",
                              (dir_.path() / "clean-ck").string(), "--start-date", "2023-11-01",
                              "--end-date", "2023-11-25"});
  ASSERT_EQ(reference.exit_code, 0) << reference.out;
  for (auto* p : processors::AllProcessors()) {
    const std::string table = p->output->FullName();
    auto want = RunPhase4({"--warehouse", clean, "export", table});
    EXPECT_EQ(StripTimestamps(Export(table), true), StripTimestamps(want.out, true)) << table;
  }
  auto done = RunPhase4(RunAll({"--start-date", "2023-11-01", "--end-date", "2023-11-25"}));
  EXPECT_EQ(done.exit_code, 0) << done.out;
  EXPECT_NE(testing::RunLogText(done.out).find("COMPLETE"), std::string::npos) << done.out;
}

TEST_F(BackfillCliTest, SigtermStopsTheChildrenAndSaysHowToResume) {
  std::string log = (dir_.path() / "runall.log").string();
  pid_t pid = Spawn(RunAll({"--start-date", "2023-10-24", "--end-date", "2024-01-31"}), log);
  // Let both jobs start, then ask the orchestrator to stop.
  for (int i = 0; i < 300 && testing::ReadFile(log).find("Progress: 10/") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(pid, SIGTERM);
  EXPECT_EQ(Wait(pid), 130);
  std::string out = testing::ReadFile(log);
  EXPECT_NE(out.find("Interrupted by signal 15"), std::string::npos) << out;
  EXPECT_NE(out.find("Resume with: phase4 --warehouse " + wh() +
                     " run-all --start-date 2023-10-24 "
                     "--end-date 2024-01-31 --bootstrap-days 7"),
            std::string::npos)
      << out;
  // A stop finishes every run it started: no start row of the run history
  // lacks its final row.
  EXPECT_EQ(Count("nba_reference",
                  "SELECT COUNT(*) FROM processor_run_history s WHERE s.row_kind = 'start' AND "
                  "NOT EXISTS (SELECT 1 FROM processor_run_history f WHERE f.run_id = s.run_id "
                  "AND f.row_kind = 'final')"),
            0);
  // No job is left running: the checkpoint locks are free and a resume finishes the range.
  auto resumed = RunPhase4(RunAll({"--start-date", "2023-10-24", "--end-date", "2024-01-31"}));
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out;
  EXPECT_NE(testing::RunLogText(resumed.out).find("dates are up to date in the warehouse's ledger"),
            std::string::npos)
      << resumed.out;
}

// The words of the command printed after `marker` (up to the end of its
// line), with "phase4" replaced by the binary under test. The commands
// phase4 prints quote nothing here: the test paths have no blanks.
std::vector<std::string> PrintedCommand(const std::string& out, const std::string& marker) {
  size_t at = out.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  std::istringstream line(out.substr(at, out.find('\n', at) - at));
  std::vector<std::string> words;
  for (std::string w; line >> w;) words.push_back(w);
  EXPECT_FALSE(words.empty());
  if (!words.empty()) {
    EXPECT_EQ(words[0], "phase4");
    words.erase(words.begin());
  }
  return words;
}

// The resume command printed when a run-all is interrupted carries every
// option of the run (the checkpoint directory, the bootstrap period, the
// stage-by-stage mode): running it resumes from the same checkpoints
// instead of starting over somewhere else.
TEST_F(BackfillCliTest, ThePrintedResumeCommandResumesTheInterruptedRun) {
  for (bool separate : {false, true}) {
    SCOPED_TRACE(separate ? "--separate-processes" : "pipelined");
    // Start over: no checkpoints, no Phase 4 rows, an empty ledger.
    fs::remove_all(ckdir());
    for (const auto* job : processors::AllProcessors())
      testing::ExecSql(dir_.path() / "wh" / (job->output->dataset + ".db"),
                       "DELETE FROM " + job->output->name + "; DELETE FROM phase4_units");
    std::string log = (dir_.path() / (separate ? "separate.log" : "pipelined.log")).string();
    std::vector<std::string> args =
        RunAll({"--start-date", "2023-10-24", "--end-date", "2023-12-20", "--bootstrap-days", "3"});
    if (separate) args.push_back("--separate-processes");
    pid_t pid = Spawn(args, log);
    for (int i = 0; i < 1000 && testing::ReadFile(log).find("Progress: 10/") == std::string::npos;
         ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    kill(pid, SIGTERM);
    EXPECT_EQ(Wait(pid), 130);
    std::string out = testing::ReadFile(log);
    auto resume = PrintedCommand(out, "Resume with: ");
    ASSERT_FALSE(resume.empty()) << out;
    std::string printed = fmt::format("{}", fmt::join(resume, " "));
    EXPECT_NE(printed.find("--checkpoint-dir " + ckdir()), std::string::npos) << printed;
    EXPECT_NE(printed.find("--bootstrap-days 3"), std::string::npos) << printed;
    EXPECT_EQ(printed.find("--separate-processes") != std::string::npos, separate) << printed;

    auto resumed = testing::RunProgram(PHASE4_BINARY, resume);
    EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    // It resumes: some job skips the dates done before the interruption
    // (part of its range, or all of it when it had finished by then).
    const std::string resumed_log = testing::RunLogText(resumed.out);
    EXPECT_TRUE(resumed_log.find("dates are up to date in the warehouse's ledger") !=
                    std::string::npos ||
                resumed_log.find("is already processed; nothing to do") != std::string::npos)
        << resumed.out;
    // With the run's bootstrap period: three skipped dates, not seven.
    auto cp =
        testing::ReadFile(CheckpointFile("team_defense_zone_analysis", "2023-10-24", "2023-12-20"));
    EXPECT_NE(cp.find("\"skipped\": 3,"), std::string::npos) << cp;
  }
}

// The retry command is the same command, with the run's bootstrap period,
// which decides which dates are skipped.
TEST_F(BackfillCliTest, ThePrintedRetryCommandRetriesWhatIsLeftWithTheRunsOptions) {
  Sql("nba_analytics", "DELETE FROM team_defense_game_summary WHERE game_date = '2023-11-14'");
  auto r =
      RunPhase4(Backfill("team_defense_zone_analysis", {"--start-date", "2023-11-10", "--end-date",
                                                        "2023-11-20", "--bootstrap-days", "3"}));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  auto retry = PrintedCommand(r.out, "To retry what is left, run the same command again:\n  ");
  ASSERT_FALSE(retry.empty()) << r.out;
  std::string printed = fmt::format("{}", fmt::join(retry, " "));
  EXPECT_NE(printed.find("--warehouse " + wh()), std::string::npos) << printed;
  EXPECT_NE(printed.find("--start-date 2023-11-10 --end-date 2023-11-20"), std::string::npos)
      << printed;
  EXPECT_NE(printed.find("--bootstrap-days 3"), std::string::npos) << printed;
  auto again = testing::RunProgram(PHASE4_BINARY, retry);
  EXPECT_EQ(again.exit_code, 2) << again.out << again.err;  // the data is still missing
  EXPECT_NE(again.out.find("Processing 1 days"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("  Blocked: 1\n"), std::string::npos) << again.out;
}

// A job refused by a lock has no failures to fix: run-all exits 75 and
// says to resume once the error is resolved.
TEST_F(BackfillCliTest, ALockRefusalIsNotCalledAFailure) {
  fs::create_directories(fs::path(wh()) / "locks");
  auto lock =
      FileLock::Acquire(fs::path(wh()) / "locks" / "team_defense_zone_analysis.lock", "test");
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  auto r = RunPhase4(RunAll({"--start-date", "2023-11-10", "--end-date", "2023-11-20"}));
  EXPECT_EQ(r.exit_code, 75) << r.out << r.err;
  EXPECT_NE(r.out.find("is locked by pid " + std::to_string(getpid())), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("To retry exactly what is left"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Once the error above is resolved, resume with: phase4 --warehouse " + wh() +
                       " run-all --start-date 2023-11-10 --end-date 2023-11-20 "
                       "--bootstrap-days 7"),
            std::string::npos)
      << r.out;
}

// Runs the binary with writes limited to files of `max_bytes` (RLIMIT_FSIZE;
// SIGXFSZ ignored, so a write beyond it fails with EFBIG like a full disk).
testing::CommandResult RunWithFileSizeLimit(const std::vector<std::string>& args, rlim_t max_bytes,
                                            const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    rlimit limit{max_bytes, max_bytes};
    setrlimit(RLIMIT_FSIZE, &limit);
    std::vector<char*> argv{const_cast<char*>(PHASE4_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(PHASE4_BINARY, argv.data());
    _exit(127);
  }
  testing::CommandResult r;
  r.exit_code = Wait(pid);
  r.out = testing::ReadFile(log);
  return r;
}

// A storage failure (here: writes beyond a file size limit, an I/O error)
// stops every job of a run-all after the date in flight, with exit 74 and
// one message naming the file, instead of failing date after date; nothing
// is recorded as failed, and the same command then finishes the range.
TEST_F(BackfillCliTest, AStorageFailureStopsEveryJobAndTheSameCommandFinishes) {
  const std::string precompute = wh() + "/nba_precompute.db";
  for (bool separate : {false, true}) {
    SCOPED_TRACE(separate ? "--separate-processes" : "pipelined");
    fs::remove_all(ckdir());
    for (const auto* job : processors::AllProcessors())
      testing::ExecSql(dir_.path() / "wh" / (job->output->dataset + ".db"),
                       "DELETE FROM " + job->output->name);
    Sql("nba_precompute", "VACUUM");
    std::vector<std::string> args =
        RunAll({"--start-date", "2023-11-01", "--end-date", "2023-12-31"});
    if (separate) args.push_back("--separate-processes");
    // The file may grow by 2 MiB: a few dates, then every write beyond fails.
    const rlim_t limit = fs::file_size(precompute) + (2u << 20);
    auto r = RunWithFileSizeLimit(args, limit, (dir_.path() / "limited.log").string());
    EXPECT_EQ(r.exit_code, kExitStorage) << r.out;
    EXPECT_NE(r.out.find("error: storage failure, stopped at "), std::string::npos) << r.out;
    EXPECT_TRUE(r.out.find(precompute + ": ") != std::string::npos ||
                r.out.find(wh() + "/nba_reference.db: ") != std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("Stopping: the warehouse's storage failed"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Phase 4 Backfill Complete!"), std::string::npos) << r.out;
    // Not date after date: no date failed, at most one storage error per job.
    EXPECT_EQ(r.out.find("✗ Failed:"), std::string::npos) << r.out;
    size_t errors = 0;
    for (size_t at = 0; (at = r.out.find("storage failure, stopped", at)) != std::string::npos;
         ++at)
      ++errors;
    EXPECT_LE(errors, processors::AllProcessors().size()) << r.out;
    for (const auto* job : processors::AllProcessors()) {
      const fs::path cp = CheckpointFile(job->name, "2023-11-01", "2023-12-31");
      if (fs::exists(cp)) {
        EXPECT_NE(testing::ReadFile(cp).find("\"failed\": 0,"), std::string::npos)
            << testing::ReadFile(cp);
      }
    }
    auto again = RunPhase4(args);
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("Phase 4 Backfill Complete!"), std::string::npos) << again.out;
  }
}

}  // namespace
namespace {

// The report's signal check reads player games as the processors do: one
// row per player and date (decision 36) and the played rule of decision 27
// from the processors' code, not a SQL restatement.
TEST_F(BackfillCliTest, ReportSignalReadsPlayerGamesByTheProcessorsRules) {
  const fs::path analytics = dir_.path() / "wh" / "nba_analytics.db";
  const std::string d = testing::QuerySql(
      analytics, "SELECT MIN(game_date) FROM player_game_summary WHERE game_date >= '2023-12-01'");
  auto p =
      RunPhase4({"--warehouse", wh(), "process", "all", "--analysis-date", d, "--backfill-mode"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  auto samples = [&] {
    auto r = RunPhase4({"--warehouse", wh(), "report", "--start-date", d, "--end-date", d,
                        "--signal-start", d, "--signal-end", d});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const size_t at = r.out.find(" player-games)");
    const size_t open = r.out.rfind('(', at);
    return at == std::string::npos ? -1 : std::stoll(r.out.substr(open + 1, at - open - 1));
  };
  const int64_t n = samples();
  ASSERT_GT(n, 0);
  // A played player of D with a feature row.
  const std::string player = testing::QuerySql(
      analytics, "SELECT MIN(player_lookup) FROM player_game_summary WHERE game_date = '" + d +
                     "' AND is_active = 1 AND minutes_played > 0");
  auto duplicate = [&](const std::string& game_id, const std::string& processed_at, int is_active) {
    Sql("nba_analytics",
        "CREATE TEMP TABLE dup AS SELECT * FROM player_game_summary WHERE player_lookup = '" +
            player + "' AND game_date = '" + d + "' LIMIT 1; UPDATE dup SET game_id = '" + game_id +
            "', processed_at = '" + processed_at + "', is_active = " + std::to_string(is_active) +
            "; INSERT INTO player_game_summary SELECT * FROM dup;");
  };
  // An older duplicate is dropped: the player-game counts once.
  duplicate("0000000001", "2000-01-01T00:00:00.000000Z", 1);
  EXPECT_EQ(samples(), n);
  // A newer duplicate that did not play wins: the player-game is not played.
  duplicate("0000000002", "2099-01-01T00:00:00.000000Z", 0);
  EXPECT_EQ(samples(), n - 1);
}

}  // namespace
}  // namespace phase4::backfill
