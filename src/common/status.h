// Status and Result<T>: how errors cross component boundaries.
//
// A Status is OK or carries a message meant for the operator (it already
// names the file, line and field where one applies). Result<T> is a value or
// a non-OK Status. Exceptions are not used across component boundaries.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace phase4 {

class [[nodiscard]] Status {
 public:
  // What kind of outcome a Status is. The CLI turns each into an exit code
  // (ExitCodeFor, common/exit_codes.h, README "Exit codes"); the layers
  // below only say what happened.
  enum class Code {
    kOk,
    // Bad data: a file, a row or a value that breaks a rule.
    kInvalidInput,
    // Something named is not there (a warehouse, a file, a job's record).
    kNotFound,
    // A call to the system or the database failed, but not the storage
    // itself (a file or pipe that cannot be opened, an SQL error).
    kIo,
    // Held by someone else for now: another run holds a lock this one
    // needs, or another writer keeps the warehouse busy. Trying again later
    // may succeed.
    kBusy,
    // A file that cannot be what it claims to be (a damaged checkpoint).
    kCorruption,
    // The work cannot start or go on in this state (a missing calendar, a
    // plan without the job).
    kFailedPrecondition,
    // The warehouse's storage failed (disk full, I/O error, read-only or
    // damaged file). Unlike a date's bad data it ends a backfill run.
    kStorage,
    // The command was asked wrongly: an unknown job or option value, a
    // start date after the end date.
    kUsage,
    // The work ran but units are left: some failed or are blocked (for a
    // plan or a status: some are not done). The same command retries them.
    kIncomplete,
    // A stop signal (SIGINT/SIGTERM) ended the work after its unit in
    // flight; the same command resumes.
    kInterrupted,
    // The work stopped early because other work it waits for ended first
    // (an upstream job of the same run-all stopped without settling a
    // date); nothing of its own went wrong.
    kAborted
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidInput(std::string msg) {
    return Status(Code::kInvalidInput, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIo, std::move(msg)); }
  static Status Busy(std::string msg) { return Status(Code::kBusy, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status FailedPrecondition(std::string msg) {
    return Status(Code::kFailedPrecondition, std::move(msg));
  }
  static Status Storage(std::string msg) { return Status(Code::kStorage, std::move(msg)); }
  static Status Usage(std::string msg) { return Status(Code::kUsage, std::move(msg)); }
  static Status Incomplete(std::string msg) { return Status(Code::kIncomplete, std::move(msg)); }
  static Status Interrupted(std::string msg) { return Status(Code::kInterrupted, std::move(msg)); }
  static Status Aborted(std::string msg) { return Status(Code::kAborted, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok());
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace phase4

#define PHASE4_RETURN_IF_ERROR(expr) \
  do {                               \
    ::phase4::Status _st = (expr);   \
    if (!_st.ok()) return _st;       \
  } while (0)

#define PHASE4_CONCAT_INNER(a, b) a##b
#define PHASE4_CONCAT(a, b) PHASE4_CONCAT_INNER(a, b)
#define PHASE4_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
#define PHASE4_ASSIGN_OR_RETURN(lhs, expr) \
  PHASE4_ASSIGN_OR_RETURN_IMPL(PHASE4_CONCAT(_res_, __LINE__), lhs, expr)
