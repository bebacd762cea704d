// Warehouse: the embedded SQLite store.
//
// A warehouse is a directory holding one SQLite file per dataset
// (`nba_analytics.db`, ...), attached under the dataset's name so that
// `nba_analytics.player_game_summary` is a valid table name in SQL. Every
// file runs in WAL mode with a busy timeout, so concurrent jobs that write
// different tables wait for each other instead of failing.
//
// Guarantees (doc/warehouse.md): primary keys refuse a second row for the
// same key; ReplaceDate and InsertRows are all-or-nothing; each file records
// its schema version in `PRAGMA user_version`.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

struct sqlite3;
struct sqlite3_stmt;

namespace phase4 {

// 2: the unit ledger, Phase 3 change tracking and the warehouse id.
inline constexpr int kSchemaVersion = 2;

class StatementCache;

// A prepared statement. Bind with 1-based indexes; Step() until it returns
// false; read columns with 0-based indexes. A statement lent by the
// warehouse's cache goes back to it (reset, bindings cleared) when destroyed.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt, StatementCache* cache = nullptr)
      : db_(db), stmt_(stmt), cache_(cache) {}
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds without copying: `v` must stay alive until the next Step().
  void Bind(int index, const Value& v);
  void BindText(int index, std::string_view text);
  void BindInt(int index, int64_t v);
  void BindNull(int index);
  // Advances; true when a row is available. A failure is kept in status().
  bool Step();
  Status status() const { return status_; }
  void Reset();
  // Reset, keeping the bound values: for a caller that binds every
  // parameter again before the next Step (one insert per row).
  void ResetKeepingBindings();

  int ColumnCount() const;
  // The storage class of a cell of the current row (BLOBs read as text).
  enum class Kind { kNull, kInt, kReal, kText };
  Kind ColumnKind(int i) const;
  Value ColumnValue(int i) const;
  // A text cell without a copy; valid until the next Step() or Reset().
  std::string_view ColumnTextView(int i) const;
  bool ColumnIsNull(int i) const;
  int64_t ColumnInt(int i) const;
  double ColumnReal(int i) const;
  std::string ColumnText(int i) const;
  std::optional<int64_t> ColumnOptInt(int i) const;
  std::optional<double> ColumnOptReal(int i) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  StatementCache* cache_ = nullptr;  // the lender, or null when owned
  Status status_;
};

class Warehouse {
 public:
  // Opens the warehouse at `dir`. With `create`, a missing directory and
  // missing tables are created; without it, a warehouse that was never
  // initialised is an error naming `phase4 init`.
  static Result<std::unique_ptr<Warehouse>> Open(const std::string& dir, bool create);
  ~Warehouse();

  const std::string& dir() const { return dir_; }
  sqlite3* handle() { return db_; }

  // Creates datasets and tables that do not exist yet, migrates an older
  // schema version and refuses a newer one. Idempotent; Open calls it.
  Status Init();

  Status Exec(std::string_view sql);
  // Prepares `sql`, or lends the cached statement for the same text when it
  // is not in use: a date's queries and inserts are compiled once per run,
  // not once per date.
  Result<Statement> Prepare(std::string_view sql);

  // Transactions. Begin is deferred: the write lock is taken by the first
  // write, and only on the files written, so jobs writing different dataset
  // files do not wait for each other.
  Status Begin();
  Status Commit();
  void Rollback();

  // Inserts rows; fails on any primary-key conflict. Not transactional by
  // itself: callers wrap it (ImportRows, ReplaceDate do).
  Status InsertRows(const TableSchema& table, const std::vector<Row>& rows);
  // A row for another table, inserted in the same transaction as a
  // replacement (the completion message of a date's rows). It must live in
  // the same dataset file: SQLite commits atomically per file.
  struct ExtraRow {
    const TableSchema* table;
    Row row;
    // Replace the row with the same primary key, if any (a ledger unit),
    // instead of inserting a new one.
    bool replace = false;
  };
  // Inserts or replaces (by primary key) one row, inside the caller's
  // transaction; UpsertRows does several in a transaction of its own.
  Status UpsertRow(const TableSchema& table, const Row& row);
  Status UpsertRows(const TableSchema& table, const std::vector<Row>& rows);

  // The id `init` gave this warehouse (32 hex digits).
  Result<std::string> Id();

  // Replaces every row of the table whose date column equals `date` with
  // `rows`, and inserts `also`, in one transaction (decisions 12, 23).
  Status ReplaceDate(const TableSchema& table, Date date, const std::vector<Row>& rows,
                     const std::vector<ExtraRow>& also = {});
  // Replaces the rows of the given dates with `rows`, in one transaction.
  Status ReplaceDates(const TableSchema& table, const std::vector<Date>& dates,
                      const std::vector<Row>& rows, const std::vector<ExtraRow>& also = {});

  // All rows (optionally within [start, end] on the date column), ordered by
  // the date column and the primary key. With `columns` (indexes into the
  // schema), only those cells are read; the others are NULL.
  Result<std::vector<Row>> SelectRows(const TableSchema& table, std::optional<Date> start,
                                      std::optional<Date> end,
                                      const std::vector<int>& columns = {});
  // Hands each row within [start, end] on the date column to `visit`, as the
  // statement positioned on it (every column, in schema order), in no
  // particular order: for readers that order the rows themselves and take
  // only some cells as Values.
  Status ScanCells(const TableSchema& table, Date start, Date end,
                   const std::function<void(const Statement&)>& visit);
  Result<int64_t> CountRows(const TableSchema& table);
  // Distinct values of the date column within [start, end].
  Result<std::vector<Date>> DistinctDates(const TableSchema& table, Date start, Date end);

  // Hook for tests: when set, the next write of a row fails with this
  // message after `after_rows` rows were written (proves all-or-nothing).
  void InjectWriteFailureForTest(int64_t after_rows, std::string message);

 private:
  Warehouse(std::string dir, sqlite3* db);
  // Rows per multi-row INSERT (InsertRows).
  static constexpr size_t kRowsPerInsert = 16;
  // SELECT of `columns` (`*` when empty) of the rows within [start, end],
  // bound and ready to step; `ordered` sorts by date and primary key.
  Result<Statement> PrepareSelect(const TableSchema& table, std::optional<Date> start,
                                  std::optional<Date> end, const std::vector<int>& columns,
                                  bool ordered);

  std::string dir_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<StatementCache> cache_;
  std::optional<std::pair<int64_t, std::string>> injected_failure_;
};

// The tables whose writes are tracked per date for the ledger's input
// fingerprints: the schedule and the five Phase 3 tables.
const std::vector<const TableSchema*>& Phase3ChangeTrackedTables();

// SQL literal type of a column (INTEGER, REAL or TEXT).
const char* SqlType(ColumnType type);
// CREATE TABLE statement for a schema.
std::string CreateTableSql(const TableSchema& table);

// Resolves the warehouse location: `flag` if given, else $PHASE4_WAREHOUSE,
// else ./warehouse.
std::string ResolveWarehouseDir(const std::string& flag);

}  // namespace phase4
