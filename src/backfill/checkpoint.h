// The checkpoint of a backfill job: the progress file of one job over one
// date range (decisions 17 and 18; operator document "Progress Persistence";
// spec/backfill-framework.md §1). This unit is the file's handling: where it
// lives, its lock, reading it back (regular files only, size cap), moving a
// corrupt one aside, and atomic saves, in the background if asked. What it
// records is checkpoint_state.h; its text is checkpoint_writer.h and
// checkpoint_validator.h. Format, invariants, atomicity, locking, corruption
// handling and resume semantics: doc/checkpoint-format.md.
//
// Typical use by a job:
//
//   const int total = static_cast<int>(game_dates.size());
//   PHASE4_ASSIGN_OR_RETURN(Checkpoint cp, Checkpoint::Open(dir, job, start, end, total,
//                                                           {.resume = !no_resume}));
//   for (const auto& w : cp.warnings()) log(w);
//   if (cp.IsComplete(game_dates)) { print COMPLETE; return 0; }
//   for (Date d : cp.PendingDates(game_dates)) { ... cp.MarkSuccess(d) / MarkFailed / MarkSkipped }
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backfill/checkpoint_state.h"
#include "calendar/date.h"
#include "common/ordered_writer.h"
#include "common/status.h"
#include "env/env.h"
#include "env/file_lock.h"

namespace phase4::backfill {

struct CheckpointOptions {
  // false = --no-resume: ignore any existing file; it is replaced by the
  // first save.
  bool resume = true;
  // Every file, lock and clock access (updated_at, corrupt-file suffixes);
  // Env::Default() when null. Must outlive the checkpoint.
  Env* env = nullptr;
  // Saves run on a background thread, in order, every state written (the
  // backfill's choice: the next date's write overlaps this one's fsyncs).
  // Mark* then return once the state is queued; a failed save is reported
  // by the next Mark* or by Flush(). Without it each Mark* returns after the
  // file is durable.
  bool background_saves = false;
  // Called once the save recording date d (a Mark*) is durable, with whether
  // d failed; on the background thread with background saves. An in-process
  // run-all lets downstream jobs read a date only then, so a crash can never
  // make an upstream redo a date a downstream job already read.
  std::function<void(Date d, bool failed)> on_saved;
};

class Checkpoint {
 public:
  using Options = CheckpointOptions;

  // Largest checkpoint file read (64 MiB). A checkpoint of every NBA game
  // date since 1946 with a 1 KiB error text each is under 40 MiB; anything
  // bigger is not a checkpoint and is refused before it is read.
  static constexpr uint64_t kMaxFileBytes = 64u << 20;

  // `<dir>/<job>_<start>_<end>.json`.
  static std::filesystem::path PathFor(const std::filesystem::path& dir, std::string_view job,
                                       Date start, Date end);

  // Creates `dir` if missing, takes the exclusive lock `<file>.lock`
  // (Status::Busy naming the holder when another run has it), removes a
  // temp file left by a crashed save, then loads the file when it exists
  // and options.resume is set. A checkpoint that is not a regular file (a
  // symlink, FIFO, device, directory) or is over kMaxFileBytes is refused
  // (FailedPrecondition) and left alone. A corrupt file is renamed to
  // `<file>.corrupt-<YYYYMMDDTHHMMSSZ>` and the checkpoint starts fresh;
  // warnings() says so. `total_days` (game dates in the range) replaces the
  // stored value.
  static Result<Checkpoint> Open(const std::filesystem::path& dir, std::string_view job, Date start,
                                 Date end, int total_days, Options options = {});

  // Reads the checkpoint without locking and without changing anything (for
  // --status): nullopt when there is no file, Corruption when it is invalid.
  static Result<std::optional<CheckpointState>> Inspect(
      const std::filesystem::path& dir, std::string_view job, Date start, Date end,
      std::vector<std::string>* warnings = nullptr, Env* env = nullptr);

  // Each records the outcome of `d` and saves. On error neither the
  // in-memory state nor the file changes. With background saves the save
  // is queued, and the error returned may be that of an earlier save.
  Status MarkSuccess(Date d);
  Status MarkFailed(Date d, std::string_view error);
  Status MarkSkipped(Date d);
  // Replaces the whole state (the job and range stay) and saves: the file
  // becomes a view of the ledger (backfill_job.cc).
  Status Replace(CheckpointState state);
  // Waits until every queued background save is durable; the first save
  // error, if any. Immediate without background saves. The destructor also
  // waits (the lock is released after the last save).
  Status Flush();
  // Writes the current state atomically (Env::NewAtomicFile): `<file>.tmp`
  // in the same directory, fsync, rename over the file, fsync the directory.
  Status Save();

  bool IsDone(Date d) const { return state_.IsDone(d); }
  bool IsFailed(Date d) const { return state_.IsFailed(d); }
  std::optional<Date> LastSuccessfulDate() const { return state_.last_successful_date(); }
  Date ResumeDate() const { return state_.ResumeDate(); }
  std::vector<Date> PendingDates(std::span<const Date> game_dates) const {
    return state_.PendingDates(game_dates);
  }
  bool IsComplete(std::span<const Date> game_dates) const { return state_.IsComplete(game_dates); }
  std::vector<Date> FailedDates() const {
    return {state_.failed_dates().begin(), state_.failed_dates().end()};
  }

  const CheckpointState& state() const { return state_; }
  const std::filesystem::path& path() const { return path_; }
  // True when progress was loaded from an existing file.
  bool resumed() const { return resumed_; }
  // Operator-facing notes from Open (corrupt file moved aside, derived
  // values recomputed, --no-resume ignoring a file).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  Checkpoint(std::filesystem::path path, FileLock lock, CheckpointState state, Env* env)
      : path_(std::move(path)), lock_(std::move(lock)), state_(std::move(state)), env_(env) {}
  // Records date `d` by `mark` (one of CheckpointState's Mark*) and saves;
  // when the save fails, the date is put back as it was, so the state stays
  // what the file last received.
  Status Record(Date d, bool failed, const std::function<Status(CheckpointState&)>& mark);
  // Saves the state; `d` is the date it records (for on_saved), if any.
  Status Commit(std::optional<Date> d = std::nullopt, bool failed = false);

  // Saves queued at most: Mark* waits beyond that.
  static constexpr size_t kBackgroundSaveDepth = 16;

  std::filesystem::path path_;
  FileLock lock_;
  // Writes the file; shared with the writer's thread. Destroyed before lock_:
  // its temp file is removed while the lock is still held.
  std::shared_ptr<AtomicFile> file_;
  // Declared after file_ so that it is destroyed first: queued saves finish
  // while the lock is still held.
  std::unique_ptr<OrderedWriter> writer_;
  CheckpointState state_;
  Env* env_;
  std::function<void(Date, bool)> on_saved_;
  bool resumed_ = false;
  std::vector<std::string> warnings_;
};

}  // namespace phase4::backfill
