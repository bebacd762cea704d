#include "backfill/shared_seasons.h"

#include <algorithm>
#include <iterator>
#include <limits>

#include "warehouse/warehouse.h"

namespace phase4::backfill {

using processors::SeasonInputs;

SharedSeasonsUser::~SharedSeasonsUser() { pool_->Leave(slot_); }

void SharedSeasonsUser::MoveTo(int season_year) { pool_->MoveTo(slot_, season_year); }

Result<std::shared_ptr<SeasonInputs>> SharedSeasonsUser::Acquire(int season_year) {
  return pool_->Acquire(slot_, season_year);
}

SharedSeasons::SharedSeasons(Warehouse& wh, const SeasonCalendar& calendar,
                             std::vector<execution::TableRead> reads, std::vector<int> seasons)
    : reader_(wh, calendar), reads_(std::move(reads)), seasons_(std::move(seasons)) {}

int SharedSeasons::PreviousSeason(int season_year) const {
  auto it = std::lower_bound(seasons_.begin(), seasons_.end(), season_year);
  return it == seasons_.begin() ? season_year - 1 : *std::prev(it);
}

int SharedSeasons::NextSeason(int season_year) const {
  auto it = std::upper_bound(seasons_.begin(), seasons_.end(), season_year);
  return it == seasons_.end() ? kDone : *it;
}

std::unique_ptr<SharedSeasonsUser> SharedSeasons::Join() {
  std::lock_guard<std::mutex> lock(mu_);
  position_.push_back(seasons_.empty() ? kDone : seasons_.front());
  return std::unique_ptr<SharedSeasonsUser>(new SharedSeasonsUser(this, position_.size() - 1));
}

void SharedSeasons::ReadAhead() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!seasons_.empty() && kept_.empty()) reader_.Prefetch(seasons_.front(), reads_);
}

int SharedSeasons::seasons_read() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seasons_read_;
}

int SharedSeasons::SlowestLocked(size_t slot) const {
  int slowest = kDone;
  for (size_t i = 0; i < position_.size(); ++i)
    if (i != slot) slowest = std::min(slowest, position_[i]);
  return slowest;
}

void SharedSeasons::MoveTo(size_t slot, int season_year) {
  std::lock_guard<std::mutex> lock(mu_);
  if (season_year <= position_[slot]) return;
  position_[slot] = season_year;
  TidyLocked();
  moved_.notify_all();
}

void SharedSeasons::Leave(size_t slot) {
  std::lock_guard<std::mutex> lock(mu_);
  position_[slot] = kDone;
  TidyLocked();
  moved_.notify_all();
}

Result<std::shared_ptr<SeasonInputs>> SharedSeasons::Acquire(size_t slot, int season_year) {
  std::unique_lock<std::mutex> lock(mu_);
  moved_.wait(lock, [&] { return SlowestLocked(slot) >= PreviousSeason(season_year); });
  if (season_year > position_[slot]) {
    position_[slot] = season_year;
    moved_.notify_all();
  }
  auto it = kept_.find(season_year);
  if (it == kept_.end()) {
    // Read under the lock: the other jobs wanting this season wait for it,
    // and the ones on a kept season wait less than a read takes.
    PHASE4_ASSIGN_OR_RETURN(std::shared_ptr<SeasonInputs> season,
                            reader_.SharedSeason(season_year, reads_));
    ++seasons_read_;
    it = kept_.emplace(season_year, std::move(season)).first;
  }
  std::shared_ptr<SeasonInputs> season = it->second;
  TidyLocked();
  return season;
}

void SharedSeasons::TidyLocked() {
  const int slowest = SlowestLocked(std::numeric_limits<size_t>::max());
  while (!kept_.empty() && kept_.begin()->first < slowest) kept_.erase(kept_.begin());
  // The next season is read ahead once the slowest job holds its season, so
  // memory holds the slowest job's season and the next one. Only a season
  // the run computes dates of: a re-run of one season reads no other.
  const int next = slowest < kDone ? NextSeason(slowest) : kDone;
  if (next < kDone && kept_.count(slowest) && !kept_.count(next)) reader_.Prefetch(next, reads_);
}

}  // namespace phase4::backfill
