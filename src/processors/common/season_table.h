// One Phase 3 table of one season, indexed in memory by entity and date:
// the windows the processors compute from are spans of its rows found by
// binary search, with columnar copies of the cells for the hot loops.
// Built by SeasonInputs (season_inputs.h); read-only once built.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "calendar/date.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4::processors {

class SeasonInputs;

// One Phase 3 table of one season, indexed by entity and date.
class SeasonTable {
 public:
  using Rows = std::span<const Row>;

  const TableSchema& schema() const { return *schema_; }
  const std::string& entity_column() const { return entity_column_; }
  // Column index by name (-1 when absent).
  int Col(std::string_view name) const { return schema_->ColumnIndex(name); }
  // Whether the column's cells were read as Values (a season load reads the
  // columns its processors list, decision in doc/processors.md "Column
  // projection"); the cells of the others are NULL in the rows and have no
  // columnar copy, though every cell is in the row digests.
  bool Loaded(int col) const {
    return col >= 0 && static_cast<size_t>(col) < loaded_.size() &&
           loaded_[static_cast<size_t>(col)];
  }

  // Distinct entities, ascending.
  const std::vector<std::string>& entities() const { return entities_; }
  // All kept rows of the entity, by date ascending (empty when unknown).
  Rows EntityRows(std::string_view entity) const;
  // Rows of the entity with game_date < d.
  Rows Before(std::string_view entity, Date d) const;
  // The last `n` rows of the entity with game_date < d (fewer if it has
  // fewer), oldest first.
  Rows LastN(std::string_view entity, Date d, size_t n) const;
  // Rows of the entity with from <= game_date < to.
  Rows Between(std::string_view entity, Date from, Date to) const;
  // Game date of a row of this table.
  Date DateOf(const Row& row) const;
  // Every kept row dated d (any entity), in entity order.
  std::vector<const Row*> RowsOn(Date d) const;
  // Digest of a row (for input fingerprints), computed at load.
  const std::array<uint8_t, 32>& Digest(const Row& row) const;

  // Columnar copies of the cells, parallel to the rows, so that hot loops
  // read a window as index ranges without touching the rows: INTEGER and
  // BOOL columns as int64 (NULL = kNull), REAL columns as double (NULL =
  // NaN; the warehouse never stores NaN), TEXT-like columns as views (NULL
  // is a view with a null data pointer).
  struct IntColumn {
    static constexpr int64_t kNull = std::numeric_limits<int64_t>::min();
    std::vector<int64_t> value;
    bool present(size_t i) const { return value[i] != kNull; }
  };
  // A REAL column also holds its cells as exact decimals (decision 35):
  // value[i] is the decimal units[i] * 10^-scale, one scale for the column
  // (the most decimals any cell is written with). `units` is empty when some
  // cell has no such decimal within 64 bits; DecimalSum then converts cell
  // by cell.
  struct RealColumn {
    std::vector<double> value;
    std::vector<int64_t> units;
    int scale = 0;
    std::string name;  // dataset.table.column, for an error about a cell
    bool present(size_t i) const { return !std::isnan(value[i]); }
  };
  const IntColumn& Ints(int col) const;                       // an INTEGER / BOOL column
  const RealColumn& Reals(int col) const;                     // a REAL column
  const std::vector<std::string_view>& Texts(int col) const;  // any other column
  // The latest processed_at among rows [b, e) (a null view when none).
  std::string_view LatestProcessedAt(size_t b, size_t e) const;
  // The fingerprint of the non-empty rows [b, e): the first 16 hex digits of
  // SHA-256 over their digests, oldest first (source_*_hash). Remembered per
  // thread: an entity's window is often the same on consecutive dates (no
  // game in between), and each job asks from its own thread.
  std::string WindowHash(size_t b, size_t e) const;
  // Index of a row of this table (its position in the columns).
  size_t IndexOf(const Row& row) const { return static_cast<size_t>(&row - rows_.data()); }
  // [first, last) row indexes of a window span of this table.
  std::pair<size_t, size_t> IndexRange(Rows window) const {
    if (window.empty()) return {0, 0};
    size_t b = IndexOf(window.front());
    return {b, b + window.size()};
  }

  size_t row_count() const { return rows_.size(); }
  // Rows dropped as duplicates of an entity's row on the same date
  // (decision 36, processors/common/duplicates.h).
  size_t duplicates_dropped() const { return duplicates_dropped_; }
  // Rows read from the warehouse before filtering.
  size_t rows_read() const { return rows_read_; }

 private:
  friend class SeasonInputs;
  struct Range {
    uint32_t begin = 0, end = 0;
  };
  // Aborts naming the column when it is not a loaded column of `type`.
  void CheckColumn(int col, size_t copies, const char* type) const;
  Rows Slice(uint32_t b, uint32_t e) const {
    return Rows(rows_.data() + b, static_cast<size_t>(e - b));
  }
  const Range* Find(std::string_view entity) const;

  // Unique in the process and never reused (a copy shares its rows, so its
  // id): keys WindowHash's memory.
  uint64_t id_ = NewId();
  static uint64_t NewId();
  const TableSchema* schema_ = nullptr;
  std::string entity_column_;
  int date_col_ = -1;
  std::vector<Row> rows_;                         // grouped by entity, by date within an entity
  std::vector<Date> dates_;                       // parallel to rows_
  std::vector<std::array<uint8_t, 32>> digests_;  // parallel to rows_
  std::vector<std::string> entities_;
  std::vector<Range> ranges_;  // parallel to entities_
  std::unordered_map<std::string_view, uint32_t> entity_index_;
  std::vector<uint32_t> by_date_;  // row indexes sorted by (date, entity)
  std::vector<IntColumn> ints_;    // by column index; empty for other types
  std::vector<RealColumn> reals_;
  std::vector<std::vector<std::string_view>> texts_;
  std::vector<bool> loaded_;                    // by column
  std::vector<uint32_t> processed_rank_;        // rank of processed_at; 0 = NULL
  std::vector<std::string_view> processed_at_;  // distinct values by rank (index 0 unused)
  size_t rows_read_ = 0;
  size_t duplicates_dropped_ = 0;
};

}  // namespace phase4::processors
