// Season inputs shared by the jobs of one in-process run-all: each season's
// Phase 3 tables are read once, with the union of the jobs' columns, and
// every job's InputReader computes from that one copy (doc/backfill.md,
// "Pipelined run-all").
//
// The jobs walk the seasons at different paces (a downstream job trails its
// upstreams). To keep memory bounded by about two seasons however many the
// run covers, a job may take season S only once every other job has reached
// S-1; a season is dropped once every job is past it, and the season after
// the slowest job's is read ahead in the background. A job announces the
// season of each date before it waits for anything else (MoveTo), so the
// slowest job never waits here and the wait cannot close a cycle.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "calendar/season_calendar.h"
#include "common/status.h"
#include "execution/input_reader.h"
#include "execution/phase3_reads.h"
#include "processors/common/season_inputs.h"

namespace phase4 { class Warehouse; }

namespace phase4::backfill {

class SharedSeasons;

// One job's place in a SharedSeasons. Destroying it (the job ended, however)
// lets the other jobs move past the seasons it held back.
class SharedSeasonsUser : public execution::SeasonSource {
 public:
  ~SharedSeasonsUser() override;
  SharedSeasonsUser(const SharedSeasonsUser&) = delete;
  SharedSeasonsUser& operator=(const SharedSeasonsUser&) = delete;

  // The job is now working on a date of `season_year` (positions only grow).
  void MoveTo(int season_year);
  // The inputs of `season_year`, read on the first request of any job.
  // Waits while some other job has not reached season_year - 1.
  Result<std::shared_ptr<processors::SeasonInputs>> Acquire(int season_year) override;

 private:
  friend class SharedSeasons;
  SharedSeasonsUser(SharedSeasons* pool, size_t slot) : pool_(pool), slot_(slot) {}
  SharedSeasons* pool_;
  size_t slot_;
};

class SharedSeasons {
 public:
  // Seasons are read from `wh` (used only by this object from now on) with
  // `reads`, which must cover every job's Phase3Reads. `seasons` are the
  // seasons the run computes dates of (ascending, distinct, not empty): no
  // other is read ahead, and a job waits only for the others to reach the
  // season before its own among them.
  SharedSeasons(Warehouse& wh, const SeasonCalendar& calendar, std::vector<execution::TableRead> reads,
                std::vector<int> seasons);
  SharedSeasons(const SharedSeasons&) = delete;
  SharedSeasons& operator=(const SharedSeasons&) = delete;

  // A place for one more job. Every job must join before any of them
  // acquires a season, or the early ones could run ahead of it.
  std::unique_ptr<SharedSeasonsUser> Join();

  // Starts reading the first season on background threads, so that the
  // first Acquire finds it read (or reading).
  void ReadAhead();

  // Seasons read so far (a season read twice counts twice).
  int seasons_read() const;

 private:
  friend class SharedSeasonsUser;
  static constexpr int kDone = 1 << 30;  // the position of a job that ended

  Result<std::shared_ptr<processors::SeasonInputs>> Acquire(size_t slot, int season_year);
  void MoveTo(size_t slot, int season_year);
  void Leave(size_t slot);
  // The lowest position of the jobs other than `slot` (all jobs when
  // `slot` is out of range).
  int SlowestLocked(size_t slot) const;
  // Drops the seasons every job is past and reads ahead the one after the
  // slowest job's.
  void TidyLocked();
  // The season of `seasons_` before `season_year` (season_year - 1 when
  // none is).
  int PreviousSeason(int season_year) const;
  // The season of `seasons_` after `season_year`, or kDone.
  int NextSeason(int season_year) const;

  mutable std::mutex mu_;
  std::condition_variable moved_;  // a job took a new season or left
  execution::InputReader reader_;             // reads the seasons (under mu_)
  const std::vector<execution::TableRead> reads_;
  const std::vector<int> seasons_;
  std::vector<int> position_;  // the season each job holds (the first of seasons_ before any)
  std::map<int, std::shared_ptr<processors::SeasonInputs>> kept_;
  int seasons_read_ = 0;
};

}  // namespace phase4::backfill
