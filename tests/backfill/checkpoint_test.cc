#include "backfill/checkpoint.h"
#include "backfill/checkpoint_validator.h"
#include "backfill/checkpoint_writer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "backfill/backfill_job.h"
#include "backfill/corrupt_checkpoint_expectations.h"
#include "env/fault_env.h"
#include "test_support.h"

namespace phase4::backfill {
namespace {

namespace fs = std::filesystem;
using ::phase4::testing::ReadFile;
using ::phase4::testing::TempDir;
using ::phase4::testing::WriteFile;

constexpr char kJob[] = "team_defense_zone_analysis";

Date D(const char* text) { return *ParseDate(text); }

std::chrono::system_clock::time_point FixedNow() {
  using namespace std::chrono;
  return sys_days{year{2026} / 11 / 27} + hours{10};
}

// Env::Default() with the clock stopped at FixedNow().
::phase4::testing::FaultEnv* FixedClockEnv() {
  static ::phase4::testing::FaultEnv* env = [] {
    auto* e = new ::phase4::testing::FaultEnv;
    e->SetNow(FixedNow());
    return e;
  }();
  return env;
}

// `env`: the test's own, to make its saves fail.
Checkpoint::Options Opts(bool resume = true, Env* env = FixedClockEnv()) {
  Checkpoint::Options o;
  o.resume = resume;
  o.env = env;
  return o;
}

std::vector<std::string> ListDir(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<Date> Dates(std::initializer_list<const char*> texts) {
  std::vector<Date> out;
  for (const char* t : texts) out.push_back(D(t));
  return out;
}

std::vector<Date> Sorted(const std::set<Date>& s) { return {s.begin(), s.end()}; }

// The known sequence of the golden test.
void MarkGoldenSequence(Checkpoint& cp) {
  ASSERT_TRUE(cp.MarkSkipped(D("2024-01-01")).ok());
  ASSERT_TRUE(cp.MarkSuccess(D("2024-01-03")).ok());
  ASSERT_TRUE(cp.MarkSuccess(D("2024-01-02")).ok());  // out of order: last success is the max
  ASSERT_TRUE(
      cp.MarkFailed(D("2024-01-04"), "No data for date 2024-01-04: player_game_summary has no rows")
          .ok());
  ASSERT_TRUE(
      cp.MarkFailed(D("2024-01-05"), "Missing critical dependencies: [team_defense_zone_analysis]")
          .ok());
  ASSERT_TRUE(cp.MarkSuccess(D("2024-01-05")).ok());  // leaves failed_dates and its error
  ASSERT_TRUE(cp.MarkSuccess(D("2024-01-03")).ok());  // re-marking counts once
  ASSERT_TRUE(cp.MarkFailed(D("2024-01-08"), "first error").ok());
  ASSERT_TRUE(cp.MarkFailed(D("2024-01-08"), "line one\nline \"two\"").ok());  // replaced
}

constexpr char kGoldenJson[] = R"({
  "job_name": "team_defense_zone_analysis",
  "start_date": "2024-01-01",
  "end_date": "2024-01-10",
  "last_successful_date": "2024-01-05",
  "successful_dates": [
    "2024-01-02",
    "2024-01-03",
    "2024-01-05"
  ],
  "failed_dates": [
    "2024-01-04",
    "2024-01-08"
  ],
  "skipped_dates": [
    "2024-01-01"
  ],
  "stats": {
    "processed": 6,
    "successful": 3,
    "failed": 2,
    "skipped": 1,
    "total_days": 8
  },
  "failed_errors": {
    "2024-01-04": "No data for date 2024-01-04: player_game_summary has no rows",
    "2024-01-08": "line one\nline \"two\""
  },
  "updated_at": "2026-11-27T10:00:00.000000Z"
}
)";

Result<Checkpoint> OpenGolden(const fs::path& dir, bool resume = true) {
  return Checkpoint::Open(dir, kJob, D("2024-01-01"), D("2024-01-10"), 8, Opts(resume));
}

TEST(CheckpointTest, PathIsJobAndRange) {
  EXPECT_EQ(
      Checkpoint::PathFor(kDefaultCheckpointDirectory, kJob, D("2021-10-19"), D("2025-06-22")),
      fs::path("/tmp/backfill_checkpoints/"
               "team_defense_zone_analysis_2021-10-19_2025-06-22.json"));
}

TEST(CheckpointTest, OpenCreatesDirectoryButNoFileUntilFirstMark) {
  TempDir tmp;
  fs::path dir = tmp.path() / "a" / "b";
  auto cp = OpenGolden(dir);
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_FALSE(fs::exists(cp->path()));
  EXPECT_FALSE(cp->resumed());
  EXPECT_TRUE(cp->warnings().empty());
}

TEST(CheckpointTest, RejectsBadArguments) {
  TempDir tmp;
  EXPECT_EQ(
      Checkpoint::Open(tmp.path(), "../evil", D("2024-01-01"), D("2024-01-02"), 1).status().code(),
      Status::Code::kInvalidInput);
  EXPECT_EQ(Checkpoint::Open(tmp.path(), kJob, D("2024-01-03"), D("2024-01-02"), 1).status().code(),
            Status::Code::kInvalidInput);
}

TEST(CheckpointTest, GoldenJsonAfterKnownSequence) {
  TempDir tmp;
  auto cp = OpenGolden(tmp.path());
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  MarkGoldenSequence(*cp);
  EXPECT_EQ(ReadFile(cp->path()), kGoldenJson);
}

TEST(CheckpointTest, BackgroundSavesWriteTheSameFileOnceFlushed) {
  TempDir tmp;
  Checkpoint::Options o = Opts();
  o.background_saves = true;
  auto cp = Checkpoint::Open(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"), 8, o);
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  MarkGoldenSequence(*cp);
  ASSERT_TRUE(cp->Flush().ok());
  EXPECT_EQ(ReadFile(cp->path()), kGoldenJson);
}

TEST(CheckpointTest, BackgroundSaveErrorIsReportedByFlushAndTheNextMark) {
  TempDir tmp;
  ::phase4::testing::FaultEnv env;
  Checkpoint::Options o = Opts(true, &env);
  o.background_saves = true;
  auto cp = Checkpoint::Open(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"), 8, o);
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  ASSERT_TRUE(cp->MarkSuccess(D("2024-01-02")).ok());
  ASSERT_TRUE(cp->Flush().ok());
  env.FailSaves("No space left on device");
  ASSERT_TRUE(cp->MarkSuccess(D("2024-01-03")).ok());  // queued
  Status flushed = cp->Flush();
  ASSERT_FALSE(flushed.ok());
  EXPECT_NE(flushed.message().find("cannot save checkpoint " + cp->path().string()),
            std::string::npos)
      << flushed.message();
  env.AllowSaves();  // the writer has stopped: later marks still fail
  EXPECT_FALSE(cp->MarkSuccess(D("2024-01-04")).ok());
  EXPECT_EQ(env.saves(), 1);
  auto st = CheckpointFromJson(ReadFile(cp->path()), kJob, D("2024-01-01"), D("2024-01-10"));
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(Sorted(st->successful_dates()), Dates({"2024-01-02"}));
}

TEST(CheckpointTest, AtomicSavesKeepOneTempFileWhileOpenAndNoneOnceClosed) {
  TempDir tmp;
  {
    auto cp = OpenGolden(tmp.path());
    ASSERT_TRUE(cp.ok()) << cp.status().message();
    MarkGoldenSequence(*cp);
    ASSERT_TRUE(cp->Save().ok());
    // The temp file holds the state before the last save (AtomicFile reuses it).
    EXPECT_EQ(
        ListDir(tmp.path()),
        (std::vector<std::string>{"team_defense_zone_analysis_2024-01-01_2024-01-10.json",
                                  "team_defense_zone_analysis_2024-01-01_2024-01-10.json.lock",
                                  "team_defense_zone_analysis_2024-01-01_2024-01-10.json.tmp"}));
    EXPECT_EQ(ReadFile(cp->path()), kGoldenJson);
    EXPECT_EQ(ReadFile(cp->path().string() + ".tmp"), kGoldenJson);  // Save wrote the same state
  }
  // Closing releases the lock and removes the lock file.
  EXPECT_EQ(ListDir(tmp.path()),
            (std::vector<std::string>{"team_defense_zone_analysis_2024-01-01_2024-01-10.json"}));
}

TEST(CheckpointTest, OpenRemovesTempFileOfACrashedSave) {
  TempDir tmp;
  fs::path path = Checkpoint::PathFor(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"));
  WriteFile(fs::path(path.string() + ".tmp"), "{\"job_name\": \"team_def");
  auto cp = OpenGolden(tmp.path());
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST(CheckpointTest, ReopenResumesAfterLastSuccess) {
  TempDir tmp;
  const std::vector<Date> games =
      Dates({"2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06",
             "2024-01-08", "2024-01-09", "2024-01-10"});
  {
    auto cp = OpenGolden(tmp.path());
    ASSERT_TRUE(cp.ok()) << cp.status().message();
    MarkGoldenSequence(*cp);
  }
  auto cp = OpenGolden(tmp.path());
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  EXPECT_TRUE(cp->resumed());
  EXPECT_TRUE(cp->warnings().empty());
  ASSERT_TRUE(cp->LastSuccessfulDate());
  EXPECT_EQ(*cp->LastSuccessfulDate(), D("2024-01-05"));
  EXPECT_EQ(cp->ResumeDate(), D("2024-01-06"));
  EXPECT_TRUE(cp->IsDone(D("2024-01-01")));  // skipped
  EXPECT_TRUE(cp->IsDone(D("2024-01-02")));
  EXPECT_FALSE(cp->IsDone(D("2024-01-04")));  // failed
  EXPECT_TRUE(cp->IsFailed(D("2024-01-04")));
  // 01-04 failed before the resume point: left for --dates. 01-08 failed
  // after it: processed again. 01-07 is not a game date.
  EXPECT_EQ(cp->PendingDates(games),
            Dates({"2024-01-06", "2024-01-08", "2024-01-09", "2024-01-10"}));
  EXPECT_EQ(cp->FailedDates(), Dates({"2024-01-04", "2024-01-08"}));
  EXPECT_FALSE(cp->IsComplete(games));
  // The file is the same after a save with the same clock.
  ASSERT_TRUE(cp->Save().ok());
  EXPECT_EQ(ReadFile(cp->path()), kGoldenJson);
}

TEST(CheckpointTest, GameDatesNeverRecordedBeforeResumePointArePending) {
  CheckpointState s(kJob, D("2024-01-01"), D("2024-01-10"), 4);
  ASSERT_TRUE(s.MarkSuccess(D("2024-01-02")).ok());
  ASSERT_TRUE(s.MarkSuccess(D("2024-01-05")).ok());
  // 01-03 became a game date after the run (schedule reloaded): still pending.
  EXPECT_EQ(s.PendingDates(Dates({"2024-01-02", "2024-01-03", "2024-01-05", "2024-01-09"})),
            Dates({"2024-01-03", "2024-01-09"}));
  // Dates outside the range and duplicates are ignored.
  EXPECT_EQ(s.PendingDates(Dates({"2023-12-31", "2024-01-09", "2024-01-09", "2024-01-11"})),
            Dates({"2024-01-09"}));
}

TEST(CheckpointTest, NothingSucceededResumesAtStart) {
  CheckpointState s(kJob, D("2024-01-01"), D("2024-01-10"), 3);
  EXPECT_FALSE(s.last_successful_date());
  EXPECT_EQ(s.ResumeDate(), D("2024-01-01"));
  ASSERT_TRUE(s.MarkFailed(D("2024-01-01"), "x").ok());
  EXPECT_EQ(s.PendingDates(Dates({"2024-01-01", "2024-01-04"})),
            Dates({"2024-01-01", "2024-01-04"}));
}

TEST(CheckpointTest, ADateIsNeverInTwoLists) {
  TempDir tmp;
  {
    auto cp = OpenGolden(tmp.path());
    ASSERT_TRUE(cp.ok()) << cp.status().message();
    const Date d = D("2024-01-06");
    auto lists_holding = [&]() {
      const auto& s = cp->state();
      return static_cast<int>(s.successful_dates().count(d) + s.failed_dates().count(d) +
                              s.skipped_dates().count(d));
    };
    ASSERT_TRUE(cp->MarkSuccess(d).ok());
    EXPECT_EQ(lists_holding(), 1);
    ASSERT_TRUE(cp->MarkFailed(d, "boom").ok());
    EXPECT_EQ(lists_holding(), 1);
    EXPECT_TRUE(cp->state().successful_dates().empty());
    EXPECT_FALSE(cp->LastSuccessfulDate());  // derived from the list
    ASSERT_TRUE(cp->MarkSkipped(d).ok());
    EXPECT_EQ(lists_holding(), 1);
    EXPECT_TRUE(cp->state().failed_errors().empty());
    ASSERT_TRUE(cp->MarkSuccess(d).ok());
    ASSERT_TRUE(cp->MarkSuccess(d).ok());
    EXPECT_EQ(lists_holding(), 1);
    EXPECT_EQ(cp->state().processed(), 1);
    EXPECT_EQ(cp->state().successful(), 1);
  }
  // And the saved file agrees: a fresh open sees one date, no warning.
  auto again = OpenGolden(tmp.path());
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->warnings().empty());
  EXPECT_EQ(again->state().processed(), 1);
}

TEST(CheckpointTest, FailedDateKeepsErrorTextThenLeavesWhenItSucceeds) {
  TempDir tmp;
  const Date d = D("2024-01-04");
  {
    auto cp = OpenGolden(tmp.path());
    ASSERT_TRUE(cp.ok()) << cp.status().message();
    ASSERT_TRUE(cp->MarkFailed(d, "No data for date 2024-01-04: team_defense_game_summary").ok());
  }
  auto cp = OpenGolden(tmp.path());
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  ASSERT_EQ(cp->state().failed_errors().count(d), 1u);
  EXPECT_EQ(cp->state().failed_errors().at(d),
            "No data for date 2024-01-04: team_defense_game_summary");
  EXPECT_EQ(cp->state().failed(), 1);
  ASSERT_TRUE(cp->MarkSuccess(d).ok());
  EXPECT_TRUE(cp->state().failed_dates().empty());
  EXPECT_TRUE(cp->state().failed_errors().empty());
  EXPECT_EQ(cp->state().failed(), 0);
  EXPECT_EQ(cp->state().successful(), 1);
  const std::string text = ReadFile(cp->path());
  EXPECT_NE(text.find("\"failed_dates\": [],"), std::string::npos) << text;
  EXPECT_NE(text.find("\"failed_errors\": {},"), std::string::npos) << text;
  EXPECT_EQ(text.find("team_defense_game_summary"), std::string::npos) << text;
}

TEST(CheckpointTest, ErrorTextWithInvalidUtf8IsStillSaved) {
  TempDir tmp;
  auto cp = OpenGolden(tmp.path());
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  ASSERT_TRUE(cp->MarkFailed(D("2024-01-02"), "bad byte \xff here").ok());
  auto st = CheckpointFromJson(ReadFile(cp->path()), kJob, D("2024-01-01"), D("2024-01-10"));
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->failed_errors().at(D("2024-01-02")), "bad byte \xEF\xBF\xBD here");
}

TEST(CheckpointTest, MarkOutsideTheRangeChangesNothing) {
  TempDir tmp;
  auto cp = OpenGolden(tmp.path());
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  ASSERT_TRUE(cp->MarkSuccess(D("2024-01-02")).ok());
  const std::string before = ReadFile(cp->path());
  Status st = cp->MarkSuccess(D("2024-01-11"));
  EXPECT_EQ(st.code(), Status::Code::kInvalidInput);
  EXPECT_NE(st.message().find("outside the checkpoint range"), std::string::npos);
  EXPECT_EQ(cp->MarkSkipped(D("2023-12-31")).code(), Status::Code::kInvalidInput);
  EXPECT_EQ(cp->state().processed(), 1);
  EXPECT_EQ(ReadFile(cp->path()), before);
}

// The date-list text kept beside the dates is what formatting the list
// from scratch gives, after any sequence of additions (in order, out of
// order, repeated) and removals.
TEST(CheckpointDateListTest, KeptTextIsTheTextOfTheDates) {
  auto from_scratch = [](const std::set<Date>& dates) {
    if (dates.empty()) return std::string("[]");
    std::string out = "[\n";
    for (Date d : dates) {
      if (d != *dates.begin()) out += ",\n";
      out += "    \"" + FormatDate(d) + "\"";
    }
    return out + "\n  ]";
  };
  std::mt19937 rng(20261128);
  CheckpointDateList list;
  const Date first = D("2024-01-01"), last = AddDays(first, 400);
  Date next = first;  // the backfill's case: each date after the one before
  for (int step = 0; step < 2000; ++step) {
    const unsigned r = rng() % 10;
    if (r < 6) {
      list.Insert(next);
      next = AddDays(next, 1 + static_cast<int>(rng() % 3));
      if (last < next) next = first;  // from here on, repeats and dates out of order
    } else if (r < 8) {
      list.Insert(AddDays(first, static_cast<int>(rng() % 400)));  // anywhere
    } else {
      list.Erase(AddDays(first, static_cast<int>(rng() % 400)));
    }
    std::string text;
    list.AppendJson(text);
    ASSERT_EQ(text, from_scratch(list.dates())) << "after step " << step;
  }
  CheckpointDateList assigned;
  assigned.Assign(list.dates());
  std::string a, b;
  assigned.AppendJson(a);
  list.AppendJson(b);
  EXPECT_EQ(a, b);
}

// A save that fails leaves the date where it stood, so the state and the
// next successful save carry nothing the file never received.
TEST(CheckpointTest, AFailedSavePutsTheDateBackAsItWas) {
  TempDir tmp;
  ::phase4::testing::FaultEnv env;
  auto cp = Checkpoint::Open(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"), 8,
                             Opts(true, &env));
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  ASSERT_TRUE(cp->MarkSuccess(D("2024-01-02")).ok());
  ASSERT_TRUE(cp->MarkFailed(D("2024-01-03"), "first error").ok());
  ASSERT_TRUE(cp->MarkSkipped(D("2024-01-04")).ok());
  const std::string saved = CheckpointToJson(cp->state(), "t");

  env.FailSaves("No space left on device");                     // every save fails from now on
  EXPECT_FALSE(cp->MarkSuccess(D("2024-01-05")).ok());           // new date
  EXPECT_FALSE(cp->MarkFailed(D("2024-01-02"), "boom").ok());    // was successful
  EXPECT_FALSE(cp->MarkSuccess(D("2024-01-03")).ok());           // was failed
  EXPECT_FALSE(cp->MarkFailed(D("2024-01-03"), "second").ok());  // error text replaced
  EXPECT_FALSE(cp->MarkSuccess(D("2024-01-04")).ok());           // was skipped
  EXPECT_EQ(CheckpointToJson(cp->state(), "t"), saved);
  EXPECT_EQ(cp->state().failed_errors().at(D("2024-01-03")), "first error");

  env.AllowSaves();  // space again: the next save holds the old dates and the new
  ASSERT_TRUE(cp->MarkSuccess(D("2024-01-06")).ok());
  auto st = CheckpointFromJson(ReadFile(cp->path()), kJob, D("2024-01-01"), D("2024-01-10"));
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(Sorted(st->successful_dates()), Dates({"2024-01-02", "2024-01-06"}));
  EXPECT_EQ(Sorted(st->failed_dates()), Dates({"2024-01-03"}));
  EXPECT_EQ(st->failed_errors().at(D("2024-01-03")), "first error");
  EXPECT_EQ(Sorted(st->skipped_dates()), Dates({"2024-01-04"}));
}

struct CorruptCase {
  const char* name;
  std::string text;
  const char* reason_fragment;
};

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

TEST(CheckpointTest, CorruptFilesAreMovedAsideWithAWarningAndStartFresh) {
  const std::string good = kGoldenJson;
  const std::vector<CorruptCase> corpus = {
      {"truncated in the middle", good.substr(0, good.size() / 2), "not valid JSON"},
      {"empty file", "", "not valid JSON"},
      {"not JSON", "job_name = team_defense_zone_analysis\n", "not valid JSON"},
      {"binary garbage",
       std::string("\x7f"
                   "ELF\x02\x01\x00\xff\xfe\x00\x13\x37",
                   12),
       "not valid JSON"},
      {"array document", "[1, 2, 3]\n", "not a JSON object"},
      {"list is a string",
       Replace(good, "\"skipped_dates\": [\n    \"2024-01-01\"\n  ]",
               "\"skipped_dates\": \"2024-01-01\""),
       "\"skipped_dates\" is not an array"},
      {"count is a string", Replace(good, "\"processed\": 6", "\"processed\": \"6\""),
       "stats.processed"},
      {"negative count", Replace(good, "\"processed\": 6", "\"processed\": -6"), "stats.processed"},
      {"date is a number", Replace(good, "\"2024-01-01\"\n  ]", "20240101\n  ]"),
       "non-string element"},
      {"missing field",
       Replace(good, "  \"failed_dates\": [\n    \"2024-01-04\",\n    \"2024-01-08\"\n  ],\n", ""),
       "\"failed_dates\" is missing"},
      {"bad date string", Replace(good, "\"2024-01-01\"\n  ]", "\"2024-13-01\"\n  ]"),
       "not a YYYY-MM-DD date"},
      {"date outside the range", Replace(good, "\"2024-01-01\"\n  ]", "\"2023-12-31\"\n  ]"),
       "outside the range"},
      {"date in two lists", Replace(good, "\"2024-01-01\"\n  ]", "\"2024-01-02\"\n  ]"),
       "2024-01-02 is in both successful_dates and skipped_dates"},
      {"duplicate in one list",
       Replace(good, "\"2024-01-01\"\n  ]", "\"2024-01-01\", \"2024-01-01\"\n  ]"), "twice"},
      {"error for a date that did not fail",
       Replace(good, "\"2024-01-04\": \"No data", "\"2024-01-03\": \"No data"),
       "not a failed date"},
      {"job mismatch",
       Replace(good, "\"job_name\": \"team_defense_zone_analysis\"",
               "\"job_name\": \"player_shot_zone_analysis\""),
       "job_name is \"player_shot_zone_analysis\""},
      {"range mismatch",
       Replace(good, "\"end_date\": \"2024-01-10\"", "\"end_date\": \"2024-01-11\""),
       "the range is 2024-01-01 to 2024-01-11"},
  };
  for (const CorruptCase& c : corpus) {
    SCOPED_TRACE(c.name);
    testing::ExpectCorruptCheckpointMovedAside(c.text, c.reason_fragment);
  }
}

TEST(CheckpointTest, SecondCorruptFileInTheSameSecondGetsItsOwnName) {
  TempDir tmp;
  fs::path path = Checkpoint::PathFor(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"));
  for (const char* text : {"first garbage", "second garbage"}) {
    WriteFile(path, text);
    auto cp = OpenGolden(tmp.path());
    ASSERT_TRUE(cp.ok()) << cp.status().message();
  }
  EXPECT_EQ(ReadFile(path.string() + ".corrupt-20261127T100000Z"), "first garbage");
  EXPECT_EQ(ReadFile(path.string() + ".corrupt-20261127T100000Z-2"), "second garbage");
}

TEST(CheckpointTest, ACorruptFileThatCannotBeMovedAsideIsAnErrorAndStaysInPlace) {
  TempDir tmp;
  ::phase4::testing::FaultEnv env;
  env.SetNow(FixedNow());
  env.FailRenames("Read-only file system");
  fs::path path = Checkpoint::PathFor(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"));
  WriteFile(path, "garbage");
  auto cp = Checkpoint::Open(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"), 8,
                             Opts(true, &env));
  ASSERT_FALSE(cp.ok());
  EXPECT_EQ(cp.status().code(), Status::Code::kIo);
  EXPECT_EQ(cp.status().message().rfind("checkpoint " + path.string() + " is corrupt (", 0), 0u)
      << cp.status().message();
  EXPECT_NE(cp.status().message().find(") and cannot be moved aside to " + path.string() +
                                       ".corrupt-20261127T100000Z: Read-only file system"),
            std::string::npos)
      << cp.status().message();
  EXPECT_EQ(ReadFile(path), "garbage");
  EXPECT_EQ(ListDir(tmp.path()),
            (std::vector<std::string>{"team_defense_zone_analysis_2024-01-01_2024-01-10.json"}));
}

TEST(CheckpointTest, ALockThatCannotBeTakenIsReturnedAsIs) {
  TempDir tmp;
  ::phase4::testing::FaultEnv env;
  env.FailNextLock(Status::IoError("cannot open lock file x: Permission denied"));
  auto cp = Checkpoint::Open(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"), 8,
                             Opts(true, &env));
  ASSERT_FALSE(cp.ok());
  EXPECT_EQ(cp.status().message(), "cannot open lock file x: Permission denied");
  EXPECT_TRUE(OpenGolden(tmp.path()).ok());  // only that one attempt failed
}

TEST(CheckpointTest, DerivedValuesThatDisagreeAreRecomputedWithAWarning) {
  TempDir tmp;
  fs::path path = Checkpoint::PathFor(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"));
  std::string text = Replace(kGoldenJson, "\"processed\": 6", "\"processed\": 60");
  text = Replace(text, "\"last_successful_date\": \"2024-01-05\"",
                 "\"last_successful_date\": \"2024-01-03\"");
  WriteFile(path, text);
  auto cp = OpenGolden(tmp.path());
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  EXPECT_TRUE(cp->resumed());
  ASSERT_EQ(cp->warnings().size(), 2u);
  EXPECT_NE(cp->warnings()[0].find("last_successful_date was 2024-01-03"), std::string::npos);
  EXPECT_NE(cp->warnings()[1].find("processed/successful/failed/skipped 60/3/2/1"),
            std::string::npos);
  ASSERT_TRUE(cp->Save().ok());
  EXPECT_EQ(ReadFile(path), kGoldenJson);
}

TEST(CheckpointTest, ReadsAReferenceSystemFile) {
  // The reference wrote append order, created_at/last_updated, calendar-day
  // total_days and no error texts.
  const std::string text = R"({
  "job_name": "team_defense_zone_analysis",
  "start_date": "2024-01-01",
  "end_date": "2024-01-10",
  "created_at": "2025-11-30T16:19:45.123456",
  "last_updated": "2025-11-30T16:29:45.123456",
  "last_successful_date": "2024-01-05",
  "successful_dates": ["2024-01-05", "2024-01-02"],
  "failed_dates": ["2024-01-04"],
  "skipped_dates": ["2024-01-01"],
  "stats": {"total_days": 10, "processed": 4, "successful": 2, "failed": 1, "skipped": 1}
})";
  std::vector<std::string> warnings;
  auto s = CheckpointFromJson(text, kJob, D("2024-01-01"), D("2024-01-10"), &warnings);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(Sorted(s->successful_dates()), Dates({"2024-01-02", "2024-01-05"}));
  EXPECT_EQ(s->failed_errors().at(D("2024-01-04")), "");
  EXPECT_EQ(s->total_days(), 10);
}

TEST(CheckpointTest, NoResumeStartsFreshAndReplacesTheFileOnFirstSave) {
  TempDir tmp;
  {
    auto cp = OpenGolden(tmp.path());
    ASSERT_TRUE(cp.ok()) << cp.status().message();
    MarkGoldenSequence(*cp);
  }
  auto cp = OpenGolden(tmp.path(), /*resume=*/false);
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  EXPECT_FALSE(cp->resumed());
  EXPECT_EQ(cp->state().processed(), 0);
  EXPECT_FALSE(cp->LastSuccessfulDate());
  ASSERT_EQ(cp->warnings().size(), 1u);
  EXPECT_NE(cp->warnings()[0].find("--no-resume: ignoring existing checkpoint"), std::string::npos);
  EXPECT_EQ(ReadFile(cp->path()), kGoldenJson);  // untouched until the first save
  ASSERT_TRUE(cp->MarkSkipped(D("2024-01-01")).ok());
  auto s = CheckpointFromJson(ReadFile(cp->path()), kJob, D("2024-01-01"), D("2024-01-10"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->processed(), 1);
  EXPECT_TRUE(s->successful_dates().empty());
  // No corrupt copy was made: --no-resume discards on purpose. The temp
  // file holds the discarded text until the checkpoint closes.
  EXPECT_EQ(ListDir(tmp.path()).size(), 3u);  // the file, its lock and its temp file
  EXPECT_EQ(ReadFile(cp->path().string() + ".tmp"), kGoldenJson);
}

TEST(CheckpointTest, InspectReadsWithoutChangingAnything) {
  TempDir tmp;
  fs::path dir = tmp.path() / "missing";
  auto none = Checkpoint::Inspect(dir, kJob, D("2024-01-01"), D("2024-01-10"));
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value());
  EXPECT_FALSE(fs::exists(dir));

  fs::path path = Checkpoint::PathFor(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"));
  WriteFile(path, "{ truncated");
  auto bad = Checkpoint::Inspect(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kCorruption);
  EXPECT_NE(bad.status().message().find("checkpoint " + path.string() + " is corrupt"),
            std::string::npos);
  EXPECT_EQ(ReadFile(path), "{ truncated");
  EXPECT_EQ(ListDir(tmp.path()).size(), 1u);
}

TEST(CheckpointTest, InspectWorksWhileARunHoldsTheLock) {
  TempDir tmp;
  auto cp = OpenGolden(tmp.path());
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  MarkGoldenSequence(*cp);
  auto seen = Checkpoint::Inspect(tmp.path(), kJob, D("2024-01-01"), D("2024-01-10"));
  ASSERT_TRUE(seen.ok()) << seen.status().message();
  ASSERT_TRUE(seen->has_value());
  EXPECT_EQ((*seen)->processed(), 6);
}

TEST(CheckpointTest, SecondOpenOfTheSameJobAndRangeIsRefused) {
  TempDir tmp;
  auto first = OpenGolden(tmp.path());
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = OpenGolden(tmp.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kBusy);
  EXPECT_NE(second.status().message().find("checkpoint " + first->path().string() +
                                           " is locked by pid " + std::to_string(getpid())),
            std::string::npos)
      << second.status().message();
  // Another range of the same job is another file and another lock.
  auto other = Checkpoint::Open(tmp.path(), kJob, D("2024-01-01"), D("2024-01-11"), 8, Opts());
  EXPECT_TRUE(other.ok()) << other.status().message();
}

TEST(CheckpointTest, OpenIsRefusedWhileAnotherProcessRunsTheSameRange) {
  TempDir tmp;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    auto cp = OpenGolden(tmp.path());
    char c = cp.ok() ? 'K' : 'E';
    if (write(ready[1], &c, 1) != 1) _exit(3);
    if (!cp.ok()) _exit(2);
    while (true) pause();
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  ASSERT_EQ(c, 'K');
  auto refused = OpenGolden(tmp.path());
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kBusy);
  EXPECT_NE(
      refused.status().message().find("is locked by pid " + std::to_string(child) + " on host "),
      std::string::npos)
      << refused.status().message();
  kill(child, SIGKILL);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  auto after = OpenGolden(tmp.path());
  EXPECT_TRUE(after.ok()) << after.status().message();
}

}  // namespace
}  // namespace phase4::backfill
