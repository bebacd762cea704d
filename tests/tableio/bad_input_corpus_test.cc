// The bad-input corpus of `phase4 import` (tests/data/bad_input/csv/): every
// malformed Phase 3 CSV file fails with a message naming the file, the line
// and the field, and leaves the warehouse exactly as it was. Runs the real
// binary on a copy of a loaded warehouse and checks the library's message is
// the same. Generated cases (10 MB lines, random binary) are written at run
// time.
#include "bad_input_corpus.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "tableio/csv.h"
#include "tableio/table_io.h"
#include "test_support.h"

namespace phase4::tableio {
namespace {

namespace fs = std::filesystem;
using testing::CorpusCase;
using testing::ExpectFileAndLine;
using testing::RunPhase4;
using testing::TempDir;

constexpr const char* kPhase3Tables[] = {
    "nba_analytics.player_game_summary", "nba_analytics.team_offense_game_summary",
    "nba_analytics.team_defense_game_summary", "nba_analytics.upcoming_player_game_context",
    "nba_analytics.upcoming_team_game_context"};

// A warehouse holding the good files of tests/data/good_input (schedule and
// every Phase 3 table), built once; each case works on a copy.
class LoadedWarehouse {
 public:
  static const fs::path& Dir() {
    static LoadedWarehouse instance;  // removed at exit with its temp directory
    return instance.dir_;
  }

 private:
  LoadedWarehouse() : dir_(tmp_.path() / "wh") {
    auto good = testing::GoodInputDir("schedule");
    auto r = RunPhase4({"--warehouse", dir_.string(), "load-schedule",
                        (good / "game_ids.csv").string(), (good / "schedule.json").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const char* table : kPhase3Tables) {
      auto file = testing::GoodInputDir("csv") / (std::string(table) + ".csv");
      r = RunPhase4({"--warehouse", dir_.string(), "import", table, file.string()});
      EXPECT_EQ(r.exit_code, 0) << table << ": " << r.err;
    }
  }
  TempDir tmp_;
  fs::path dir_;
};

using ImportOutcome = testing::CopyRun;

// Runs `phase4 import TABLE FILE` on a copy of the loaded warehouse and
// checks that the warehouse did not change.
ImportOutcome ImportIntoCopy(const std::string& table, const fs::path& file) {
  ImportOutcome out = testing::RunOnCopyExpectingNoChange(
      LoadedWarehouse::Dir(), {"import", table, file.string()}, "import");
  for (const char* t : kPhase3Tables) EXPECT_GT(testing::DumpRowCount(out.before, t), 0) << t;
  EXPECT_GT(testing::DumpRowCount(out.before, "nba_raw.nbac_schedule"), 0);
  EXPECT_NE(out.err.find("nothing was written to " + table), std::string::npos) << out.err;
  return out;
}

class BadCsvCorpusTest : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(BadCsvCorpusTest, ImportFailsNamingFileLineAndFieldAndWritesNothing) {
  const CorpusCase& c = GetParam();
  ASSERT_TRUE(c.problem.empty()) << c.problem;
  const std::string& table = c.fields[0];
  const std::string& expected = c.fields[1];
  ASSERT_NE(FindTable(table), nullptr) << table;

  ImportOutcome r = ImportIntoCopy(table, c.path);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ExpectFileAndLine(r.message, c.path);
  EXPECT_EQ(r.message, c.path.string() + ": " + expected);

  // The library reports the same (what `import` prints is its message).
  auto parsed = ParseCsvRows(*FindTable(table), c.path.string(), testing::ReadFile(c.path));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), r.message);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadCsvCorpusTest,
                         ::testing::ValuesIn(testing::ReadCorpus("csv", 2)),
                         [](const auto& info) { return testing::CaseTestName(info.param.name); });

// The good files themselves load (so the corpus cases fail for their defect,
// not for the file they were derived from).
TEST(BadCsvCorpusTest, GoodFilesLoad) {
  for (const char* table : kPhase3Tables) {
    auto file = testing::GoodInputDir("csv") / (std::string(table) + ".csv");
    auto rows = ParseCsvRows(*FindTable(table), file.string(), testing::ReadFile(file));
    EXPECT_TRUE(rows.ok()) << rows.status().message();
  }
  EXPECT_FALSE(LoadedWarehouse::Dir().empty());
}

struct GeneratedCase {
  const char* name;
  std::function<std::string()> content;  // made when the case runs (some are 10 MB)
  std::string expected;                  // after "<path>: "; empty = only "line N: " is checked
};

void PrintTo(const GeneratedCase& c, std::ostream* os) { *os << c.name; }

std::string GoodHeader() {
  std::string good =
      testing::ReadFile(testing::GoodInputDir("csv") / "nba_analytics.player_game_summary.csv");
  return good.substr(0, good.find('\n') + 1);
}

constexpr size_t kTenMb = 10u << 20;

std::vector<GeneratedCase> GeneratedCsvCases() {
  return {
      {"ten_mb_line", [] { return GoodHeader() + std::string(kTenMb, 'a') + "\n"; },
       "line 2: field 1: longer than 1048576 bytes"},
      {"ten_mb_quoted_field",
       [] { return GoodHeader() + "aa,aa_001,\"" + std::string(kTenMb, 'x') + "\"\n"; },
       "line 2: field 3: longer than 1048576 bytes"},
      {"ten_mb_header", [] { return std::string(kTenMb, 'h') + "\n"; },
       "line 1: field 1: longer than 1048576 bytes"},
      {"ten_mb_line_of_fields",
       [] {
         std::string s = GoodHeader();
         s.reserve(s.size() + kTenMb + 2);
         while (s.size() < kTenMb) s += "1,";
         return s + "\n";
       },
       "line 2: field 4097: more than 4096 fields"},
      {"random_binary_64k", [] { return testing::RandomBytes(64 << 10, 20231101); }, ""},
      {"random_binary_after_header",
       [] { return GoodHeader() + testing::RandomBytes(64 << 10, 7); }, ""},
  };
}

class GeneratedBadCsvTest : public ::testing::TestWithParam<GeneratedCase> {};

TEST_P(GeneratedBadCsvTest, ImportFailsNamingFileLineAndFieldAndWritesNothing) {
  TempDir tmp;
  const fs::path file = tmp.path() / (std::string(GetParam().name) + ".csv");
  testing::WriteFile(file, GetParam().content());
  ImportOutcome r = ImportIntoCopy("nba_analytics.player_game_summary", file);
  EXPECT_EQ(r.exit_code, 1) << r.err.substr(0, 2000);
  ExpectFileAndLine(r.message, file);
  if (!GetParam().expected.empty()) {
    EXPECT_EQ(r.message, file.string() + ": " + GetParam().expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Generated, GeneratedBadCsvTest, ::testing::ValuesIn(GeneratedCsvCases()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace phase4::tableio
