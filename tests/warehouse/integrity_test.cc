// `phase4 check` and the commands that refuse a damaged warehouse: bytes
// flipped inside a dataset file are found by SQLite's quick_check and
// integrity_check, named by file, and run-all and report refuse to trust the
// file (before, a resume said COMPLETE over it and report exited 0).
#include "warehouse/integrity.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "backfill/backfill_job.h"
#include "common/exit_codes.h"
#include "test_support.h"
#include "warehouse/file_seal.h"

namespace phase4 {
namespace {

namespace fs = std::filesystem;
using testing::RunPhase4;
using testing::TempDir;

// A 2023-24 league with #1 run over three weeks, built once; tests copy it.
const fs::path& BackfilledWarehouse() {
  static TempDir dir;  // lives as long as the test binary
  static const fs::path path = [] {
    fs::path p = dir.path() / "wh";
    fs::copy(testing::GeneratedLeague(), p, fs::copy_options::recursive);
    auto r = RunPhase4({"--warehouse", p.string(), "backfill", "team_defense_zone_analysis",
                        "--start-date", "2023-11-01", "--end-date", "2023-11-21",
                        "--checkpoint-dir", (dir.path() / "ck").string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return p;
  }();
  return path;
}

// Overwrites the first 64 bytes of the page in the middle of `file` (its
// b-tree page header, or an overflow page's link) with 0xFF.
void FlipBytesInTheMiddle(const fs::path& file) {
  const int64_t page_size = std::stoll(testing::QuerySql(file, "PRAGMA page_size"));
  const int64_t pages = std::stoll(testing::QuerySql(file, "PRAGMA page_count"));
  ASSERT_GT(pages, 4);
  int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::string ff(64, '\xff');
  ASSERT_EQ(pwrite(fd, ff.data(), ff.size(), static_cast<off_t>(pages / 2 * page_size)), 64);
  close(fd);
}

class IntegrityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(BackfilledWarehouse(), wh(), fs::copy_options::recursive);
    fs::copy(BackfilledWarehouse().parent_path() / "ck", ck(), fs::copy_options::recursive);
  }
  std::string wh() const { return (dir_.path() / "wh").string(); }
  std::string ck() const { return (dir_.path() / "ck").string(); }
  std::string precompute() const { return wh() + "/nba_precompute.db"; }
  TempDir dir_;
};

TEST_F(IntegrityTest, ASoundWarehousePassesBothChecks) {
  for (bool quick : {true, false}) {
    for (const auto& c : CheckWarehouseFiles(wh(), quick)) {
      EXPECT_TRUE(c.problems.empty()) << c.file << ": " << c.problems.front();
      EXPECT_EQ(c.schema_version, kSchemaVersion) << c.file;
    }
    std::vector<std::string> args{"--warehouse", wh(), "check"};
    if (quick) args.push_back("--quick");
    auto r = RunPhase4(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("✅ Every dataset file is sound"), std::string::npos) << r.out;
  }
  EXPECT_TRUE(RequireSoundWarehouse(wh()).ok());
}

TEST_F(IntegrityTest, FlippedBytesAreFoundAndNamedByFile) {
  FlipBytesInTheMiddle(precompute());
  for (bool quick : {true, false}) {
    bool found = false;
    for (const auto& c : CheckWarehouseFiles(wh(), quick)) {
      if (c.dataset == "nba_precompute") {
        found = true;
        EXPECT_FALSE(c.problems.empty());
        EXPECT_EQ(c.file, precompute());
      } else {
        EXPECT_TRUE(c.problems.empty()) << c.file;
      }
    }
    EXPECT_TRUE(found);
    std::vector<std::string> args{"--warehouse", wh(), "check"};
    if (quick) args.push_back("--quick");
    auto r = RunPhase4(args);
    EXPECT_EQ(r.exit_code, kExitStorage) << r.out << r.err;
    EXPECT_NE(r.out.find("nba_precompute.db      DAMAGED"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(precompute()), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("❌ 1 of"), std::string::npos) << r.out;
  }
  Status s = RequireSoundWarehouse(wh());
  EXPECT_EQ(s.code(), Status::Code::kStorage);
  EXPECT_EQ(s.message().rfind(precompute() + ": damaged (", 0), 0u) << s.message();
}

// Before: the resume said COMPLETE and report exited 0 over the damaged file.
TEST_F(IntegrityTest, RunAllAndReportRefuseADamagedWarehouseNamingTheFile) {
  FlipBytesInTheMiddle(precompute());
  const std::string checkpoint =
      testing::ReadFile(ck() + "/team_defense_zone_analysis_2023-11-01_2023-11-21.json");
  auto run = RunPhase4({"--warehouse", wh(), "run-all", "--start-date", "2023-11-01", "--end-date",
                        "2023-11-21", "--checkpoint-dir", ck()});
  EXPECT_EQ(run.exit_code, kExitStorage) << run.out << run.err;
  EXPECT_NE(run.err.find("error: " + precompute() + ": damaged ("), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("COMPLETE"), std::string::npos) << run.out;
  EXPECT_EQ(testing::ReadFile(ck() + "/team_defense_zone_analysis_2023-11-01_2023-11-21.json"),
            checkpoint);

  auto report = RunPhase4(
      {"--warehouse", wh(), "report", "--start-date", "2023-11-01", "--end-date", "2023-11-21"});
  EXPECT_EQ(report.exit_code, kExitStorage) << report.out << report.err;
  EXPECT_NE(report.err.find(precompute() + ": damaged ("), std::string::npos) << report.err;
}

// A file that is not a database at all: every command that reads it names
// the file (before: "file is not a database" alone).
TEST_F(IntegrityTest, AFileThatIsNotADatabaseIsNamedByEveryCommand) {
  testing::WriteFile(precompute(), std::string(1 << 16, 'x'));
  fs::remove(precompute() + "-wal");
  fs::remove(precompute() + "-shm");
  auto check = RunPhase4({"--warehouse", wh(), "check", "--quick"});
  EXPECT_EQ(check.exit_code, kExitStorage) << check.out << check.err;
  EXPECT_NE(check.out.find("file is not a database"), std::string::npos) << check.out;
  auto exported =
      RunPhase4({"--warehouse", wh(), "export", "nba_precompute.team_defense_zone_analysis"});
  EXPECT_NE(exported.exit_code, 0);
  EXPECT_NE(exported.err.find(precompute() + ": file is not a database"), std::string::npos)
      << exported.err;
}

// The seal (warehouse/file_seal.h): a run-all seals its files; the next
// check trusts a file only while its bytes are the sealed ones. A change
// through SQLite by another tool, or flipped bytes, makes it scanned again,
// and the damage is still refused.
TEST_F(IntegrityTest, ARunAllSealsItsFilesAndTheNextCheckTrustsOnlyUnchangedBytes) {
  auto run = RunPhase4({"--warehouse", wh(), "run-all", "--start-date", "2023-11-01", "--end-date",
                        "2023-11-21", "--checkpoint-dir", ck()});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const Seal seal = ReadSeal(*Env::Default(), wh());
  EXPECT_EQ(seal.size(), AllDatasets().size());
  for (const auto& c : SoundnessCheck(wh()).Checks()) {
    EXPECT_TRUE(c.unchanged_since_sealed) << c.file;
    EXPECT_TRUE(c.problems.empty()) << c.file;
  }

  // Another tool's UPDATE: sound, but scanned to know it.
  testing::QuerySql(wh() + "/nba_analytics.db",
                    "UPDATE player_game_summary SET points = points + 1 WHERE rowid = 1");
  FlipBytesInTheMiddle(precompute());
  for (const auto& c : SoundnessCheck(wh()).Checks()) {
    const bool changed = c.dataset == "nba_analytics" || c.dataset == "nba_precompute";
    EXPECT_EQ(c.unchanged_since_sealed, !changed) << c.file;
    EXPECT_EQ(c.problems.empty(), c.dataset != "nba_precompute") << c.file;
  }
  run = RunPhase4({"--warehouse", wh(), "run-all", "--start-date", "2023-11-01", "--end-date",
                   "2023-11-21", "--checkpoint-dir", ck()});
  EXPECT_EQ(run.exit_code, kExitStorage) << run.out << run.err;
  EXPECT_NE(run.err.find("error: " + precompute() + ": damaged ("), std::string::npos) << run.err;
  // The refused run leaves the seal as it was.
  EXPECT_EQ(ReadSeal(*Env::Default(), wh()), seal);
}

TEST_F(IntegrityTest, AFileWithAJournalBesideItIsScannedAndLeftOutOfTheSeal) {
  ASSERT_TRUE(SoundnessCheck(wh()).Seal().ok());
  ASSERT_EQ(ReadSeal(*Env::Default(), wh()).count("nba_precompute"), 1u);
  // Another connection has the file open (in WAL mode, with its journal
  // beside it): the file's bytes are not the whole database.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(precompute().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr),
            SQLITE_OK);
  ASSERT_TRUE(fs::exists(precompute() + "-wal"));
  SoundnessCheck check(wh());
  for (const auto& c : check.Checks()) {
    EXPECT_EQ(c.unchanged_since_sealed, c.dataset != "nba_precompute") << c.file;
    EXPECT_TRUE(c.problems.empty()) << c.file;
  }
  ASSERT_TRUE(check.Seal().ok());
  sqlite3_close(other);
  const Seal seal = ReadSeal(*Env::Default(), wh());
  EXPECT_EQ(seal.count("nba_precompute"), 0u);
  EXPECT_EQ(seal.size(), AllDatasets().size() - 1);
}

TEST_F(IntegrityTest, ADamagedFileIsNeverSealed) {
  FlipBytesInTheMiddle(precompute());
  Status s = SoundnessCheck(wh()).Seal();
  EXPECT_EQ(s.code(), Status::Code::kStorage);
  EXPECT_NE(s.message().find(precompute() + ": damaged ("), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(SealPath(wh())));
}

TEST(IntegrityCheckTest, MissingFilesAreProblemsButLeftToOpenByRequireSound) {
  TempDir dir;
  auto checks = CheckWarehouseFiles(dir.str(), /*quick=*/true);
  ASSERT_FALSE(checks.empty());
  for (const auto& c : checks) {
    EXPECT_TRUE(c.missing) << c.file;
    ASSERT_FALSE(c.problems.empty());
    EXPECT_EQ(c.problems[0], "missing (run `phase4 init`)");
  }
  EXPECT_TRUE(RequireSoundWarehouse(dir.str()).ok());
}

}  // namespace
}  // namespace phase4
