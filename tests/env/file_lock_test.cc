#include "env/file_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "test_support.h"

namespace phase4 {
namespace {

namespace fs = std::filesystem;
using ::phase4::testing::ReadFile;
using ::phase4::testing::TempDir;
using ::phase4::testing::WriteFile;

bool LooksLikeUtcSeconds(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z')
    return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// A child process that takes the lock and keeps it until killed.
class LockingChild {
 public:
  explicit LockingChild(const fs::path& lock_path) {
    int ready[2];
    if (pipe(ready) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(ready[0]);
      auto lock = FileLock::Acquire(lock_path, "resource");
      char c = lock.ok() ? 'K' : 'E';
      if (write(ready[1], &c, 1) != 1) _exit(3);
      if (!lock.ok()) _exit(2);
      while (true) pause();
    }
    close(ready[1]);
    char c = 0;
    if (pid_ > 0 && read(ready[0], &c, 1) == 1 && c == 'K') locked_ = true;
    close(ready[0]);
  }
  ~LockingChild() { Kill(); }
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  pid_t pid() const { return pid_; }
  bool locked() const { return locked_; }

 private:
  pid_t pid_ = -1;
  bool locked_ = false;
};

TEST(FileLockTest, AcquireRecordsTheHolderAndReleaseRemovesTheFile) {
  TempDir tmp;
  const fs::path path = tmp.path() / "x.json.lock";
  {
    auto lock = FileLock::Acquire(path, "checkpoint x.json");
    ASSERT_TRUE(lock.ok()) << lock.status().message();
    EXPECT_TRUE(lock->held());
    auto holder = FileLock::ReadHolder(path);
    ASSERT_TRUE(holder);
    EXPECT_EQ(holder->pid, static_cast<long>(getpid()));
    EXPECT_FALSE(holder->host.empty());
    EXPECT_TRUE(LooksLikeUtcSeconds(holder->started_at)) << holder->started_at;
    EXPECT_NE(holder->command.find("test"), std::string::npos) << holder->command;
    EXPECT_EQ(holder->pid, lock->holder().pid);
    EXPECT_EQ(holder->command, lock->holder().command);
    // One JSON object on one line.
    const std::string text = ReadFile(path);
    EXPECT_EQ(text.rfind("{\"pid\":" + std::to_string(getpid()) + ",\"host\":", 0), 0u) << text;
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(FileLock::ReadHolder(path));
}

TEST(FileLockTest, SecondAcquireInTheSameProcessFailsAtOnce) {
  TempDir tmp;
  const fs::path path = tmp.path() / "x.lock";
  auto first = FileLock::Acquire(path, "checkpoint x");
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = FileLock::Acquire(path, "checkpoint x");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kBusy);
  EXPECT_EQ(second.status().message(),
            "checkpoint x is locked by " + DescribeLockHolder(first->holder()));
  first->Release();
  EXPECT_FALSE(first->held());
  auto third = FileLock::Acquire(path, "checkpoint x");
  EXPECT_TRUE(third.ok()) << third.status().message();
}

TEST(FileLockTest, MessageNamesTheHolder) {
  LockHolder h{1234, "x", "2026-11-27T10:00:00Z", "phase4 backfill team_defense_zone_analysis"};
  EXPECT_EQ(DescribeLockHolder(h),
            "pid 1234 on host x since 2026-11-27T10:00:00Z (phase4 backfill "
            "team_defense_zone_analysis)");
}

TEST(FileLockTest, ContentionAcrossProcessesAndRecoveryAfterSigkill) {
  TempDir tmp;
  const fs::path path = tmp.path() / "job_2024-01-01_2024-01-10.json.lock";
  LockingChild child(path);
  ASSERT_TRUE(child.locked());

  auto refused = FileLock::Acquire(path, "checkpoint job_2024-01-01_2024-01-10.json");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kBusy);
  const std::string& msg = refused.status().message();
  EXPECT_EQ(msg.rfind("checkpoint job_2024-01-01_2024-01-10.json is locked by pid " +
                          std::to_string(child.pid()) + " on host ",
                      0),
            0u)
      << msg;
  EXPECT_NE(msg.find(" since "), std::string::npos) << msg;
  EXPECT_EQ(msg.back(), ')') << msg;

  // A killed holder leaves its lock file behind but not its kernel lock.
  child.Kill();
  ASSERT_TRUE(fs::exists(path));
  auto lock = FileLock::Acquire(path, "checkpoint job_2024-01-01_2024-01-10.json");
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  auto holder = FileLock::ReadHolder(path);
  ASSERT_TRUE(holder);
  EXPECT_EQ(holder->pid, static_cast<long>(getpid()));
}

TEST(FileLockTest, UnreadableHolderRecordStillRefusesClearly) {
  TempDir tmp;
  const fs::path path = tmp.path() / "x.lock";
  auto first = FileLock::Acquire(path, "checkpoint x");
  ASSERT_TRUE(first.ok()) << first.status().message();
  WriteFile(path, "garbage");  // same inode: overwritten in place
  auto second = FileLock::Acquire(path, "checkpoint x");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kBusy);
  EXPECT_NE(second.status().message().find("checkpoint x is locked by another process"),
            std::string::npos)
      << second.status().message();
}

TEST(FileLockTest, MovedLockStaysHeldAndReleasesOnce) {
  TempDir tmp;
  const fs::path path = tmp.path() / "x.lock";
  auto acquired = FileLock::Acquire(path, "x");
  ASSERT_TRUE(acquired.ok()) << acquired.status().message();
  FileLock a = std::move(acquired).value();
  FileLock b = std::move(a);
  EXPECT_FALSE(a.held());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(b.held());
  EXPECT_FALSE(FileLock::Acquire(path, "x").ok());
  b.Release();
  b.Release();
  EXPECT_TRUE(FileLock::Acquire(path, "x").ok());
}

TEST(FileLockTest, ReleaseDoesNotRemoveSomeoneElsesLockFile) {
  TempDir tmp;
  const fs::path path = tmp.path() / "x.lock";
  auto mine = FileLock::Acquire(path, "x");
  ASSERT_TRUE(mine.ok()) << mine.status().message();
  fs::remove(path);                            // an operator deletes it by hand...
  auto theirs = FileLock::Acquire(path, "x");  // ...and another run takes a new one
  ASSERT_TRUE(theirs.ok()) << theirs.status().message();
  mine->Release();
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(FileLock::Acquire(path, "x").ok());
}

}  // namespace
}  // namespace phase4
