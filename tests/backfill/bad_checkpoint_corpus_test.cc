// The malformed-checkpoint corpus (tests/data/bad_input/checkpoint/): each
// file is loaded as the checkpoint of one job and range. Corrupt files are
// moved aside byte for byte with a warning naming the file and the reason,
// and the run starts fresh (decision 17, doc/checkpoint-format.md section 6);
// tolerated ones load. Nothing crashes. Generated cases (10 MB, deep nesting,
// random binary) are written at run time.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "backfill/checkpoint.h"
#include "backfill/corrupt_checkpoint_expectations.h"
#include "bad_input_corpus.h"
#include "test_support.h"

namespace phase4 {
namespace {

namespace fs = std::filesystem;
using testing::CorpusCase;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

constexpr char kJob[] = "team_defense_zone_analysis";
const Date kStart = *ParseDate("2024-01-01");
const Date kEnd = *ParseDate("2024-01-10");

std::chrono::system_clock::time_point FixedNow() {
  using namespace std::chrono;
  return sys_days{year{2026} / 11 / 27} + hours{10};
}

Result<Checkpoint> OpenWithFile(const fs::path& dir, const std::string& text) {
  WriteFile(Checkpoint::PathFor(dir, kJob, kStart, kEnd), text);
  Checkpoint::Options o;
  o.clock = FixedNow;
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
  auto again = CheckpointState::FromJson(ReadFile(cp->path()), kJob, kStart, kEnd, &warnings);
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

}  // namespace
}  // namespace phase4
