// Upstream rows handed over in memory within one in-process run-all: once a
// job has committed date D, the rows it wrote are held here, and each of its
// downstream jobs in the run takes them for D instead of reading them back
// from the warehouse (doc/backfill.md, "Pipelined run-all").
//
// A downstream job must compute what it would from Warehouse::SelectRows.
// The rows are therefore kept as SQLite stores them (an integer in a REAL
// column becomes a real, -0.0 becomes 0.0, NaN becomes NULL; a date holding
// anything else SQLite would convert is not held) and ordered by the date
// and key columns as SelectRows orders them. One copy serves every taker:
// it holds the union of the takers' upstream_columns (each taker's own among
// them) and NULL elsewhere, and a job reads only the columns it declares
// (tests/processors/upstream_projection_test.cc). Whatever is not held
// (dates an earlier run wrote, an upstream outside the run, more rows than
// the cap) is read from the warehouse as before, so holding is only ever a
// shortcut.
//
// Memory: a date is dropped once every downstream job in the run is past it
// or has ended, and at most kMaxRowsPerTable rows wait per table; beyond that
// the producer stops holding until its takers catch up.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "execution/input_reader.h"
#include "processors/common/processor.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4::backfill {

class UpstreamRows : public execution::UpstreamSource {
 public:
  static constexpr size_t kMaxRowsPerTable = 16384;

  // `jobs` are the jobs of the run. A table is held when it is the output of
  // one of them and some other reads it (phase4_upstreams), with the union of
  // the takers' upstream_columns. Fails on a job declaring an unknown
  // column, as InputsFor would.
  static Result<std::unique_ptr<UpstreamRows>> Create(
      const std::vector<const processors::ProcessorInfo*>& jobs);

  // `producer` committed `rows` for `d` (its whole output for d). Holds them
  // when some job of the run takes them (moved in: they become the held copy).
  void Publish(const processors::ProcessorInfo& producer, Date d, std::vector<Row> rows);
  // The rows of `table` for `d`, holding at least `columns` (the taker's
  // UpstreamColumnIndexes), or nullptr when not held (the caller reads the
  // warehouse). An empty list (every column) is never served.
  std::shared_ptr<const std::vector<Row>> Take(const TableSchema& table, Date d,
                                               const std::vector<int>& columns) const override;
  // True when rows of `table` for `d` are held (then the warehouse has them:
  // they were published after their commit).
  bool HasRows(const TableSchema& table, Date d) const override;
  // `taker` has computed every date up to `d` it will compute (dates only
  // grow): what only it still needed is dropped.
  void Passed(const std::string& taker, Date d);
  // `taker` ended, however: it takes nothing more.
  void Leave(const std::string& taker);

  // Dates served by Take; dates a producer committed that were not held (a
  // value SQLite would convert, or the cap); the most rows one table held.
  int64_t served() const;
  int64_t not_held() const;
  size_t peak_rows() const;

 private:
  struct Held {
    const TableSchema* schema = nullptr;
    // By schema column: some taker reads it (bytes, not vector<bool>: read
    // for every cell published).
    std::vector<char> wanted;
    std::vector<std::string> takers;
    // Stored form, in SelectRows order, NULL in the columns not wanted.
    std::map<Date, std::shared_ptr<const std::vector<Row>>> dates;
    size_t rows = 0;  // in `dates`
  };

  UpstreamRows() = default;
  // The date every remaining taker of `h` is past (Date::max() when none is
  // left), or nullopt while one has passed nothing yet.
  std::optional<Date> PassedLocked(const Held& h) const;
  // Drops the dates of `h` every remaining taker is past.
  void TidyLocked(Held& h);

  mutable std::mutex mu_;
  std::map<std::string, Held, std::less<>> tables_;    // by job / table name
  std::map<std::string, std::optional<Date>> passed_;  // by taker; erased on Leave
  mutable int64_t served_ = 0;
  int64_t not_held_ = 0;
  size_t peak_rows_ = 0;
};

}  // namespace phase4::backfill
