// Reading a processor's inputs from a warehouse: each season's Phase 3
// tables once (on threads of their own, with extra connections, the next
// season read ahead), and the upstream Phase 4 rows of a date. The maths in
// processors/ never reads; it computes from what this hands it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "calendar/date.h"
#include "calendar/season_calendar.h"
#include "common/status.h"
#include "execution/phase3_reads.h"
#include "processors/common/processor.h"
#include "processors/common/season_inputs.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4 { class Warehouse; }

namespace phase4::execution {

// Where a reader takes its seasons when a run shares them between jobs
// (backfill/shared_seasons.h) instead of reading them itself.
class SeasonSource {
 public:
  virtual ~SeasonSource() = default;
  // The inputs of `season_year` (holding every column the run reads).
  virtual Result<std::shared_ptr<processors::SeasonInputs>> Acquire(int season_year) = 0;
};

// Upstream Phase 4 rows a run holds in memory (backfill/upstream_rows.h),
// taken instead of reading them back from the warehouse.
class UpstreamSource {
 public:
  virtual ~UpstreamSource() = default;
  // The rows of `table` for `d` holding at least `columns`, or nullptr when
  // not held (the reader then reads the warehouse).
  virtual std::shared_ptr<const std::vector<Row>> Take(const TableSchema& table, Date d,
                                                       const std::vector<int>& columns) const = 0;
  // True when rows of `table` for `d` are held (then the warehouse has them:
  // they were held after their commit).
  virtual bool HasRows(const TableSchema& table, Date d) const = 0;
};

// Reads season inputs from a warehouse, once per (season, table), and keeps
// the most recent season only, so memory stays bounded by one season however
// many seasons a backfill walks. Dates must be visited season by season for
// each table to be read once (a backfill does that naturally).
class InputReader {
 public:
  // With `read_through`, rows dated after it are not read (a single-date run
  // reads no more than it needs); the reader then serves dates up to it only.
  InputReader(Warehouse& wh, const SeasonCalendar& calendar,
              std::optional<Date> read_through = std::nullopt);
  ~InputReader();  // waits for a prefetch still running
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  // The inputs of `season_year` holding at least `reads` (a table already
  // loaded without some of the columns is read again with them).
  Result<const processors::SeasonInputs*> Season(int season_year, const std::vector<TableRead>& reads);
  // The same, shared: the reader lets go of it when it moves to another
  // season, a holder keeps it as long as it needs (SharedSeasons).
  Result<std::shared_ptr<processors::SeasonInputs>> SharedSeason(int season_year,
                                                     const std::vector<TableRead>& reads);
  // From now on, seasons come from `source` (one in-process run-all reads
  // each season once for all its jobs) instead of being read here; a season
  // lacking some of the reads is then an error, and Prefetch does nothing.
  // `source` outlives the reader.
  void ShareSeasons(SeasonSource* source) { shared_ = source; }
  // From now on, upstream rows held by `rows` (an in-process run-all hands
  // each job's committed rows to its downstream jobs) are taken from there
  // instead of the warehouse; the others are read as before. `rows`
  // outlives the reader.
  void ShareUpstreamRows(const UpstreamSource* rows) { upstream_rows_ = rows; }
  // Starts the `reads` of `season_year` on background threads (their own
  // connections), so that the first Season(season_year, ...) finds them
  // ready instead of pausing the backfill at each new season. A backfill
  // calls it once the current season is loaded; memory then holds two
  // seasons at most. Does nothing while another prefetch runs. A failed
  // prefetch is dropped and Season() reads again.
  void Prefetch(int season_year, const std::vector<TableRead>& reads);
  // Everything `info.compute` needs for date d: its season's Phase 3 tables
  // and the rows of its upstream Phase 4 tables for d.
  Result<processors::ProcessorInputs> InputsFor(const processors::ProcessorInfo& info, Date d);

  const SeasonCalendar& calendar() const { return *calendar_; }
  Warehouse& warehouse() { return *wh_; }
  // The season whose inputs are loaded (0 when none).
  int loaded_season() const { return current_ ? current_->season_year() : 0; }

  // How many Phase 3 table reads happened (each is one SELECT of one season),
  // prefetched ones included once they were used.
  int64_t table_reads() const { return table_reads_; }
  // Seasons that Season() found read ahead by Prefetch().
  int64_t prefetched_seasons() const { return prefetched_seasons_; }

 private:
  // The reads `season` does not hold yet: tables absent, or loaded without
  // some of the columns (read again with the columns already loaded too).
  static Result<std::vector<std::pair<const processors::TableSpec*, std::vector<bool>>>> MissingReads(
      const processors::SeasonInputs& season, const std::vector<TableRead>& reads);
  // Reads and indexes `missing` into `season`, each table on its own thread
  // and connection; the first uses `first_wh` when given (the caller's,
  // idle meanwhile). Returns the first error; tables read so far stay added.
  Status Load(processors::SeasonInputs& season,
              const std::vector<std::pair<const processors::TableSpec*, std::vector<bool>>>& missing,
              Warehouse* first_wh, int64_t& table_reads) const;

  Warehouse* wh_;
  const SeasonCalendar* calendar_;
  std::optional<Date> read_through_;
  std::shared_ptr<processors::SeasonInputs> current_;
  SeasonSource* shared_ = nullptr;
  const UpstreamSource* upstream_rows_ = nullptr;
  // Phase3Reads of each job InputsFor served, computed once.
  std::map<const processors::ProcessorInfo*, std::vector<TableRead>> reads_of_;
  int64_t table_reads_ = 0;
  // The season being read ahead; the thread owns prefetched_,
  // prefetch_status_ and prefetch_reads_ until it is joined.
  std::thread prefetch_;
  int prefetched_year_ = 0;
  std::unique_ptr<processors::SeasonInputs> prefetched_;
  Status prefetch_status_;
  int64_t prefetch_reads_ = 0;
  int64_t prefetched_seasons_ = 0;
};

}  // namespace phase4::execution
