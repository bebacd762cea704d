// The bad-input corpus of `phase4 load-schedule` (tests/data/bad_input/
// schedule/): every malformed schedule file (game-id CSV or NBA schedule
// JSON) fails with a message naming the file, the line and the field, and
// leaves the warehouse exactly as it was. Runs the real binary on a copy of a
// loaded warehouse and checks the library's message is the same. Generated
// cases (10 MB lines, deep nesting, random binary) are written at run time.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "bad_input_corpus.h"
#include "phase3/schedule_files.h"
#include "test_support.h"

namespace phase4::phase3 {
namespace {

namespace fs = std::filesystem;
using testing::CorpusCase;
using testing::ExpectFileAndLine;
using testing::RunPhase4;
using testing::TempDir;

// A warehouse holding the good schedule files, built once; each case works on a copy.
const fs::path& LoadedWarehouse() {
  static TempDir tmp;
  static const fs::path dir = [] {
    const fs::path wh = tmp.path() / "wh";
    auto good = testing::GoodInputDir("schedule");
    auto r = RunPhase4({"--warehouse", wh.string(), "load-schedule",
                        (good / "game_ids.csv").string(), (good / "schedule.json").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return wh;
  }();
  return dir;
}

using LoadOutcome = testing::CopyRun;

// Runs `phase4 load-schedule FILES...` on a copy of the loaded warehouse and
// checks that the warehouse did not change.
LoadOutcome LoadIntoCopy(const std::vector<std::string>& files) {
  std::vector<std::string> args{"load-schedule"};
  args.insert(args.end(), files.begin(), files.end());
  LoadOutcome out = testing::RunOnCopyExpectingNoChange(LoadedWarehouse(), args, "load");
  EXPECT_GT(testing::DumpRowCount(out.before, "nba_raw.nbac_schedule"), 0);
  return out;
}

class BadScheduleCorpusTest : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(BadScheduleCorpusTest, LoadFailsNamingFileLineAndFieldAndWritesNothing) {
  const CorpusCase& c = GetParam();
  ASSERT_TRUE(c.problem.empty()) << c.problem;
  const std::string& expected = c.fields[0];

  LoadOutcome r = LoadIntoCopy({c.path.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ExpectFileAndLine(r.message, c.path);
  // A MANIFEST message ending in "..." is a prefix (the JSON library's own
  // wording follows).
  if (expected.size() > 3 && expected.ends_with("...")) {
    const std::string prefix = c.path.string() + ": " + expected.substr(0, expected.size() - 3);
    EXPECT_EQ(r.message.rfind(prefix, 0), 0u) << r.message;
  } else {
    EXPECT_EQ(r.message, c.path.string() + ": " + expected);
  }
  // The library reports the same.
  auto parsed = ParseScheduleFile(c.path.string());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), r.message);

  // After a good file, a bad one still loads nothing: every file is parsed first.
  auto good = testing::GoodInputDir("schedule") / "game_ids.csv";
  LoadOutcome both = LoadIntoCopy({good.string(), c.path.string()});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_EQ(both.message, r.message);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadScheduleCorpusTest,
                         ::testing::ValuesIn(testing::ReadCorpus("schedule", 1)),
                         [](const auto& info) { return testing::CaseTestName(info.param.name); });

TEST(BadScheduleCorpusTest, GoodFilesLoad) {
  for (const char* f : {"game_ids.csv", "schedule.json"}) {
    auto parsed = ParseScheduleFile((testing::GoodInputDir("schedule") / f).string());
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_FALSE(parsed->games.empty());
    EXPECT_EQ(parsed->skipped, 1) << f;  // the preseason game
  }
  EXPECT_FALSE(LoadedWarehouse().empty());
}

// A byte order mark before a good file changes nothing: a JSON file is
// still read as JSON, and the lines of messages stay the same.
TEST(BadScheduleCorpusTest, GoodFilesWithAByteOrderMarkLoad) {
  for (const char* f : {"game_ids.csv", "schedule.json"}) {
    const std::string text = testing::ReadFile(testing::GoodInputDir("schedule") / f);
    auto plain = ParseScheduleContent(f, text);
    auto with_bom = ParseScheduleContent(f, "\xef\xbb\xbf" + text);
    ASSERT_TRUE(with_bom.ok()) << with_bom.status().message();
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(with_bom->games.size(), plain->games.size()) << f;
    EXPECT_EQ(with_bom->skipped, plain->skipped) << f;
  }
}

struct GeneratedCase {
  const char* name;
  const char* extension;
  std::function<std::string()> content;  // made when the case runs (some are 10 MB)
  std::string expected;                  // after "<path>: "; empty = only "line N: " is checked
};

void PrintTo(const GeneratedCase& c, std::ostream* os) { *os << c.name; }

constexpr size_t kTenMb = 10u << 20;

std::vector<GeneratedCase> GeneratedScheduleCases() {
  return {
      {"ten_mb_line", "csv",
       [] { return "game_id,game_date\n" + std::string(kTenMb, '0') + ",2023-10-24\n"; },
       "line 2: field 1: longer than 1048576 bytes"},
      {"ten_mb_game_id", "json",
       [] { return "{\"games\": [{\"gameId\": \"" + std::string(kTenMb, '0') + "\"}]}"; },
       "line 1: games[0].gameId: longer than 1048576 bytes"},
      {"two_mb_arena_city", "json",
       [] {
         return "{\"games\": [\n {\"gameId\": \"0022300001\",\n  \"arenaCity\": \"" +
                std::string(2u << 20, 'x') + "\"}]}";
       },
       "line 3: games[0].arenaCity: longer than 1048576 bytes"},
      {"ten_mb_unterminated_string", "json",
       [] { return "{\"games\": [{\"gameId\": \"" + std::string(kTenMb, '0'); }, ""},
      {"ten_mb_of_whitespace_then_garbage", "json",
       [] { return "{\"games\": [" + std::string(kTenMb, '\n') + "garbage]}"; }, ""},
      {"million_nested_arrays", "json",
       [] { return std::string(1 << 20, '[') + std::string(1 << 20, ']'); },
       "line 1: field games: expected an array of games"},
      {"million_unclosed_objects", "json",
       [] {
         std::string s;
         for (int i = 0; i < (1 << 20); ++i) s += "{\"a\":";
         return s;
       },
       ""},
      {"many_games_without_ids", "json",
       [] {
         std::string s = "{\"games\": [";
         for (int i = 0; i < 100000; ++i) s += "{},\n";
         return s + "{}]}";
       },
       "line 1: games[0].gameId: missing"},
      {"random_binary_64k", "bin", [] { return testing::RandomBytes(64 << 10, 20231024); }, ""},
      {"random_binary_after_brace", "json", [] { return "{" + testing::RandomBytes(64 << 10, 99); },
       ""},
  };
}

class GeneratedBadScheduleTest : public ::testing::TestWithParam<GeneratedCase> {};

TEST_P(GeneratedBadScheduleTest, LoadFailsNamingFileAndLineAndWritesNothing) {
  TempDir tmp;
  const fs::path file = tmp.path() / (std::string(GetParam().name) + "." + GetParam().extension);
  testing::WriteFile(file, GetParam().content());
  LoadOutcome r = LoadIntoCopy({file.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err.substr(0, 2000);
  ExpectFileAndLine(r.message, file);
  if (!GetParam().expected.empty()) {
    EXPECT_EQ(r.message, file.string() + ": " + GetParam().expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Generated, GeneratedBadScheduleTest,
                         ::testing::ValuesIn(GeneratedScheduleCases()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace phase4::phase3
