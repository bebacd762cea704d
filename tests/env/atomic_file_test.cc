#include "env/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "test_support.h"

namespace phase4 {
namespace {

namespace fs = std::filesystem;
using ::phase4::testing::ReadFile;
using ::phase4::testing::TempDir;
using ::phase4::testing::WriteFile;

ino_t InodeOf(const fs::path& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST(AtomicFileTest, EachReplaceLeavesExactlyTheNewTextAndReusesTheTempFile) {
  TempDir dir;
  const fs::path target = dir.path() / "job.json";
  {
    PosixAtomicFile file(target, "checkpoint");
    EXPECT_EQ(file.temp(), dir.path() / "job.json.tmp");

    // First save: no target yet, a plain rename; no temp file is left.
    ASSERT_TRUE(file.Replace("first, a long text").ok());
    EXPECT_EQ(ReadFile(target), "first, a long text");
    EXPECT_FALSE(fs::exists(file.temp()));
    const ino_t first = InodeOf(target);

    // Second save: the names are exchanged, so the temp file now holds the
    // previous text under the first text's inode.
    ASSERT_TRUE(file.Replace("second").ok());
    EXPECT_EQ(ReadFile(target), "second");
    ASSERT_TRUE(fs::exists(file.temp()));
    EXPECT_EQ(ReadFile(file.temp()), "first, a long text");
    EXPECT_EQ(InodeOf(file.temp()), first);
    const ino_t second = InodeOf(target);

    // Third save: the older inode is overwritten in place and cut to the
    // shorter length; the two inodes swap again, none is created.
    ASSERT_TRUE(file.Replace("3rd").ok());
    EXPECT_EQ(ReadFile(target), "3rd");
    EXPECT_EQ(ReadFile(file.temp()), "second");
    EXPECT_EQ(InodeOf(target), first);
    EXPECT_EQ(InodeOf(file.temp()), second);
  }
  // Closing removes the temp file and keeps the target.
  EXPECT_FALSE(fs::exists(dir.path() / "job.json.tmp"));
  EXPECT_EQ(ReadFile(target), "3rd");
}

TEST(AtomicFileTest, ReplacesAFileAnEarlierRunLeft) {
  TempDir dir;
  const fs::path target = dir.path() / "job.json";
  WriteFile(target, "from an earlier run");
  PosixAtomicFile file(target, "checkpoint");
  ASSERT_TRUE(file.Replace("new").ok());
  EXPECT_EQ(ReadFile(target), "new");
  EXPECT_EQ(ReadFile(file.temp()), "from an earlier run");
}

TEST(AtomicFileTest, AFailedSaveNamesTheStepAndKeepsThePreviousText) {
  TempDir dir;
  const fs::path target = dir.path() / "job.json";
  PosixAtomicFile file(target, "checkpoint");
  ASSERT_TRUE(file.Replace("kept").ok());
  ASSERT_TRUE(file.Replace("kept too").ok());
  // A directory where the temp file goes: it cannot be opened for writing.
  fs::remove(file.temp());
  fs::create_directory(file.temp());
  Status s = file.Replace("lost");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kIo);
  EXPECT_NE(s.message().find("cannot save checkpoint " + target.string()), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("cannot create " + file.temp().string()), std::string::npos)
      << s.message();
  EXPECT_EQ(ReadFile(target), "kept too");
  // Once the obstacle is gone the next save succeeds.
  fs::remove(file.temp());
  ASSERT_TRUE(file.Replace("saved").ok());
  EXPECT_EQ(ReadFile(target), "saved");
}

TEST(AtomicFileTest, AMissingDirectoryIsAnError) {
  TempDir dir;
  PosixAtomicFile file(dir.path() / "gone" / "job.json", "checkpoint");
  Status s = file.Replace("text");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("No such file or directory"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace phase4
