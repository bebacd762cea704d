// The checkpoint of a backfill job: the progress file of one job over one
// date range (decisions 17 and 18; operator document "Progress Persistence";
// spec/backfill-framework.md §1). File format, invariants, atomicity,
// locking, corruption handling and resume semantics:
// doc/checkpoint-format.md.
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

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backfill/atomic_file.h"
#include "backfill/file_lock.h"
#include "backfill/ordered_writer.h"
#include "calendar/date.h"
#include "common/status.h"

namespace phase4 {

// One date list of a checkpoint (successful, failed or skipped dates) with
// its JSON text kept beside it. A save writes every date of the range, but a
// backfill adds its dates in order: appending the new date's text keeps a
// save's cost from growing with the dates already recorded (flat per-season
// cost). A date added out of order, or removed, rebuilds the text.
class CheckpointDateList {
 public:
  const std::set<Date>& dates() const { return dates_; }
  bool contains(Date d) const { return dates_.count(d) > 0; }
  size_t size() const { return dates_.size(); }
  bool empty() const { return dates_.empty(); }

  void Insert(Date d);
  void Erase(Date d);
  void Assign(std::set<Date> dates);

  // The array as nlohmann's dump(2) writes it as a first-level value:
  // `[]`, or `[`, one `    "YYYY-MM-DD"` per line, `  ]`.
  void AppendJson(std::string& out) const;

 private:
  void Rebuild();

  std::set<Date> dates_;
  std::string items_;  // the array's lines, joined by ",\n", in date order
};

// What a checkpoint file records. Every date is in at most one of the three
// lists; counts and last_successful_date are derived from the lists.
class CheckpointState {
 public:
  CheckpointState() = default;
  CheckpointState(std::string job_name, Date start, Date end, int total_days);

  const std::string& job_name() const { return job_name_; }
  // The warehouse whose ledger this file mirrors (Warehouse::Id); empty in
  // files written before the ledger. A file naming another warehouse is
  // never trusted.
  const std::string& warehouse_id() const { return warehouse_id_; }
  void set_warehouse_id(std::string id) { warehouse_id_ = std::move(id); }
  Date start_date() const { return start_; }
  Date end_date() const { return end_; }
  // Game dates in the range (decision 4), as given by the caller.
  int total_days() const { return total_days_; }
  void set_total_days(int n) { total_days_ = n; }

  const std::set<Date>& successful_dates() const { return successful_.dates(); }
  const std::set<Date>& failed_dates() const { return failed_.dates(); }
  const std::set<Date>& skipped_dates() const { return skipped_.dates(); }
  // Error text of each failed date ("" when none was recorded).
  const std::map<Date, std::string>& failed_errors() const { return failed_errors_; }

  int successful() const { return static_cast<int>(successful_.size()); }
  int failed() const { return static_cast<int>(failed_.size()); }
  int skipped() const { return static_cast<int>(skipped_.size()); }
  int processed() const { return successful() + failed() + skipped(); }

  // The latest successful date (by date, not by time of marking).
  std::optional<Date> last_successful_date() const;

  // Moves `d` into one list, out of the other two. InvalidInput when `d` is
  // outside [start_date, end_date]; then nothing changes.
  Status MarkSuccess(Date d);
  Status MarkFailed(Date d, std::string_view error);
  Status MarkSkipped(Date d);

  // Successful or skipped.
  bool IsDone(Date d) const { return successful_.contains(d) || skipped_.contains(d); }
  bool IsFailed(Date d) const { return failed_.contains(d); }

  // The day after last_successful_date; start_date when nothing succeeded.
  // May lie after end_date.
  Date ResumeDate() const;
  // The game dates a re-run processes, ascending: the dates of `game_dates`
  // inside the range that are not done, except failed dates before
  // ResumeDate() (those are retried with --dates, decision 18).
  std::vector<Date> PendingDates(std::span<const Date> game_dates) const;
  // Every date of `game_dates` inside the range is successful or skipped.
  bool IsComplete(std::span<const Date> game_dates) const;

  // Where one date stands: which list holds it (none: not recorded) and,
  // when failed, its error text. Restore puts a date back as recorded.
  struct DateRecord {
    enum class List { kNone, kSuccessful, kFailed, kSkipped } list = List::kNone;
    std::string error;
  };
  DateRecord RecordOf(Date d) const;
  void Restore(Date d, DateRecord record);

  // The file text (2-space indented JSON and a final newline).
  std::string ToJson(std::string_view updated_at) const;
  // Parses and validates a file text for (job, start, end). Corruption
  // (with the reason) when it is not a valid checkpoint of that job and
  // range. Derived values (last_successful_date, stats) that disagree with
  // the lists are recomputed, with a note appended to `warnings`.
  static Result<CheckpointState> FromJson(std::string_view text, std::string_view job, Date start,
                                          Date end, std::vector<std::string>* warnings = nullptr);

 private:
  Status CheckInRange(Date d) const;

  std::string job_name_;
  std::string warehouse_id_;
  Date start_{};
  Date end_{};
  int total_days_ = 0;
  CheckpointDateList successful_;
  CheckpointDateList failed_;
  CheckpointDateList skipped_;
  std::map<Date, std::string> failed_errors_;
};

struct CheckpointOptions {
  // false = --no-resume: ignore any existing file; it is replaced by the
  // first save.
  bool resume = true;
  // Source of updated_at and of corrupt-file suffixes; system clock if empty.
  std::function<std::chrono::system_clock::time_point()> clock;
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
  using Clock = std::function<std::chrono::system_clock::time_point()>;

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
      std::vector<std::string>* warnings = nullptr);

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
  // Writes the current state atomically (AtomicFile): `<file>.tmp` in the
  // same directory, fsync, rename over the file, fsync the directory.
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
  Checkpoint(std::filesystem::path path, FileLock lock, CheckpointState state, Clock clock)
      : path_(std::move(path)),
        lock_(std::move(lock)),
        state_(std::move(state)),
        clock_(std::move(clock)) {}
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
  Clock clock_;
  std::function<void(Date, bool)> on_saved_;
  bool resumed_ = false;
  std::vector<std::string> warnings_;
};

// The `--status` block (60 '=' rules) of the operator document. `state` is
// nullopt when there is no checkpoint file. `game_dates` are the range's game
// dates; "Total days" counts them and "days remaining" counts the pending
// ones.
std::string FormatCheckpointStatus(const std::filesystem::path& checkpoint_path,
                                   std::string_view job, Date start, Date end,
                                   const std::optional<CheckpointState>& state,
                                   std::span<const Date> game_dates);

}  // namespace phase4
