// SqliteWarehouse: the embedded SQLite backend of the Warehouse interface,
// and Statement, its prepared statement (used by this backend and by tests
// that inspect a SQLite warehouse directly).
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
#include "warehouse/warehouse.h"

struct sqlite3;
struct sqlite3_stmt;

namespace phase4 {

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

// The SQLite backend: a directory holding one SQLite file per dataset
// (`nba_analytics.db`, ...), attached under the dataset's name so that
// `nba_analytics.player_game_summary` is a valid table name in SQL. Every
// file runs in WAL mode with a busy timeout, so concurrent jobs that write
// different tables wait for each other instead of failing. Each file records
// its schema version in `PRAGMA user_version`.
class SqliteWarehouse final : public Warehouse {
 public:
  static Result<std::unique_ptr<SqliteWarehouse>> Open(const std::string& dir, bool create);
  ~SqliteWarehouse() override;

  const std::string& dir() const { return location_; }
  sqlite3* handle() { return db_; }

  std::string_view backend() const override { return "sqlite"; }
  std::filesystem::path LockDirectory() const override {
    return std::filesystem::path(location()) / "locks";
  }
  Result<std::unique_ptr<Warehouse>> Connect() const override;
  // Refused: a work queue needs a server every worker reaches.
  Result<std::unique_ptr<WorkQueue>> OpenWorkQueue() const override;
  Status Init() override;

  // SQL on this connection: for this backend's own code and for tests that
  // inspect or damage a warehouse.
  Status Exec(std::string_view sql);
  // Prepares `sql`, or lends the cached statement for the same text when it
  // is not in use: a date's queries and inserts are compiled once per run,
  // not once per date.
  Result<Statement> Prepare(std::string_view sql);

  Status InsertRows(const TableSchema& table, const std::vector<Row>& rows) override;
  Status ReplaceDates(const TableSchema& table, const std::vector<Date>& dates,
                      const std::vector<Row>& rows,
                      const std::vector<ExtraRow>& also = {}) override;
  Status ReplaceDateDelta(const TableSchema& table, Date date, const std::vector<Row>& rows,
                          const DateDelta& delta, const std::vector<ExtraRow>& also = {}) override;
  Status ReplaceByKey(const TableSchema& table, const std::string& key_column,
                      const std::vector<Row>& rows) override;
  Result<std::vector<Row>> SelectRows(const TableSchema& table, std::optional<Date> start,
                                      std::optional<Date> end, const std::vector<int>& columns = {},
                                      Order order = Order::kKey) override;
  Status ScanCells(const TableSchema& table, Date start, Date end,
                   const CellVisitor& visit) override;
  Result<int64_t> CountRows(const TableSchema& table) override;
  Result<std::map<Date, int64_t>> CountRowsPerDate(const TableSchema& table, Date start,
                                                   Date end) override;
  Status UpsertRows(const TableSchema& table, const std::vector<Row>& rows) override;
  Status DeleteExactRows(const TableSchema& table, const std::vector<Row>& rows) override;
  Result<std::vector<Date>> DistinctDates(const TableSchema& table, Date start, Date end) override;
  Result<bool> HasRowsOn(const TableSchema& table, Date date) override;
  Result<std::vector<Row>> OutboxMessages(const TableSchema& outbox, bool all) override;
  Result<bool> OutboxHasMessage(const TableSchema& outbox, int64_t message_id) override;
  Status AckOutboxMessage(const TableSchema& outbox, int64_t message_id,
                          const std::string& acked_at) override;
  Result<bool> WaitForOutboxNotice(int timeout_ms) override;
  Result<std::optional<std::string>> LatestRunStatus(std::string_view processor,
                                                     Date date) override;

 private:
  SqliteWarehouse(std::string dir, sqlite3* db);
  // Rows per multi-row INSERT (InsertRowsInTransaction).
  static constexpr size_t kRowsPerInsert = 16;

  // Transactions. Begin is deferred: the write lock is taken by the first
  // write, and only on the files written, so jobs writing different dataset
  // files do not wait for each other.
  Status Begin();
  Status Commit();
  void Rollback();
  // Inserts rows inside the open transaction; fails on any key conflict.
  Status InsertRowsInTransaction(const TableSchema& table, const std::vector<Row>& rows);
  // Inserts or replaces (by primary key) one row inside the open transaction.
  Status UpsertRowInTransaction(const TableSchema& table, const Row& row);
  // The extra rows of a replacement, inside its transaction.
  Status WriteExtrasInTransaction(const std::vector<ExtraRow>& also);
  // SELECT of `columns` (`*` when empty) of the rows within [start, end],
  // bound and ready to step, sorted as `order` says (unsorted when null).
  Result<Statement> PrepareSelect(const TableSchema& table, std::optional<Date> start,
                                  std::optional<Date> end, const std::vector<int>& columns,
                                  std::optional<Order> order);

  sqlite3* db_ = nullptr;
  std::unique_ptr<StatementCache> cache_;
};

// <dir>/<dataset>.db: the file of one dataset of a SQLite warehouse.
std::string DatasetFile(const std::string& dir, const std::string& dataset);
// SQL literal type of a column (INTEGER, REAL or TEXT).
const char* SqlType(ColumnType type);
// CREATE TABLE statement for a schema.
std::string CreateTableSql(const TableSchema& table);

}  // namespace phase4
