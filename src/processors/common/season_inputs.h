// Season inputs: the Phase 3 rows of one season, read once and indexed in
// memory, from which every processor takes its windows for any date D of
// that season without touching the warehouse again.
//
// Each table's rows are grouped by entity (player or team) and sorted by
// game date within the entity; a window is a span found by binary search on
// the date ("games strictly before D", "the last N before D", "D-30 <= date
// < D"). Rows are filtered once, at load:
//  * decision 26: windowed tables keep only rows of the season dated on a
//    game date whose game is a regular-season, play-in or playoff game
//    (preseason, All-Star and NBA Cup final rows never enter a window);
//  * decision 27: player_game_summary keeps only played rows
//    (is_active not FALSE and minutes_played > 0 or fg_attempts > 0).
// The upcoming-context tables are pre-game snapshots read for D itself and
// are kept whole (decision 5).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "calendar/date.h"
#include "calendar/season_calendar.h"
#include "common/status.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4 {
class Warehouse;
}

namespace phase4::processors {

struct ProcessorInfo;
struct ProcessorInputs;
struct TableSpec;
class SharedSeasonsUser;
class UpstreamRows;

// Full names of the Phase 3 tables.
inline constexpr std::string_view kPlayerGameSummary = "nba_analytics.player_game_summary";
inline constexpr std::string_view kTeamOffenseGameSummary =
    "nba_analytics.team_offense_game_summary";
inline constexpr std::string_view kTeamDefenseGameSummary =
    "nba_analytics.team_defense_game_summary";
inline constexpr std::string_view kUpcomingPlayerGameContext =
    "nba_analytics.upcoming_player_game_context";
inline constexpr std::string_view kUpcomingTeamGameContext =
    "nba_analytics.upcoming_team_game_context";

// Decision 27 on one player_game_summary row: is_active is not FALSE and
// minutes_played > 0 or fg_attempts > 0.
bool PlayedGame(const Row& player_game_summary_row);

// What a season load reads of one Phase 3 table. Every cell of every row
// is digested (source_*_hash covers whole rows), but only `columns` (schema
// indexes, ascending) become Values in the rows and columnar copies; empty
// means every column.
struct TableRead {
  std::string table;  // full name, e.g. nba_analytics.player_game_summary
  std::vector<int> columns;
};

// The rows of a table as read, before indexing: `loaded` marks the columns
// read as Values (every column when empty), and `digests` (parallel to
// `rows`, or empty to compute them from the rows) fingerprint every cell.
struct ScannedRows {
  std::vector<Row> rows;
  std::vector<std::array<uint8_t, 32>> digests;
  std::vector<bool> loaded;
};

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

// The Phase 3 inputs of one season. Built from rows (tests, benchmarks) or
// by an InputReader from the warehouse.
class SeasonInputs {
 public:
  SeasonInputs(int season_year, const SeasonCalendar& calendar);
  SeasonInputs(const SeasonInputs&) = delete;
  SeasonInputs& operator=(const SeasonInputs&) = delete;

  int season_year() const { return season_year_; }
  const SeasonCalendar& calendar() const { return *calendar_; }
  // First and last calendar day of the season (Oct 1 .. Sep 30, decision 1).
  Date first_day() const;
  Date last_day() const;

  // Adds a table from its rows (any order, any dates: rows outside the
  // season or filtered by decisions 26/27 are dropped). Replaces an earlier
  // table of the same name. Fails on an unknown table or a bad date cell.
  Status AddTable(std::string_view full_name, std::vector<Row> rows);
  bool HasTable(std::string_view full_name) const;
  // The table, or nullptr when it was not loaded.
  const SeasonTable* Table(std::string_view full_name) const;

  // Completeness (zone-processors.md §1.3, with the later fixes): dates of
  // the team's final regular-season / play-in / playoff games of this season
  // in the schedule, home and away both credited, ascending.
  std::span<const Date> TeamScheduleDates(std::string_view team) const;
  // The dates of the team's last `n` scheduled final games before d.
  std::span<const Date> TeamLastScheduled(std::string_view team, Date d, size_t n) const;

 private:
  friend class InputReader;
  // The indexed table from its rows (what AddTable adds); reads only the
  // calendar, so several tables can be built at once.
  Result<std::unique_ptr<SeasonTable>> BuildTable(std::string_view full_name,
                                                  ScannedRows scanned) const;

  int season_year_;
  const SeasonCalendar* calendar_;
  std::map<std::string, std::unique_ptr<SeasonTable>, std::less<>> tables_;
  std::map<std::string, std::vector<Date>, std::less<>> team_schedule_;
};

// The Phase 3 reads of `jobs` run on one season: every table in their
// phase3_inputs; for each, the union of the columns they list in
// phase3_columns (every column when one of them lists none for it) and the
// columns the season index reads itself (date, entity, key, processed_at and
// the filters of decisions 26/27). Fails on an unknown table or column.
Result<std::vector<TableRead>> Phase3Reads(const std::vector<const ProcessorInfo*>& jobs);
// Every column of every Phase 3 table (tests, benchmarks).
std::vector<TableRead> WholeTables();

// The column indexes of `upstream` (a job in info.phase4_upstreams, whose
// output is `schema`) that the run layer reads for `info`: the listed
// info.upstream_columns plus the date and key columns, ascending; empty
// (meaning every column) when the job lists none. Fails on an unknown name.
Result<std::vector<int>> UpstreamColumnIndexes(const ProcessorInfo& info, const TableSchema& schema,
                                               std::string_view upstream);

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
  Result<const SeasonInputs*> Season(int season_year, const std::vector<TableRead>& reads);
  // The same, shared: the reader lets go of it when it moves to another
  // season, a holder keeps it as long as it needs (SharedSeasons).
  Result<std::shared_ptr<SeasonInputs>> SharedSeason(int season_year,
                                                     const std::vector<TableRead>& reads);
  // From now on, seasons come from `user` (one in-process run-all reads each
  // season once for all its jobs) instead of being read here; a season
  // lacking some of the reads is then an error, and Prefetch does nothing.
  // `user` outlives the reader.
  void ShareSeasons(SharedSeasonsUser* user) { shared_ = user; }
  // From now on, upstream rows held by `rows` (an in-process run-all hands
  // each job's committed rows to its downstream jobs) are taken from there
  // instead of the warehouse; the others are read as before. `rows`
  // outlives the reader.
  void ShareUpstreamRows(const UpstreamRows* rows) { upstream_rows_ = rows; }
  // Starts the `reads` of `season_year` on background threads (their own
  // connections), so that the first Season(season_year, ...) finds them
  // ready instead of pausing the backfill at each new season. A backfill
  // calls it once the current season is loaded; memory then holds two
  // seasons at most. Does nothing while another prefetch runs. A failed
  // prefetch is dropped and Season() reads again.
  void Prefetch(int season_year, const std::vector<TableRead>& reads);
  // Everything `info.compute` needs for date d: its season's Phase 3 tables
  // and the rows of its upstream Phase 4 tables for d.
  Result<ProcessorInputs> InputsFor(const ProcessorInfo& info, Date d);

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
  static Result<std::vector<std::pair<const TableSpec*, std::vector<bool>>>> MissingReads(
      const SeasonInputs& season, const std::vector<TableRead>& reads);
  // Reads and indexes `missing` into `season`, each table on its own thread
  // and connection; the first uses `first_wh` when given (the caller's,
  // idle meanwhile). Returns the first error; tables read so far stay added.
  Status Load(SeasonInputs& season,
              const std::vector<std::pair<const TableSpec*, std::vector<bool>>>& missing,
              Warehouse* first_wh, int64_t& table_reads) const;

  Warehouse* wh_;
  const SeasonCalendar* calendar_;
  std::optional<Date> read_through_;
  std::shared_ptr<SeasonInputs> current_;
  SharedSeasonsUser* shared_ = nullptr;
  const UpstreamRows* upstream_rows_ = nullptr;
  // Phase3Reads of each job InputsFor served, computed once.
  std::map<const ProcessorInfo*, std::vector<TableRead>> reads_of_;
  int64_t table_reads_ = 0;
  // The season being read ahead; the thread owns prefetched_,
  // prefetch_status_ and prefetch_reads_ until it is joined.
  std::thread prefetch_;
  int prefetched_year_ = 0;
  std::unique_ptr<SeasonInputs> prefetched_;
  Status prefetch_status_;
  int64_t prefetch_reads_ = 0;
  int64_t prefetched_seasons_ = 0;
};

}  // namespace phase4::processors
