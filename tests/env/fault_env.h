// FaultEnv: the test Env. Forwards every call to Env::Default(), except that
// a test can stop the clock and make chosen calls fail, so a test of a
// failing save, lock or rename needs neither a hook in the production code
// nor a file system pulled from under the code (doc/env.md).
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "env/env.h"

namespace phase4::testing {

class FaultEnv : public EnvWrapper {
 public:
  FaultEnv() : EnvWrapper(Env::Default()) {}

  // Now() returns `t` from here on.
  void SetNow(std::chrono::system_clock::time_point t);

  // While set, every Replace of an AtomicFile made by this Env fails with
  // IoError `cannot save <what> <target>: <reason>` and leaves the target as
  // it was. Safe to flip while a background save runs.
  void FailSaves(std::string reason);
  void AllowSaves();
  // Replaces that succeeded (counted whether or not saves fail now).
  int saves() const { return saves_.load(); }

  // The next LockFile fails with `status`.
  void FailNextLock(Status status);
  // Every RenameFile fails with IoError(`reason`) while set.
  void FailRenames(std::string reason);

  Result<FileLock> LockFile(const std::filesystem::path& lock_path,
                            std::string_view resource_label) override;
  Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) override;
  std::unique_ptr<AtomicFile> NewAtomicFile(const std::filesystem::path& target,
                                            std::string_view what) override;
  std::chrono::system_clock::time_point Now() override;

  // Why a save fails now; nullopt when saves pass (read by the AtomicFile).
  std::optional<std::string> SaveFailure() const;
  void CountSave() { ++saves_; }

 private:
  mutable std::mutex mu_;
  std::optional<std::chrono::system_clock::time_point> now_;
  std::optional<std::string> save_failure_;
  std::optional<Status> lock_failure_;
  std::optional<std::string> rename_failure_;
  std::atomic<int> saves_{0};
};

}  // namespace phase4::testing
