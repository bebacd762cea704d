// The malformed-checkpoint corpus (tests/data/bad_input/checkpoint/): each
// file is loaded as the checkpoint of one job and range. Corrupt files are
// moved aside byte for byte with a warning naming the file and the reason,
// and the run starts fresh (decision 17, doc/checkpoint-format.md section 6);
// tolerated ones load. Nothing crashes. Generated cases (10 MB, deep nesting,
// random binary) are written at run time.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>

#include "backfill/checkpoint.h"
#include "backfill/checkpoint_validator.h"
#include "backfill/corrupt_checkpoint_expectations.h"
#include "bad_input_corpus.h"
#include "env/fault_env.h"
#include "test_support.h"

namespace phase4::backfill {
namespace {

namespace fs = std::filesystem;
using testing::CorpusCase;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

constexpr char kJob[] = "team_defense_zone_analysis";
const Date kStart = *ParseDate("2024-01-01");
const Date kEnd = *ParseDate("2024-01-10");

// Env::Default() with the clock stopped at 2026-11-27 10:00 UTC (the
// suffix of a corrupt file moved aside).
Env* FixedClockEnv() {
  static ::phase4::testing::FaultEnv* env = [] {
    auto* e = new ::phase4::testing::FaultEnv;
    using namespace std::chrono;
    e->SetNow(sys_days{year{2026} / 11 / 27} + hours{10});
    return e;
  }();
  return env;
}

Result<Checkpoint> OpenWithFile(const fs::path& dir, const std::string& text) {
  WriteFile(Checkpoint::PathFor(dir, kJob, kStart, kEnd), text);
  Checkpoint::Options o;
  o.env = FixedClockEnv();
  return Checkpoint::Open(dir, kJob, kStart, kEnd, 8, o);
}

class BadCheckpointCorpusTest : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(BadCheckpointCorpusTest, LoadingDoesWhatTheFormatDocumentSays) {
  const CorpusCase& c = GetParam();
  ASSERT_TRUE(c.problem.empty()) << c.problem;
  const std::string& outcome = c.fields[0];
  const std::string& fragment = c.fields[1];
  const std::string text = ReadFile(c.path);
  if (outcome == "corrupt") {
    testing::ExpectCorruptCheckpointMovedAside(text, fragment);
    return;
  }
  ASSERT_EQ(outcome, "loads") << "MANIFEST outcome must be corrupt or loads";
  TempDir tmp;
  auto cp = OpenWithFile(tmp.path(), text);
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  EXPECT_TRUE(cp->resumed());
  if (fragment == "-") {
    EXPECT_TRUE(cp->warnings().empty()) << cp->warnings()[0];
  } else {
    ASSERT_EQ(cp->warnings().size(), 1u);
    EXPECT_NE(cp->warnings()[0].find(fragment), std::string::npos) << cp->warnings()[0];
  }
  // What loads saves back to a file that loads without a warning.
  ASSERT_TRUE(cp->Save().ok());
  std::vector<std::string> warnings;
  auto again = CheckpointFromJson(ReadFile(cp->path()), kJob, kStart, kEnd, &warnings);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(again->successful_dates(), cp->state().successful_dates());
  EXPECT_EQ(again->failed_errors(), cp->state().failed_errors());
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadCheckpointCorpusTest,
                         ::testing::ValuesIn(testing::ReadCorpus("checkpoint", 2)),
                         [](const auto& info) { return testing::CaseTestName(info.param.name); });

TEST(BadCheckpointCorpusTest, GoodFilesLoadWithoutWarnings) {
  for (const char* f : {"golden.json", "reference_system.json"}) {
    TempDir tmp;
    auto cp = OpenWithFile(tmp.path(), ReadFile(testing::GoodInputDir("checkpoint") / f));
    ASSERT_TRUE(cp.ok()) << cp.status().message();
    EXPECT_TRUE(cp->resumed()) << f;
    EXPECT_TRUE(cp->warnings().empty()) << f;
  }
}

struct GeneratedCase {
  const char* name;
  std::function<std::string()> content;  // made when the case runs (some are 10 MB)
  const char* reason;
};

void PrintTo(const GeneratedCase& c, std::ostream* os) { *os << c.name; }

constexpr size_t kTenMb = 10u << 20;

std::vector<GeneratedCase> GeneratedCheckpointCases() {
  return {
      {"ten_mb_of_garbage", [] { return std::string(kTenMb, 'x'); }, "not valid JSON"},
      {"ten_mb_job_name", [] { return "{\"job_name\": \"" + std::string(kTenMb, 'j') + "\"}"; },
       "job_name is \"jjjj"},
      {"ten_mb_unterminated_string", [] { return "{\"job_name\": \"" + std::string(kTenMb, 'j'); },
       "not valid JSON"},
      {"million_nested_arrays",
       [] { return std::string(1 << 20, '[') + std::string(1 << 20, ']'); },
       "the document is not a JSON object"},
      {"million_unclosed_arrays", [] { return std::string(1 << 20, '['); }, "not valid JSON"},
      {"random_binary_64k", [] { return testing::RandomBytes(64 << 10, 17); }, "not valid JSON"},
      {"nul_bytes", [] { return std::string(4096, '\0'); }, "not valid JSON"},
  };
}

class GeneratedBadCheckpointTest : public ::testing::TestWithParam<GeneratedCase> {};

TEST_P(GeneratedBadCheckpointTest, IsMovedAsideWithAWarningAndTheRunStartsFresh) {
  testing::ExpectCorruptCheckpointMovedAside(GetParam().content(), GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(Generated, GeneratedBadCheckpointTest,
                         ::testing::ValuesIn(GeneratedCheckpointCases()),
                         [](const auto& info) { return std::string(info.param.name); });

// Hostile checkpoints: something that is not a regular file, or is too big,
// in the checkpoint's place. Each is refused before a byte is read, with a
// message naming the file and what it is, and left exactly where it was;
// `--status` (Inspect) refuses it the same way. None can block or grow.
struct HostileCase {
  const char* name;
  // Puts the hostile thing at `path`; `dir` holds the checkpoint.
  std::function<void(const fs::path& path, const fs::path& dir)> make;
  const char* fragment;  // in the refusal message, after the path
};

void PrintTo(const HostileCase& c, std::ostream* os) { *os << c.name; }

std::vector<HostileCase> HostileCheckpointCases() {
  return {
      {"symlink_to_a_good_checkpoint",
       [](const fs::path& path, const fs::path& dir) {
         const fs::path real = dir / "elsewhere.json";
         WriteFile(real, ReadFile(testing::GoodInputDir("checkpoint") / "golden.json"));
         fs::create_symlink(real, path);
       },
       " is a symbolic link; refusing it"},
      {"symlink_to_dev_zero",
       [](const fs::path& path, const fs::path&) { fs::create_symlink("/dev/zero", path); },
       " is a symbolic link; refusing it"},
      {"dangling_symlink",
       [](const fs::path& path, const fs::path& dir) {
         fs::create_symlink(dir / "missing.json", path);
       },
       " is a symbolic link; refusing it"},
      {"fifo",
       [](const fs::path& path, const fs::path&) { ASSERT_EQ(mkfifo(path.c_str(), 0600), 0); },
       " is a FIFO; refusing it"},
      {"directory", [](const fs::path& path, const fs::path&) { fs::create_directory(path); },
       " is a directory; refusing it"},
      {"sparse_file_over_the_cap",
       [](const fs::path& path, const fs::path&) {
         // Sparse: no disk space, but its size is over the cap.
         int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
         ASSERT_GE(fd, 0);
         ASSERT_EQ(ftruncate(fd, static_cast<off_t>(Checkpoint::kMaxFileBytes + 1)), 0);
         close(fd);
       },
       " is 67108865 bytes, over the 67108864 byte limit of a checkpoint; refusing it"},
  };
}

// Runs `f` on another thread; fails the test if it has not returned after
// 20 s (a blocked open of a FIFO), then opens the FIFO's writing end so that
// the reader sees end of file and the thread can be joined.
template <class F>
auto WithinTimeLimit(F f, const fs::path& path) {
  auto result = std::async(std::launch::async, f);
  if (result.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    ADD_FAILURE() << "reading " << path << " blocked";
    int fd = open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) close(fd);
  }
  return result.get();
}

class HostileCheckpointTest : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileCheckpointTest, IsRefusedBeforeReadingAndLeftInPlace) {
  TempDir tmp;
  const fs::path path = Checkpoint::PathFor(tmp.path(), kJob, kStart, kEnd);
  GetParam().make(path, tmp.path());
  const auto before = fs::symlink_status(path).type();
  const std::string expected = "checkpoint " + path.string() + GetParam().fragment;

  auto inspected =
      WithinTimeLimit([&] { return Checkpoint::Inspect(tmp.path(), kJob, kStart, kEnd); }, path);
  ASSERT_FALSE(inspected.ok());
  EXPECT_EQ(inspected.status().message().rfind(expected, 0), 0u) << inspected.status().message();

  auto opened = WithinTimeLimit(
      [&] {
        Checkpoint::Options o;
        o.env = FixedClockEnv();
        return Checkpoint::Open(tmp.path(), kJob, kStart, kEnd, 8, o);
      },
      path);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(opened.status().message().rfind(expected, 0), 0u) << opened.status().message();
  // Left alone: not moved aside as corrupt, not replaced.
  EXPECT_EQ(fs::symlink_status(path).type(), before);
  for (const auto& e : fs::directory_iterator(tmp.path()))
    EXPECT_EQ(e.path().string().find(".corrupt-"), std::string::npos) << e.path();
}

INSTANTIATE_TEST_SUITE_P(Hostile, HostileCheckpointTest,
                         ::testing::ValuesIn(HostileCheckpointCases()),
                         [](const auto& info) { return std::string(info.param.name); });

// The binary says the same and exits 1 at once: `backfill --status` and a run.
TEST(HostileCheckpointTest, TheCommandsRefuseASymlinkedCheckpointAndExit1) {
  TempDir tmp;
  const fs::path wh = tmp.path() / "wh", dir = tmp.path() / "cp";
  ASSERT_EQ(testing::RunPhase4({"--warehouse", wh.string(), "init"}).exit_code, 0);
  fs::create_directories(dir);
  const fs::path path = Checkpoint::PathFor(dir, kJob, kStart, kEnd);
  fs::create_symlink("/dev/zero", path);
  for (bool status : {true, false}) {
    std::vector<std::string> args{"--warehouse",      wh.string(),  "backfill",   kJob,
                                  "--start-date",     "2024-01-01", "--end-date", "2024-01-10",
                                  "--checkpoint-dir", dir.string()};
    if (status) args.push_back("--status");
    auto r = testing::RunPhase4(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("checkpoint " + path.string() + " is a symbolic link; refusing it"),
              std::string::npos)
        << r.err;
  }
  EXPECT_TRUE(fs::is_symlink(path));
}

}  // namespace
}  // namespace phase4::backfill
