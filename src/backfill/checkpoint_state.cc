#include "backfill/checkpoint_state.h"

#include <algorithm>
#include <utility>

namespace phase4::backfill {

std::vector<Date> GameDatesInRange(std::span<const Date> game_dates, Date start, Date end) {
  std::vector<Date> out;
  for (Date d : game_dates) {
    if (d >= start && d <= end) out.push_back(d);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

CheckpointState::CheckpointState(std::string job_name, Date start, Date end, int total_days)
    : job_name_(std::move(job_name)), start_(start), end_(end), total_days_(total_days) {}

std::optional<Date> CheckpointState::last_successful_date() const {
  if (successful_.empty()) return std::nullopt;
  return *successful_.dates().rbegin();
}

Status CheckpointState::CheckInRange(Date d) const {
  if (d < start_ || d > end_) {
    return Status::InvalidInput("date " + FormatDate(d) + " is outside the checkpoint range " +
                                FormatDate(start_) + " to " + FormatDate(end_));
  }
  return Status::OK();
}

Status CheckpointState::MarkSuccess(Date d) {
  PHASE4_RETURN_IF_ERROR(CheckInRange(d));
  failed_.Erase(d);
  failed_errors_.erase(d);
  skipped_.Erase(d);
  successful_.Insert(d);
  return Status::OK();
}

Status CheckpointState::MarkFailed(Date d, std::string_view error) {
  PHASE4_RETURN_IF_ERROR(CheckInRange(d));
  successful_.Erase(d);
  skipped_.Erase(d);
  failed_.Insert(d);
  failed_errors_[d] = std::string(error);
  return Status::OK();
}

Status CheckpointState::MarkSkipped(Date d) {
  PHASE4_RETURN_IF_ERROR(CheckInRange(d));
  successful_.Erase(d);
  failed_.Erase(d);
  failed_errors_.erase(d);
  skipped_.Insert(d);
  return Status::OK();
}

CheckpointState::DateRecord CheckpointState::RecordOf(Date d) const {
  using List = DateRecord::List;
  if (successful_.contains(d)) return {List::kSuccessful, ""};
  if (skipped_.contains(d)) return {List::kSkipped, ""};
  if (!failed_.contains(d)) return {};
  auto error = failed_errors_.find(d);
  return {List::kFailed, error == failed_errors_.end() ? "" : error->second};
}

void CheckpointState::Restore(Date d, DateRecord record) {
  using List = DateRecord::List;
  successful_.Erase(d);
  failed_.Erase(d);
  failed_errors_.erase(d);
  skipped_.Erase(d);
  switch (record.list) {
    case List::kNone:
      break;
    case List::kSuccessful:
      successful_.Insert(d);
      break;
    case List::kFailed:
      failed_.Insert(d);
      failed_errors_[d] = std::move(record.error);
      break;
    case List::kSkipped:
      skipped_.Insert(d);
      break;
  }
}

Date CheckpointState::ResumeDate() const {
  auto last = last_successful_date();
  return last ? AddDays(*last, 1) : start_;
}

std::vector<Date> CheckpointState::PendingDates(std::span<const Date> game_dates) const {
  const Date resume = ResumeDate();
  std::vector<Date> out;
  for (Date d : GameDatesInRange(game_dates, start_, end_)) {
    if (IsDone(d)) continue;
    if (IsFailed(d) && d < resume) continue;  // decision 18: retried with --dates
    out.push_back(d);
  }
  return out;
}

bool CheckpointState::IsComplete(std::span<const Date> game_dates) const {
  for (Date d : GameDatesInRange(game_dates, start_, end_)) {
    if (!IsDone(d)) return false;
  }
  return true;
}

}  // namespace phase4::backfill
