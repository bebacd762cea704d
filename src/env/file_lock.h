// An exclusive, non-blocking advisory lock held on a lock file (decision 17:
// two runs of the same job and range cannot interleave; the second refuses
// with a message naming the first).
//
// The lock is a kernel `flock(LOCK_EX | LOCK_NB)` lock on the lock file, so it
// disappears the moment the holding process dies (even on SIGKILL): a stale
// lock from a killed run never needs manual cleanup. The lock file records
// who holds it (pid, host, start time, command line) as one JSON object; a
// process that fails to get the lock reads that record to name the holder.
// On release the holder removes the lock file. Format and guarantees:
// doc/checkpoint-format.md §5.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace phase4 {

// The record a lock holder writes into its lock file.
struct LockHolder {
  long pid = 0;
  std::string host;
  std::string started_at;  // UTC, `YYYY-MM-DDTHH:MM:SSZ`
  std::string command;     // the holder's command line, arguments joined by spaces
};

// Renders `pid P on host H since T (COMMAND)`.
std::string DescribeLockHolder(const LockHolder& holder);

class FileLock {
 public:
  // Takes the exclusive lock on `lock_path` (created if missing) without
  // waiting, and records this process as the holder. When another process
  // (or another FileLock in this process) holds it, fails at once with
  // Status::Busy: `<resource_label> is locked by pid P on host H since T
  // (COMMAND)`. Other failures are Status::IoError naming the lock file.
  static Result<FileLock> Acquire(const std::filesystem::path& lock_path,
                                  std::string_view resource_label);

  // The holder record currently in `lock_path`; nullopt when the file is
  // absent, empty or unreadable. Does not lock.
  static std::optional<LockHolder> ReadHolder(const std::filesystem::path& lock_path);

  FileLock() = default;
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  // Removes the lock file and drops the lock. Idempotent.
  void Release();

  bool held() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }
  // This process's record, as written into the lock file.
  const LockHolder& holder() const { return holder_; }

 private:
  FileLock(int fd, std::filesystem::path path, LockHolder holder)
      : fd_(fd), path_(std::move(path)), holder_(std::move(holder)) {}

  int fd_ = -1;
  std::filesystem::path path_;
  LockHolder holder_;
};

}  // namespace phase4
