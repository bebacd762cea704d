// Env::Default(), the POSIX Env: each call against the real file system.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "env/env.h"
#include "test_support.h"

namespace phase4 {
namespace {

namespace fs = std::filesystem;
using ::phase4::testing::ReadFile;
using ::phase4::testing::TempDir;
using ::phase4::testing::WriteFile;
using Kind = FileRead::Kind;

TEST(PosixEnvTest, ReadFileReadsARegularFileAndReportsAMissingOne) {
  TempDir dir;
  Env* env = Env::Default();
  WriteFile(dir.path() / "a.json", "{\"x\": 1}\n");
  auto read = env->ReadFile(dir.path() / "a.json", 1024, "checkpoint");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->kind, Kind::kRegular);
  EXPECT_EQ(read->text, "{\"x\": 1}\n");

  auto missing = env->ReadFile(dir.path() / "none.json", 1024, "checkpoint");
  ASSERT_TRUE(missing.ok()) << missing.status().message();
  EXPECT_EQ(missing->kind, Kind::kMissing);
}

TEST(PosixEnvTest, ReadFileRefusesWhatIsNotARegularFileWithoutReadingIt) {
  TempDir dir;
  Env* env = Env::Default();
  WriteFile(dir.path() / "target", "text");
  fs::create_symlink(dir.path() / "target", dir.path() / "link");
  ASSERT_EQ(mkfifo((dir.path() / "fifo").c_str(), 0644), 0);
  fs::create_directory(dir.path() / "sub");
  const std::vector<std::pair<fs::path, Kind>> cases = {
      {dir.path() / "link", Kind::kSymlink},
      {dir.path() / "fifo", Kind::kFifo},  // would block if opened for a plain read
      {dir.path() / "sub", Kind::kDirectory},
      {"/dev/zero", Kind::kDevice},  // would never end
  };
  for (const auto& [path, kind] : cases) {
    SCOPED_TRACE(path.string());
    auto read = env->ReadFile(path, 1024, "checkpoint");
    ASSERT_TRUE(read.ok()) << read.status().message();
    EXPECT_EQ(read->kind, kind);
    EXPECT_TRUE(read->text.empty());
  }
}

TEST(PosixEnvTest, ReadFileRefusesAFileOverTheCapWithItsSize) {
  TempDir dir;
  WriteFile(dir.path() / "big", std::string(101, 'x'));
  auto read = Env::Default()->ReadFile(dir.path() / "big", 100, "checkpoint");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->kind, Kind::kTooBig);
  EXPECT_EQ(read->size, 101u);
  auto exact = Env::Default()->ReadFile(dir.path() / "big", 101, "checkpoint");
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->kind, Kind::kRegular);
}

TEST(PosixEnvTest, WriteFileAtomicallyReplacesTheWholeFileAndLeavesNoTempFile) {
  TempDir dir;
  Env* env = Env::Default();
  const fs::path target = dir.path() / "report.html";
  ASSERT_TRUE(env->WriteFileAtomically(target, "first, longer text", "report").ok());
  ASSERT_TRUE(env->WriteFileAtomically(target, "second", "report").ok());
  EXPECT_EQ(ReadFile(target), "second");
  auto names = env->ListDir(dir.path());
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"report.html"});

  Status s = env->WriteFileAtomically(dir.path() / "gone" / "x", "text", "report");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot save report " + (dir.path() / "gone" / "x").string()),
            std::string::npos)
      << s.message();
}

TEST(PosixEnvTest, DirectoriesFilesAndRenames) {
  TempDir dir;
  Env* env = Env::Default();
  const fs::path deep = dir.path() / "a" / "b";
  ASSERT_TRUE(env->CreateDirs(deep).ok());
  ASSERT_TRUE(env->CreateDirs(deep).ok());  // exists: fine
  EXPECT_TRUE(env->Exists(deep));
  WriteFile(deep / "z", "z");
  WriteFile(deep / "y", "y");
  auto names = env->ListDir(deep);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"y", "z"}));  // sorted

  ASSERT_TRUE(env->RenameFile(deep / "y", deep / "x").ok());
  EXPECT_FALSE(env->Exists(deep / "y"));
  EXPECT_EQ(ReadFile(deep / "x"), "y");
  ASSERT_TRUE(env->SyncDir(deep).ok());

  ASSERT_TRUE(env->RemoveFile(deep / "x").ok());
  ASSERT_TRUE(env->RemoveFile(deep / "x").ok());  // gone already: fine
  EXPECT_FALSE(env->Exists(deep / "x"));

  // Errors carry the system's text only; the caller adds what it was doing.
  Status renamed = env->RenameFile(deep / "none", deep / "other");
  EXPECT_EQ(renamed.message(), "No such file or directory");
  WriteFile(dir.path() / "file", "");
  Status made = env->CreateDirs(dir.path() / "file" / "sub");
  EXPECT_FALSE(made.ok());
  EXPECT_FALSE(env->ListDir(dir.path() / "none").ok());
}

TEST(PosixEnvTest, ExistsSeesADanglingSymlink) {
  TempDir dir;
  fs::create_symlink(dir.path() / "nowhere", dir.path() / "dangling");
  EXPECT_TRUE(Env::Default()->Exists(dir.path() / "dangling"));
}

TEST(PosixEnvTest, AppendFileAddsAtTheEnd) {
  TempDir dir;
  Env* env = Env::Default();
  const fs::path path = dir.path() / "run.log";
  WriteFile(path, "earlier\n");
  {
    auto file = env->NewAppendFile(path);
    ASSERT_TRUE(file.ok()) << file.status().message();
    ASSERT_TRUE((*file)->Append("one\n").ok());
    ASSERT_TRUE((*file)->Flush().ok());
    EXPECT_EQ(ReadFile(path), "earlier\none\n");
    ASSERT_TRUE((*file)->Append("two\n").ok());
  }
  EXPECT_EQ(ReadFile(path), "earlier\none\ntwo\n");
  EXPECT_FALSE(env->NewAppendFile(dir.path() / "none" / "run.log").ok());
}

TEST(PosixEnvTest, LockFileIsExclusiveUntilReleased) {
  TempDir dir;
  Env* env = Env::Default();
  const fs::path path = dir.path() / "job.lock";
  {
    auto held = env->LockFile(path, "job x");
    ASSERT_TRUE(held.ok()) << held.status().message();
    auto second = env->LockFile(path, "job x");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), Status::Code::kBusy);
    EXPECT_EQ(second.status().message().rfind("job x is locked by pid ", 0), 0u)
        << second.status().message();
  }
  EXPECT_FALSE(env->Exists(path));
  EXPECT_TRUE(env->LockFile(path, "job x").ok());
}

TEST(PosixEnvTest, NowIsTheSystemClock) {
  const auto before = std::chrono::system_clock::now();
  const auto now = Env::Default()->Now();
  const auto after = std::chrono::system_clock::now();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

}  // namespace
}  // namespace phase4
