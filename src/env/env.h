// Env: every call the backfill layer and the soundness seal make to the
// operating system (files, directories, advisory locks, the wall clock; the
// database files themselves are SQLite's) goes through this one small
// interface, as LevelDB's Env does. Env::Default() is the POSIX
// implementation (posix_env.cc); tests wrap it (EnvWrapper) to make a chosen
// call fail, or to stop the clock, without touching the real file system.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "env/file_lock.h"

namespace phase4 {

// A file whose whole content is replaced atomically and durably, as often as
// a checkpoint is saved (atomic_file.h has the POSIX steps).
class AtomicFile {
 public:
  virtual ~AtomicFile() = default;
  // Makes `text` the target's content. On error the target keeps its
  // previous content and the message names the step that failed.
  virtual Status Replace(std::string_view text) = 0;
  virtual const std::filesystem::path& target() const = 0;
  // The temp file beside the target (`<target>.tmp`).
  virtual const std::filesystem::path& temp() const = 0;
};

// A file written at its end, line by line (a run's log).
class AppendFile {
 public:
  virtual ~AppendFile() = default;
  virtual Status Append(std::string_view text) = 0;
  // Hands what was appended to the kernel (no fsync: a log line lost in a
  // power cut is acceptable, a line lost in a crash is not).
  virtual Status Flush() = 0;
};

// A file read from its start to its end in pieces, never held whole (a
// dataset file hashed for the soundness seal, warehouse/file_seal.h).
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `scratch`: how many were read, 0 at the end.
  virtual Result<size_t> Read(char* scratch, size_t n) = 0;
};

// What ReadFile found at a path. Only a regular file is read: anything else
// in its place is reported, never opened for reading (a FIFO would block,
// /dev/zero never ends).
struct FileRead {
  enum class Kind {
    kRegular,  // `text` holds the content
    kMissing,  // nothing at the path
    kSymlink,  // a symbolic link (never followed)
    kFifo,
    kDirectory,
    kDevice,
    kSocket,
    kOtherType,
    kTooBig,  // over the cap; `size` is the size seen
  };
  Kind kind = Kind::kMissing;
  std::string text;
  uint64_t size = 0;
};

class Env {
 public:
  virtual ~Env() = default;
  // The POSIX implementation; lives for the whole process.
  static Env* Default();

  // Reads `path` when it is a regular file of at most `max_bytes` (the cap
  // holds for a file that grows while it is read). IoError for a failing
  // system call, its message `cannot <step> <what> <path>: <errno text>`.
  virtual Result<FileRead> ReadFile(const std::filesystem::path& path, uint64_t max_bytes,
                                    std::string_view what) = 0;
  // A writer replacing `target`'s content atomically (temp file, fsync,
  // rename over the target, fsync of the directory). `what` names the file
  // in error messages (`cannot save <what> <target>: ...`).
  virtual std::unique_ptr<AtomicFile> NewAtomicFile(const std::filesystem::path& target,
                                                    std::string_view what) = 0;
  // Opens the regular file `path` for reading from its start: NotFound when
  // nothing is there, IoError (the system's error text) when it cannot be
  // opened or is not a regular file.
  virtual Result<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::filesystem::path& path) = 0;
  // Opens `path` for appending, creating it when missing; an error carries
  // only the system's error text.
  virtual Result<std::unique_ptr<AppendFile>> NewAppendFile(const std::filesystem::path& path) = 0;

  // The errors of the four calls below carry only the system's error text;
  // the caller says what it was doing (Status::WithContext).

  // Creates `dir` and its missing parents; OK when it exists.
  virtual Status CreateDirs(const std::filesystem::path& dir) = 0;
  // Removes a file (not a directory); OK when it does not exist.
  virtual Status RemoveFile(const std::filesystem::path& path) = 0;
  virtual Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  // True when anything (a dangling symlink included) is at `path`.
  virtual bool Exists(const std::filesystem::path& path) = 0;
  // The names in `dir`, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) = 0;
  // Makes the renames and creations in `dir` durable.
  virtual Status SyncDir(const std::filesystem::path& dir) = 0;

  // Takes the exclusive advisory lock `lock_path` without waiting
  // (file_lock.h); Busy naming the holder when another has it.
  virtual Result<FileLock> LockFile(const std::filesystem::path& lock_path,
                                    std::string_view resource_label) = 0;

  virtual std::chrono::system_clock::time_point Now() = 0;

  // NewAtomicFile(target)->Replace(text), the temp file removed afterwards.
  Status WriteFileAtomically(const std::filesystem::path& target, std::string_view text,
                             std::string_view what);
};

// Forwards every call to another Env; a test Env overrides only the calls it
// makes fail.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  Result<FileRead> ReadFile(const std::filesystem::path& path, uint64_t max_bytes,
                            std::string_view what) override {
    return target_->ReadFile(path, max_bytes, what);
  }
  std::unique_ptr<AtomicFile> NewAtomicFile(const std::filesystem::path& target,
                                            std::string_view what) override {
    return target_->NewAtomicFile(target, what);
  }
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::filesystem::path& path) override {
    return target_->NewSequentialFile(path);
  }
  Result<std::unique_ptr<AppendFile>> NewAppendFile(const std::filesystem::path& path) override {
    return target_->NewAppendFile(path);
  }
  Status CreateDirs(const std::filesystem::path& dir) override { return target_->CreateDirs(dir); }
  Status RemoveFile(const std::filesystem::path& path) override {
    return target_->RemoveFile(path);
  }
  Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) override {
    return target_->RenameFile(from, to);
  }
  bool Exists(const std::filesystem::path& path) override { return target_->Exists(path); }
  Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) override {
    return target_->ListDir(dir);
  }
  Status SyncDir(const std::filesystem::path& dir) override { return target_->SyncDir(dir); }
  Result<FileLock> LockFile(const std::filesystem::path& lock_path,
                            std::string_view resource_label) override {
    return target_->LockFile(lock_path, resource_label);
  }
  std::chrono::system_clock::time_point Now() override { return target_->Now(); }

 private:
  Env* target_;
};

}  // namespace phase4
