#include "env/fault_env.h"

#include <utility>

namespace phase4::testing {

namespace {

// Fails while its Env says so; otherwise the real atomic replace.
class FaultAtomicFile : public AtomicFile {
 public:
  FaultAtomicFile(FaultEnv* env, std::unique_ptr<AtomicFile> real, std::string what)
      : env_(env), real_(std::move(real)), what_(std::move(what)) {}

  Status Replace(std::string_view text) override {
    if (auto reason = env_->SaveFailure())
      return Status::IoError("cannot save " + what_ + " " + target().string() + ": " + *reason);
    Status s = real_->Replace(text);
    if (s.ok()) env_->CountSave();
    return s;
  }
  const std::filesystem::path& target() const override { return real_->target(); }
  const std::filesystem::path& temp() const override { return real_->temp(); }

 private:
  FaultEnv* const env_;
  const std::unique_ptr<AtomicFile> real_;
  const std::string what_;
};

}  // namespace

void FaultEnv::SetNow(std::chrono::system_clock::time_point t) {
  std::lock_guard lock(mu_);
  now_ = t;
}

void FaultEnv::FailSaves(std::string reason) {
  std::lock_guard lock(mu_);
  save_failure_ = std::move(reason);
}

void FaultEnv::AllowSaves() {
  std::lock_guard lock(mu_);
  save_failure_.reset();
}

void FaultEnv::FailNextLock(Status status) {
  std::lock_guard lock(mu_);
  lock_failure_ = std::move(status);
}

void FaultEnv::FailRenames(std::string reason) {
  std::lock_guard lock(mu_);
  rename_failure_ = std::move(reason);
}

std::optional<std::string> FaultEnv::SaveFailure() const {
  std::lock_guard lock(mu_);
  return save_failure_;
}

Result<FileLock> FaultEnv::LockFile(const std::filesystem::path& lock_path,
                                    std::string_view resource_label) {
  {
    std::lock_guard lock(mu_);
    if (lock_failure_) return *std::exchange(lock_failure_, std::nullopt);
  }
  return EnvWrapper::LockFile(lock_path, resource_label);
}

Status FaultEnv::RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) {
  {
    std::lock_guard lock(mu_);
    if (rename_failure_) return Status::IoError(*rename_failure_);
  }
  return EnvWrapper::RenameFile(from, to);
}

std::unique_ptr<AtomicFile> FaultEnv::NewAtomicFile(const std::filesystem::path& target,
                                                    std::string_view what) {
  return std::make_unique<FaultAtomicFile>(this, EnvWrapper::NewAtomicFile(target, what),
                                           std::string(what));
}

std::chrono::system_clock::time_point FaultEnv::Now() {
  std::lock_guard lock(mu_);
  return now_ ? *now_ : EnvWrapper::Now();
}

}  // namespace phase4::testing
