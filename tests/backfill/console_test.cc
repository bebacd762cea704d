// What an operator sees (doc/console.md): the console of one job and of
// run-all (progress lines without a terminal, a live block on one), the log
// file, --quiet, --json, --log-level, the closing table, off-season ranges,
// the wrapper script and every command's --help.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "backfill/job_events.h"
#include "backfill/run_console.h"
#include "processors/registry.h"
#include "test_support.h"

namespace phase4::backfill {
namespace {

namespace fs = std::filesystem;
using testing::RunPhase4;
using testing::TempDir;

using testing::Drain;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++n;
  return n;
}

const Date kDay = MakeDate(2024, 1, 1);

// A job that settles 25 dates: 20 computed (10 rows each), 3 skipped, 1
// failed, 1 blocked, with a detail line per date.
void PlayJob(JobEvents& ev) {
  JobTally tally;
  tally.up_to_date = 2;
  ev.Started(27, 25, tally);
  for (int i = 0; i < 25; ++i) {
    const Date d = AddDays(kDay, i);
    ev.Line(LineKind::kDetail, fmt::format("Processing day {}/25: {}", i + 1, FormatDate(d)));
    const UnitOutcome outcome = i < 3     ? UnitOutcome::kSkipped
                                : i == 10 ? UnitOutcome::kFailed
                                : i == 11 ? UnitOutcome::kBlocked
                                          : UnitOutcome::kComputed;
    const int64_t rows = outcome == UnitOutcome::kComputed ? 10 : 0;
    const std::string error = i == 10 ? "disk on fire" : i == 11 ? "No data for date" : "";
    ev.Settled(d, outcome, rows, error);
    tally.Add(d, outcome, rows, error);
  }
  ev.Line(LineKind::kNote, "PHASE 4 BACKFILL SUMMARY - demo_job:");
  ev.Ended(tally);
}

TEST(RunConsoleTest, WithoutATerminalAProgressLineEveryTenDatesAndTheDetailInTheLog) {
  TempDir dir;
  auto log = RunLog::Open(dir.path() / "run.log", LogLevel::kInfo);
  ASSERT_TRUE(log.ok()) << log.status().message();
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  {
    RunConsole console(out, err, ConsoleMode::kLines, LogLevel::kInfo, log->get(), true);
    PlayJob(console.AddJob(1, "demo_job"));
    EXPECT_EQ(console.Conclude({"run-all", kDay, kDay, 2, {"retry me"}, "retry me", "x.log"}), 2);
  }
  (*log)->Close();
  const std::string text = Drain(out);
  EXPECT_EQ(Count(text, "[#1 demo_job] Progress: "), 3u) << text;  // 10, 20, 25
  EXPECT_NE(text.find("[#1 demo_job] Progress: 20/25 days (89.5% success) - 17 successful, 2 "
                      "failed, 3 skipped"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("Processing day"), std::string::npos) << text;
  EXPECT_EQ(text.find("PHASE 4 BACKFILL SUMMARY"), std::string::npos) << text;
  // The table: succeeded counts the 2 up to date before the run.
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(#1 demo_job +22 +1 +1 +3 +200 +\d+:\d\d\n)")))
      << text;
  EXPECT_NE(text.find("  #1 demo_job 2024-01-11 failed: disk on fire\n"), std::string::npos);
  EXPECT_NE(text.find("  #1 demo_job 2024-01-12 blocked: No data for date\n"), std::string::npos);
  // The end: the table, the problems, what to run, the log's path last.
  EXPECT_LT(text.find("Job "), text.find("retry me"));
  EXPECT_TRUE(text.size() >= 12 && text.substr(text.size() - 11) == "Log: x.log\n") << text;
  EXPECT_EQ(Drain(err), "");
  const std::string logged = testing::ReadFile(dir.path() / "run.log");
  EXPECT_EQ(Count(logged, "[#1 demo_job] Processing day "), 25u) << logged;
  EXPECT_NE(logged.find("INFO  [#1 demo_job] PHASE 4 BACKFILL SUMMARY"), std::string::npos);
  std::fclose(out);
  std::fclose(err);
}

TEST(RunConsoleTest, LogLevelsDecideWhatTheConsoleAndTheLogShow) {
  TempDir dir;
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kWarn}) {
    auto log = RunLog::Open(dir.path() / fmt::format("{}.log", LogLevelName(level)), level);
    ASSERT_TRUE(log.ok());
    std::FILE* out = std::tmpfile();
    {
      RunConsole console(out, stderr, ConsoleMode::kLines, level, log->get(), true);
      JobEvents& job = console.AddJob(2, "demo_job");
      PlayJob(job);
      job.Line(LineKind::kWarning, "warning: something to know");
      console.Conclude({"run-all", kDay, kDay, 0, {}, "", ""});
    }
    (*log)->Close();
    const std::string text = Drain(out);
    const std::string logged = testing::ReadFile((*log)->path());
    if (level == LogLevel::kDebug) {
      EXPECT_EQ(Count(text, "[#2 demo_job] Processing day "), 25u) << text;
      EXPECT_NE(text.find("Progress: 10/25"), std::string::npos);
      EXPECT_EQ(Count(logged, "Processing day "), 25u);
    } else {
      // Warnings and the table only; the log keeps warnings and up.
      EXPECT_EQ(text.find("Progress:"), std::string::npos) << text;
      EXPECT_EQ(text.find("Processing day"), std::string::npos) << text;
      EXPECT_NE(text.find("[#2 demo_job] warning: something to know"), std::string::npos);
      EXPECT_NE(text.find("#2 demo_job "), std::string::npos) << text;
      EXPECT_EQ(logged.find("Processing day"), std::string::npos) << logged;
      EXPECT_NE(logged.find("WARN  [#2 demo_job] warning: something to know"), std::string::npos)
          << logged;
    }
    std::fclose(out);
  }
}

// A console's jobs without their timings, which differ between two runs.
std::string WithoutSeconds(nlohmann::ordered_json jobs) {
  for (auto& j : jobs) j.erase("seconds");
  return jobs.dump();
}

// A job's events written as lines and read back arrive as they were sent,
// invalid UTF-8 in an error included; a child's raw stderr line is an error.
TEST(JobEventsTest, EventsSurviveTheStreamAndRawLinesAreClassified) {
  std::FILE* direct_out = std::tmpfile();
  std::FILE* replay_out = std::tmpfile();
  std::FILE* stream = std::tmpfile();
  {
    RunConsole direct(direct_out, direct_out, ConsoleMode::kLines, LogLevel::kDebug, nullptr, true);
    RunConsole replay(replay_out, replay_out, ConsoleMode::kLines, LogLevel::kDebug, nullptr, true);
    PlayJob(direct.AddJob(3, "demo_job"));
    EventStreamWriter writer(stream);
    PlayJob(writer);
    writer.Line(LineKind::kError, "error: bad byte \xff here");
    JobEvents& sink = replay.AddJob(3, "demo_job");
    std::istringstream lines(Drain(stream));
    for (std::string line; std::getline(lines, line);) EXPECT_TRUE(DispatchJobOutput(line, sink));
    EXPECT_TRUE(DispatchJobOutput("error: raw stderr of a child", sink));
    EXPECT_FALSE(DispatchJobOutput("@phase4-event {\"e\":\"unit\"", sink));
    EXPECT_EQ(WithoutSeconds(direct.JobsJson()), WithoutSeconds(replay.JobsJson()));
  }
  const std::string replayed = Drain(replay_out);
  EXPECT_NE(replayed.find("[#3 demo_job] error: bad byte \uFFFD here"), std::string::npos)
      << replayed;
  EXPECT_NE(replayed.find("[#3 demo_job] error: raw stderr of a child"), std::string::npos);
  EXPECT_NE(replayed.find("[#3 demo_job] @phase4-event {\"e\":\"unit\""), std::string::npos);
  std::fclose(direct_out);
  std::fclose(replay_out);
  std::fclose(stream);
}

class ConsoleCliTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::copy(testing::GeneratedLeague(), wh(), fs::copy_options::recursive); }
  std::string wh() const { return (dir_.path() / "wh").string(); }
  std::string ckdir() const { return (dir_.path() / "ck").string(); }
  std::vector<std::string> RunAll(std::vector<std::string> extra,
                                  std::vector<std::string> global = {}) const {
    std::vector<std::string> a{"--warehouse", wh()};
    a.insert(a.end(), global.begin(), global.end());
    a.insert(a.end(), {"run-all", "--checkpoint-dir", ckdir()});
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  TempDir dir_;
};

TEST_F(ConsoleCliTest, RunAllInAPipeShowsProgressLinesATableAndTheLogHoldsEachDate) {
  // One Phase 3 gap: the units it blocks are listed under the table.
  testing::ExecSql(dir_.path() / "wh" / "nba_analytics.db",
                   "DELETE FROM player_game_summary WHERE game_date = '2023-11-14'");
  auto r = RunPhase4(RunAll({"--start-date", "2023-10-24", "--end-date", "2023-11-30"}));
  ASSERT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out.find("Processing day"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << "no terminal, no escape codes";
  for (const auto* p : processors::AllProcessors()) {
    EXPECT_NE(r.out.find(fmt::format("[#{} {}] Progress: 10/", p->order, p->name)),
              std::string::npos)
        << r.out;
    EXPECT_TRUE(std::regex_search(
        r.out, std::regex(fmt::format(R"(\n#{} {} +\d+ +\d+ +\d+ +7 +\d+ +\d+:\d\d\n)", p->order,
                                      p->name))))
        << p->name << "\n"
        << r.out;
  }
  EXPECT_NE(r.out.find("Failed and blocked units:\n  #2 player_shot_zone_analysis 2023-11-15 "
                       "blocked: No data for date 2023-11-15"),
            std::string::npos)
      << r.out;
  // Table, then the retry command, then the log's path as the last line.
  const size_t table = r.out.find("\nJob "), retry = r.out.find("To retry exactly what is left"),
               log_line = r.out.rfind("Log: ");
  EXPECT_LT(table, retry);
  EXPECT_LT(retry, log_line);
  EXPECT_EQ(r.out.find('\n', log_line), r.out.size() - 1);
  const std::string log = testing::RunLogText(r.out);
  EXPECT_NE(log.find("[#5 ml_feature_store] Processing day "), std::string::npos) << log;
  EXPECT_NE(log.find("[#1 team_defense_zone_analysis]   ⏭ Bootstrap period skipped: 2023-10-24"),
            std::string::npos);
  EXPECT_NE(log.find("PHASE 4 BACKFILL SUMMARY - player_daily_cache"), std::string::npos);
  EXPECT_TRUE(fs::path(r.out.substr(log_line + 5, r.out.size() - log_line - 6))
                  .string()
                  .starts_with(ckdir() + "/logs/run-all_2023-10-24_2023-11-30_"));
}

// --log-level after the command, as operators type it: warn leaves the
// warnings and the table on the console, debug adds every date.
TEST_F(ConsoleCliTest, LogLevelOnTheConsole) {
  auto warn = RunPhase4(
      RunAll({"--start-date", "2023-10-24", "--end-date", "2023-11-10", "--log-level", "warn"}));
  ASSERT_EQ(warn.exit_code, 0) << warn.out << warn.err;
  EXPECT_EQ(warn.out.find("Progress:"), std::string::npos) << warn.out;
  EXPECT_EQ(warn.out.find("Phase 4 backfill:"), std::string::npos) << warn.out;
  EXPECT_NE(warn.out.find("\nJob "), std::string::npos) << warn.out;
  auto debug = RunPhase4(RunAll({"--start-date", "2023-10-24", "--end-date", "2023-11-12",
                                 "--no-resume", "--log-level", "debug"}));
  ASSERT_EQ(debug.exit_code, 0) << debug.out << debug.err;
  EXPECT_NE(debug.out.find("[#4 player_daily_cache] Processing day 12/12: 2023-11-12"),
            std::string::npos)
      << debug.out;
}

TEST_F(ConsoleCliTest, JsonAndQuietForSchedulers) {
  auto j = RunPhase4(RunAll({"--start-date", "2023-10-24", "--end-date", "2023-11-20", "--json",
                             "--log-file", (dir_.path() / "j.log").string()}));
  ASSERT_EQ(j.exit_code, 0) << j.out << j.err;
  auto summary = nlohmann::json::parse(j.out);  // exactly one object, nothing else
  EXPECT_EQ(summary["exit_code"], 0);
  EXPECT_EQ(summary["complete"], true);
  EXPECT_EQ(summary["log_file"], (dir_.path() / "j.log").string());
  ASSERT_EQ(summary["jobs"].size(), processors::AllProcessors().size());
  for (const auto& job : summary["jobs"]) {
    EXPECT_EQ(job["succeeded"], 20) << job;
    EXPECT_EQ(job["skipped"], 7) << job;
    EXPECT_GT(job["rows_written"].get<int64_t>(), 0) << job;
  }
  EXPECT_NE(testing::ReadFile(dir_.path() / "j.log").find("Processing day 27/27"),
            std::string::npos);

  auto q = RunPhase4(RunAll({"--start-date", "2023-10-24", "--end-date", "2023-11-25", "--quiet"}));
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out, "");
  for (const std::string cmd : {"plan", "status", "verify-phase3"}) {
    auto quiet = RunPhase4({"--warehouse", wh(), cmd, "--start-date", "2023-10-24", "--end-date",
                            "2023-11-25", "--quiet"});
    EXPECT_EQ(quiet.exit_code, 0) << cmd << quiet.err;
    EXPECT_EQ(quiet.out, "") << cmd;
    auto json = RunPhase4({"--warehouse", wh(), cmd, "--start-date", "2023-10-24", "--end-date",
                           "2023-11-25", "--json"});
    EXPECT_EQ(json.exit_code, 0) << cmd << json.err;
    EXPECT_TRUE(nlohmann::json::accept(json.out)) << cmd << json.out;
  }
  auto verify =
      nlohmann::json::parse(RunPhase4({"--warehouse", wh(), "verify-phase3", "--start-date",
                                       "2023-10-24", "--end-date", "2023-11-25", "--json"})
                                .out);
  EXPECT_EQ(verify["ready"], true);
  EXPECT_EQ(verify["tables"].size(), 5u);
  auto b =
      RunPhase4({"--warehouse", wh(), "backfill", "team_defense_zone_analysis", "--checkpoint-dir",
                 ckdir(), "--start-date", "2023-10-24", "--end-date", "2023-11-30", "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  auto one = nlohmann::json::parse(b.out);
  EXPECT_EQ(one["command"], "backfill");
  // 24 dates done by the quiet run-all above, 5 left in this range.
  EXPECT_EQ(one["jobs"][0]["up_to_date"], 24);
  EXPECT_EQ(one["jobs"][0]["computed"], 5);
}

// The live block, in a real pseudo-terminal: a line per job with a bar,
// redrawn in place, then the table.
TEST_F(ConsoleCliTest, OnATerminalRunAllKeepsOneLiveBlock) {
  std::vector<std::string> args =
      RunAll({"--start-date", "2023-10-24", "--end-date", "2024-01-31"});
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(PHASE4_BINARY)};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(PHASE4_BINARY, argv.data());
    _exit(127);
  }
  std::string screen;
  char buf[4096];
  for (ssize_t n; (n = read(master, buf, sizeof buf)) > 0;)
    screen.append(buf, static_cast<size_t>(n));
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << screen;
  // Redrawn in place: the cursor goes back over the block (6 lines).
  EXPECT_GT(Count(screen, "\033[6F\033[J"), 1u) << screen;
  EXPECT_TRUE(
      std::regex_search(screen, std::regex(R"(#5 ml_feature_store +\[#+\.*\] +\d+/94 +failed 0)")))
      << screen;
  EXPECT_NE(screen.find("Overall "), std::string::npos);
  EXPECT_EQ(screen.find("Progress: "), std::string::npos) << "the block replaces the lines";
  EXPECT_NE(screen.find("Phase 4 Backfill Complete!"), std::string::npos);
  EXPECT_NE(screen.find("Log: "), std::string::npos);
}

TEST_F(ConsoleCliTest, AnOffSeasonRangeHasNoGameDatesAndClaimsNothing) {
  const std::vector<std::string> range{"--start-date", "2024-07-01", "--end-date", "2024-07-31"};
  auto run = RunPhase4(RunAll(range));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("No game dates in range 2024-07-01 to 2024-07-31; nothing to do."),
            std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("Complete"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(ckdir())) << "no checkpoint, no log";
  auto backfill =
      RunPhase4({"--warehouse", wh(), "backfill", "player_daily_cache", "--checkpoint-dir", ckdir(),
                 "--start-date", "2024-07-01", "--end-date", "2024-07-31"});
  EXPECT_EQ(backfill.exit_code, 0) << backfill.err;
  EXPECT_NE(backfill.out.find("No game dates in range"), std::string::npos) << backfill.out;
  EXPECT_EQ(backfill.out.find("COMPLETE"), std::string::npos) << backfill.out;
  for (const std::string cmd : {"plan", "status"}) {
    std::vector<std::string> a{"--warehouse", wh(), cmd};
    a.insert(a.end(), range.begin(), range.end());
    auto r = RunPhase4(a);
    EXPECT_EQ(r.exit_code, 0) << cmd << r.err;
    EXPECT_NE(r.out.find("No game dates in range"), std::string::npos) << cmd << r.out;
  }
  std::vector<std::string> v{"--warehouse", wh(), "verify-phase3"};
  v.insert(v.end(), range.begin(), range.end());
  auto verify = RunPhase4(v);
  EXPECT_EQ(verify.exit_code, 0);
  EXPECT_NE(verify.out.find("NO GAME DATES IN RANGE"), std::string::npos) << verify.out;
  EXPECT_EQ(verify.out.find("BOOTSTRAP PERIOD"), std::string::npos) << verify.out;
}

const std::string kWrapper =
    std::string(PHASE4_SOURCE_DIR) + "/bin/backfill/run_phase4_backfill.sh";

TEST_F(ConsoleCliTest, TheWrapperTakesEveryRunAllFlagAndSaysWhereItLooked) {
  auto r = testing::RunProgram(kWrapper,
                               {"--warehouse", wh(), "--checkpoint-dir", ckdir(), "--start-date",
                                "2023-10-24", "--end-date", "2023-11-20", "--bootstrap-days", "3",
                                "--json", "--log-file", (dir_.path() / "w.log").string()},
                               "", {std::string("PHASE4_BIN=") + PHASE4_BINARY});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["jobs"][0]["skipped"], 3);
  EXPECT_TRUE(
      fs::exists(fs::path(ckdir()) / "team_defense_zone_analysis_2023-10-24_2023-11-20.json"));
  // Unknown flags are run-all's to refuse, with its usage exit code.
  auto bad = testing::RunProgram(kWrapper, {"--warehouse", wh(), "--no-such-flag"}, "",
                                 {std::string("PHASE4_BIN=") + PHASE4_BINARY});
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  // No warehouse anywhere: the binary names the path it looked in and why.
  auto none = RunPhase4({"--warehouse", (dir_.path() / "nowhere").string(), "run-all",
                         "--start-date", "2023-10-24", "--end-date", "2023-11-20"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("looked in " + (dir_.path() / "nowhere").string() +
                          " (given with --warehouse)"),
            std::string::npos)
      << none.err;
  auto help =
      testing::RunProgram(kWrapper, {"--help"}, "", {std::string("PHASE4_BIN=") + PHASE4_BINARY});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--checkpoint-dir"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--warehouse"), std::string::npos) << help.out;
}

TEST(CliHelpTest, EveryCommandSaysWhatItDoesWithExamplesAndExitCodes) {
  for (const std::string cmd :
       {"init", "check", "load-schedule", "import", "export", "generate", "verify-phase3",
        "process", "backfill", "run-all", "plan", "status", "outbox", "report"}) {
    auto r = RunPhase4({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << cmd << "\n" << r.out;
    EXPECT_TRUE(r.out.find("Exit status") != std::string::npos ||
                r.out.find("Exit codes") != std::string::npos)
        << cmd << "\n"
        << r.out;
  }
  auto r = RunPhase4({"run-all", "--help"});
  for (const auto* p : processors::AllProcessors())
    EXPECT_NE(r.out.find(fmt::format("  {} {}", p->order, p->name)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Checkpoints: /tmp/backfill_checkpoints"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace phase4::backfill
