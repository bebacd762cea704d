// What the job functions return (backfill/job_result.h, orchestrator.h):
// RunBackfill and RunAll called directly, their results checked without the
// CLI; and what SayJobResult says of a result.
#include "backfill/job_result.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backfill/backfill_job.h"
#include "backfill/orchestrator.h"
#include "common/exit_codes.h"
#include "env/file_lock.h"
#include "test_support.h"

namespace phase4::backfill {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const char* const kJob = "team_defense_zone_analysis";

using testing::Drain;

// The lines a job said, by kind.
class RecordedLines : public JobEvents {
 public:
  void Started(int, int, const JobTally&) override {}
  void Settled(Date, UnitOutcome, int64_t, const std::string&) override {}
  void Ended(const JobTally&) override {}
  void Line(LineKind kind, const std::string& text) override { lines.emplace_back(kind, text); }

  std::vector<std::string> Of(LineKind kind) const {
    std::vector<std::string> out;
    for (const auto& [k, text] : lines)
      if (k == kind) out.push_back(text);
    return out;
  }
  std::vector<std::pair<LineKind, std::string>> lines;
};

// A copy of the generated 2023-24 league; `gap` removes the team defense
// summaries of 2023-11-14, which blocks the next game date of job #1.
class JobResultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(testing::GeneratedLeague(), wh_path(), fs::copy_options::recursive);
  }
  fs::path wh_path() const { return dir_.path() / "wh"; }
  std::string ckdir() const { return (dir_.path() / "ck").string(); }
  void RemoveTeamDefenseOf(const std::string& date) {
    testing::ExecSql(wh_path() / "nba_analytics.db",
                     "DELETE FROM team_defense_game_summary WHERE game_date = '" + date + "'");
  }
  std::unique_ptr<Warehouse> Open() {
    auto wh = Warehouse::Open(wh_path().string(), /*create=*/false);
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    return wh.ok() ? std::move(wh).value() : nullptr;
  }
  BackfillOptions Job(Date start, Date end) const {
    BackfillOptions o;
    o.job = kJob;
    o.start = start;
    o.end = end;
    o.checkpoint_dir = ckdir();
    o.command_prefix = "phase4 --warehouse W";
    return o;
  }
  RunAllOptions All(Date start, Date end) const {
    RunAllOptions o;
    o.start = start;
    o.end = end;
    o.warehouse = wh_path().string();
    o.checkpoint_dir = ckdir();
    o.log_file = (dir_.path() / "run-all.log").string();
    return o;
  }

  TempDir dir_;
};

TEST_F(JobResultTest, AGapReturnsTheBlockedDatesAndTheRetryCommandAndPrintsNoVerdict) {
  RemoveTeamDefenseOf("2023-11-14");
  auto wh = Open();
  ASSERT_TRUE(wh);
  RecordedLines lines;
  BackfillOptions o = Job(MakeDate(2023, 11, 10), MakeDate(2023, 11, 20));
  o.events = &lines;
  const BackfillResult r = RunBackfill(*wh, o, stdout);

  EXPECT_EQ(r.status.code(), Status::Code::kIncomplete) << r.status.message();
  EXPECT_EQ(ExitCodeFor(r.status), 2);
  EXPECT_EQ(r.units.failed, 0);
  EXPECT_EQ(r.units.blocked, 1);
  ASSERT_EQ(r.units.blocks.size(), 1u);
  EXPECT_EQ(r.units.blocks.begin()->first, MakeDate(2023, 11, 15));
  EXPECT_NE(r.units.blocks.begin()->second.find("No data for date 2023-11-15"), std::string::npos)
      << r.units.blocks.begin()->second;
  EXPECT_GT(r.units.succeeded(), 0);
  EXPECT_EQ(r.retry_command,
            "phase4 --warehouse W backfill team_defense_zone_analysis --start-date 2023-11-10 "
            "--end-date 2023-11-20 --checkpoint-dir " +
                ckdir() + " --bootstrap-days 7");
  EXPECT_FALSE(r.unrecorded_date);
  EXPECT_FALSE(r.checkpoint_status);
  // The summary is the job's own text; the verdict is the caller's to say.
  EXPECT_EQ(lines.Of(LineKind::kError), std::vector<std::string>{});
  SayJobResult(r, lines);
  EXPECT_EQ(lines.Of(LineKind::kError), std::vector<std::string>{});
}

TEST_F(JobResultTest, ALockedJobReturnsBusyWithNothingToRetry) {
  auto wh = Open();
  ASSERT_TRUE(wh);
  fs::create_directories(JobLockPath(*wh, kJob).parent_path());
  auto lock = FileLock::Acquire(JobLockPath(*wh, kJob), "test");
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  RecordedLines lines;
  BackfillOptions o = Job(MakeDate(2023, 11, 10), MakeDate(2023, 11, 20));
  o.events = &lines;
  const BackfillResult r = RunBackfill(*wh, o, stdout);

  EXPECT_EQ(r.status.code(), Status::Code::kBusy) << r.status.message();
  EXPECT_EQ(ExitCodeFor(r.status), 75);
  EXPECT_NE(r.status.message().find("is locked by pid " + std::to_string(getpid())),
            std::string::npos)
      << r.status.message();
  EXPECT_EQ(r.retry_command, "");
  EXPECT_EQ(r.units.succeeded() + r.units.failed + r.units.blocked, 0);
  EXPECT_TRUE(lines.Of(LineKind::kError).empty());
  // Said by the caller, as `phase4 backfill` shows it.
  SayJobResult(r, lines);
  EXPECT_EQ(lines.Of(LineKind::kError), std::vector<std::string>{"error: " + r.status.message()});
}

TEST_F(JobResultTest, AnUnknownJobAndAStartAfterTheEndAreUsageErrors) {
  auto wh = Open();
  ASSERT_TRUE(wh);
  BackfillOptions unknown = Job(MakeDate(2023, 11, 10), MakeDate(2023, 11, 20));
  unknown.job = "no_such_job";
  std::FILE* out = std::tmpfile();
  unknown.err = out;
  const BackfillResult u = RunBackfill(*wh, unknown, out);
  EXPECT_EQ(u.status.code(), Status::Code::kUsage);
  EXPECT_EQ(u.status.message().rfind("unknown job 'no_such_job' (jobs: ", 0), 0u)
      << u.status.message();
  BackfillOptions reversed = Job(MakeDate(2023, 11, 20), MakeDate(2023, 11, 10));
  reversed.err = out;
  const BackfillResult r = RunBackfill(*wh, reversed, out);
  EXPECT_EQ(r.status.code(), Status::Code::kUsage);
  EXPECT_EQ(r.status.message(), "Start date must be before end date");
  // Neither printed anything: the message is in the result.
  EXPECT_EQ(Drain(out), "");
  std::fclose(out);
}

TEST_F(JobResultTest, StatusReturnsTheLedgersViewOfTheRange) {
  RemoveTeamDefenseOf("2023-11-14");
  auto wh = Open();
  ASSERT_TRUE(wh);
  const Date start = MakeDate(2023, 11, 10), end = MakeDate(2023, 11, 20);
  BackfillOptions status = Job(start, end);
  status.status = true;
  std::FILE* out = std::tmpfile();
  status.err = out;

  const BackfillResult before = RunBackfill(*wh, status, out);
  EXPECT_EQ(before.status.code(), Status::Code::kIncomplete) << before.status.message();
  ASSERT_TRUE(before.checkpoint_status);
  EXPECT_EQ(before.checkpoint_status->view.processed(), 0);
  EXPECT_EQ(before.checkpoint_status->checkpoint_path,
            fs::path(ckdir()) / "team_defense_zone_analysis_2023-11-10_2023-11-20.json");

  BackfillOptions run = Job(start, end);
  run.err = out;
  ASSERT_EQ(RunBackfill(*wh, run, out).status.code(), Status::Code::kIncomplete);
  const std::string printed_by_the_run = Drain(out);
  EXPECT_NE(printed_by_the_run.find("PHASE 4 BACKFILL SUMMARY"), std::string::npos);

  const BackfillResult after = RunBackfill(*wh, status, out);
  EXPECT_EQ(after.status.code(), Status::Code::kIncomplete);  // 2023-11-15 is blocked
  ASSERT_TRUE(after.checkpoint_status);
  const BackfillStatus& s = *after.checkpoint_status;
  EXPECT_EQ(s.view.job_name(), kJob);
  EXPECT_EQ(s.view.failed_dates(), std::set<Date>{MakeDate(2023, 11, 15)});
  EXPECT_EQ(s.view.successful(), static_cast<int>(s.game_dates.size()) - 1);
  EXPECT_TRUE(s.view.successful_dates().count(MakeDate(2023, 11, 20)));
  // --status prints nothing itself: the CLI renders the block.
  EXPECT_EQ(Drain(out), printed_by_the_run);
  std::fclose(out);

  // Once the rows are back and the date retried, the range is complete.
  const fs::path clean = dir_.path() / "clean_analytics.db";
  fs::copy_file(testing::GeneratedLeague() / "nba_analytics.db", clean);
  testing::ExecSql(wh_path() / "nba_analytics.db",
                   "ATTACH '" + clean.string() +
                       "' AS clean; INSERT INTO team_defense_game_summary SELECT * FROM "
                       "clean.team_defense_game_summary WHERE game_date = '2023-11-14'");
  std::FILE* sink = std::tmpfile();
  run.err = sink;
  EXPECT_TRUE(RunBackfill(*wh, run, sink).status.ok());
  status.err = sink;
  const BackfillResult done = RunBackfill(*wh, status, sink);
  EXPECT_TRUE(done.status.ok()) << done.status.message();
  ASSERT_TRUE(done.checkpoint_status);
  EXPECT_TRUE(done.checkpoint_status->view.failed_dates().empty());
  std::fclose(sink);
}

TEST(SayJobResultTest, ErrorsAndEarlyStopsAreSaidAndARunToItsEndSaysNothingMore) {
  RecordedLines ok, incomplete, interrupted, aborted, storage, usage;
  SayJobResult(BackfillResult(Status::OK()), ok);
  SayJobResult(BackfillResult(Status::Incomplete("1 units failed")), incomplete);
  EXPECT_TRUE(ok.lines.empty());
  EXPECT_TRUE(incomplete.lines.empty());

  SayJobResult(BackfillResult(Status::Interrupted("Interrupted before all dates were processed")),
               interrupted);
  EXPECT_EQ(interrupted.Of(LineKind::kWarning),
            std::vector<std::string>{"Interrupted before all dates were processed"});
  SayJobResult(BackfillResult(Status::Aborted("Stopped: upstream ended")), aborted);
  EXPECT_EQ(aborted.Of(LineKind::kWarning), std::vector<std::string>{"Stopped: upstream ended"});

  BackfillResult full(Status::Storage("storage failure, stopped at 2023-11-08: disk full"));
  full.unrecorded_date = MakeDate(2023, 11, 8);
  SayJobResult(full, storage);
  EXPECT_EQ(storage.Of(LineKind::kError),
            (std::vector<std::string>{
                "error: storage failure, stopped at 2023-11-08: disk full",
                "  2023-11-08 was not recorded; fix the cause (free space, permissions, or "
                "restore the file) and run the same command again to resume from it."}));
  SayJobResult(BackfillResult(Status::Usage("unknown job 'x'")), usage);
  EXPECT_EQ(usage.Of(LineKind::kError), std::vector<std::string>{"error: unknown job 'x'"});
}

TEST_F(JobResultTest, RunAllWithAGapReturnsUnitsLeftAndItsConsoleForTheCliToConclude) {
  RemoveTeamDefenseOf("2023-11-14");
  RunAllOptions o = All(MakeDate(2023, 11, 10), MakeDate(2023, 11, 20));
  std::FILE* out = std::tmpfile();
  RunAllResult r = RunAll(o, out);

  EXPECT_EQ(r.status.code(), Status::Code::kIncomplete) << r.status.message();
  ASSERT_TRUE(r.console);
  ASSERT_TRUE(r.log);
  EXPECT_EQ(r.log->path(), fs::path(o.log_file));
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0], "Some dates failed or are blocked (listed above); the others are done.");
  EXPECT_EQ(r.lines[2], "  " + r.retry_command);
  EXPECT_EQ(r.retry_command, ResumeCommand(o));
  // The jobs' endings were said during the run, with the CLI's exit codes.
  const std::string during = Drain(out);
  EXPECT_NE(during.find("✗ #1 team_defense_zone_analysis finished with failed or blocked dates "
                        "(exit 2)"),
            std::string::npos)
      << during;
  // The verdict is not: the table and the lines wait for the caller.
  EXPECT_EQ(during.find("Some dates failed or are blocked"), std::string::npos) << during;
  EXPECT_EQ(r.console->Conclude(
                {"run-all", o.start, o.end, 2, r.lines, r.retry_command, r.log->path().string()}),
            2);
  const std::string end = Drain(out).substr(during.size());
  EXPECT_NE(end.find("#1 team_defense_zone_analysis 2023-11-15 blocked: No data for date"),
            std::string::npos)
      << end;
  EXPECT_NE(end.find("To retry exactly what is left, run the same command again:"),
            std::string::npos)
      << end;
  std::fclose(out);
}

TEST_F(JobResultTest, RunAllWithALockedJobReturnsBusy) {
  auto wh = Open();
  ASSERT_TRUE(wh);
  fs::create_directories(JobLockPath(*wh, kJob).parent_path());
  auto lock = FileLock::Acquire(JobLockPath(*wh, kJob), "test");
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  RunAllOptions o = All(MakeDate(2023, 11, 10), MakeDate(2023, 11, 20));
  std::FILE* out = std::tmpfile();
  RunAllResult r = RunAll(o, out);

  EXPECT_EQ(r.status.code(), Status::Code::kBusy) << r.status.message();
  EXPECT_EQ(ExitCodeFor(r.status), 75);
  ASSERT_TRUE(r.console);
  EXPECT_EQ(r.lines.front(), "Stopping: a job could not run (its error is above).");
  // The in-process job's error went into its stream, as a job process's would.
  const std::string during = Drain(out);
  EXPECT_NE(during.find("[#1 team_defense_zone_analysis] error: job team_defense_zone_analysis "
                        "of warehouse "),
            std::string::npos)
      << during;
  EXPECT_NE(during.find("✗ #1 team_defense_zone_analysis failed (exit 75)"), std::string::npos)
      << during;
  std::fclose(out);
}

TEST_F(JobResultTest, RunAllAskedWronglyReturnsUsageBeforeAnyConsole) {
  std::FILE* out = std::tmpfile();
  RunAllOptions reversed = All(MakeDate(2023, 11, 20), MakeDate(2023, 11, 10));
  RunAllResult r = RunAll(reversed, out);
  EXPECT_EQ(r.status.code(), Status::Code::kUsage);
  EXPECT_EQ(r.status.message(), "Start date must be before end date");
  EXPECT_FALSE(r.console);
  RunAllOptions too_far = All(MakeDate(2023, 11, 10), MakeDate(2023, 11, 20));
  too_far.start_from = 9;
  RunAllResult f = RunAll(too_far, out);
  EXPECT_EQ(f.status.code(), Status::Code::kUsage);
  EXPECT_FALSE(f.console);
  EXPECT_EQ(Drain(out), "");
  std::fclose(out);
}

}  // namespace
}  // namespace phase4::backfill
