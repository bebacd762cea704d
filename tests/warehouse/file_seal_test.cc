// The soundness seal's pieces: a file's digest, the seal file (its format,
// and that anything but exactly that format is ignored), and journals.
#include "warehouse/file_seal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "env/env.h"
#include "env/fault_env.h"
#include "test_support.h"

namespace phase4 {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

TEST(FileSealTest, TheDigestIsXxh3_128OfTheBytesAsXxhsumPrintsIt) {
  TempDir dir;
  WriteFile(dir.path() / "abc", "abc");
  auto d = DigestFile(*Env::Default(), dir.path() / "abc");
  ASSERT_TRUE(d.ok()) << d.status().message();
  // `printf abc | xxhsum -H2`
  EXPECT_EQ(d->xxh128, "06b05ab6733a618578af5f94892f3950");
  EXPECT_EQ(d->size, 3u);

  // Larger than one read: every byte counts, wherever it is.
  std::string big(3 << 20, 'x');
  WriteFile(dir.path() / "big", big);
  auto before = DigestFile(*Env::Default(), dir.path() / "big");
  big[(3 << 20) - 1] = 'y';
  WriteFile(dir.path() / "big", big);
  auto after = DigestFile(*Env::Default(), dir.path() / "big");
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(before->size, after->size);
  EXPECT_NE(before->xxh128, after->xxh128);

  auto directory = DigestFile(*Env::Default(), dir.path());
  EXPECT_EQ(directory.status().code(), Status::Code::kIo);
  EXPECT_NE(directory.status().message().find("not a regular file"), std::string::npos);

  auto missing = DigestFile(*Env::Default(), dir.path() / "none");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find((dir.path() / "none").string()), std::string::npos);
}

TEST(FileSealTest, ASealIsWrittenInItsDocumentedFormatAndReadBack) {
  TempDir dir;
  const Seal seal{{"nba_analytics", {88244224, "257b1131c09def7dd192f540f9d870fb"}},
                  {"nba_raw", {1294336, "19126ba82da5e20fcdff167b8c52a9fa"}}};
  ASSERT_TRUE(WriteSeal(*Env::Default(), dir.path(), seal).ok());
  EXPECT_EQ(ReadFile(SealPath(dir.path())),
            "phase4 soundness seal 1\n"
            "nba_analytics 88244224 257b1131c09def7dd192f540f9d870fb\n"
            "nba_raw 1294336 19126ba82da5e20fcdff167b8c52a9fa\n");
  EXPECT_EQ(ReadSeal(*Env::Default(), dir.path()), seal);
  // An empty seal removes the file.
  ASSERT_TRUE(WriteSeal(*Env::Default(), dir.path(), {}).ok());
  EXPECT_FALSE(fs::exists(SealPath(dir.path())));
  EXPECT_TRUE(ReadSeal(*Env::Default(), dir.path()).empty());
}

TEST(FileSealTest, AnythingButAWholeSealInTheFormatIsIgnored) {
  TempDir dir;
  const std::string header = "phase4 soundness seal 1\n";
  const std::string good = "nba_raw 1294336 19126ba82da5e20fcdff167b8c52a9fa\n";
  WriteFile(SealPath(dir.path()), header + good);
  ASSERT_EQ(ReadSeal(*Env::Default(), dir.path()).size(), 1u);
  for (const std::string& text : {
           "phase4 soundness seal 2\n" + good,                              // another version
           header + good.substr(0, good.size() - 1),                        // torn: no last newline
           header + good + good,                                            // a dataset twice
           header + "nba_raw 1294336 19126BA82DA5E20FCDFF167B8C52A9FA\n",   // not lowercase hex
           header + "nba_raw 1294336 19126ba82da5e20fcdff167b8c52a9f\n",    // 31 digits
           header + "nba_raw -1294336 19126ba82da5e20fcdff167b8c52a9fa\n",  // a negative size
           header + "nba_raw 1294336 19126ba82da5e20fcdff167b8c52a9fa x\n",   // a field too many
           header + "../nba_raw 1294336 19126ba82da5e20fcdff167b8c52a9fa\n",  // not a dataset
           std::string("\x00\x01", 2),
       }) {
    SCOPED_TRACE(text);
    WriteFile(SealPath(dir.path()), text);
    EXPECT_TRUE(ReadSeal(*Env::Default(), dir.path()).empty());
  }
  fs::remove(SealPath(dir.path()));
  fs::create_directory(SealPath(dir.path()));  // not a file at all
  EXPECT_TRUE(ReadSeal(*Env::Default(), dir.path()).empty());
}

TEST(FileSealTest, AFailedSaveLeavesThePreviousSeal) {
  TempDir dir;
  testing::FaultEnv env;
  const Seal first{{"nba_raw", {1, "19126ba82da5e20fcdff167b8c52a9fa"}}};
  ASSERT_TRUE(WriteSeal(env, dir.path(), first).ok());
  env.FailSaves("No space left on device");
  Status s = WriteSeal(env, dir.path(), {{"nba_raw", {2, "00000000000000000000000000000000"}}});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("No space left on device"), std::string::npos) << s.message();
  EXPECT_EQ(ReadSeal(env, dir.path()), first);
}

TEST(FileSealTest, AJournalBesideADatabaseFileIsSeen) {
  TempDir dir;
  const fs::path db = dir.path() / "nba_raw.db";
  WriteFile(db, "x");
  EXPECT_FALSE(HasJournal(*Env::Default(), db));
  WriteFile(db.string() + "-wal", "");
  EXPECT_TRUE(HasJournal(*Env::Default(), db));
  fs::remove(db.string() + "-wal");
  WriteFile(db.string() + "-journal", "");
  EXPECT_TRUE(HasJournal(*Env::Default(), db));
}

}  // namespace
}  // namespace phase4
