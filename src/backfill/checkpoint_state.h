// What a checkpoint records of a job over one date range: which dates
// succeeded, failed (with their error text) or were skipped. The file that
// holds it is checkpoint.h; its JSON text is checkpoint_writer.h and
// checkpoint_validator.h (doc/checkpoint-format.md).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backfill/checkpoint_date_list.h"
#include "calendar/date.h"
#include "common/status.h"

namespace phase4::backfill {

// Every date is in at most one of the three lists; counts and
// last_successful_date are derived from the lists.
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
  // The lists with their kept JSON text (checkpoint_writer.cc).
  const CheckpointDateList& successful_list() const { return successful_; }
  const CheckpointDateList& failed_list() const { return failed_; }
  const CheckpointDateList& skipped_list() const { return skipped_; }
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

// Sorted, unique dates of `game_dates` inside [start, end].
std::vector<Date> GameDatesInRange(std::span<const Date> game_dates, Date start, Date end);

}  // namespace phase4::backfill
