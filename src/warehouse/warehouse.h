// Warehouse: the storage interface of the engine.
//
// Every read and write of the warehouse goes through this class, in the
// domain's terms (replace a date's rows, scan a season's cells, count, the
// outbox, the run history). Two backends implement it, each in its own
// files: SqliteWarehouse (a directory of SQLite files, the default) and
// PostgresWarehouse (a `postgresql://` URI). No SQL text and no backend type
// leaves src/warehouse/.
//
// Guarantees (doc/warehouse.md, doc/postgres.md): primary keys refuse a
// second row for the same key; every write below is all-or-nothing; each
// dataset records its schema version, an older one is migrated and a newer
// one refused.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/date_delta.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4 {

class WorkQueue;

// 2: the unit ledger, Phase 3 change tracking and the warehouse id
// (doc/ledger.md). 3: on PostgreSQL, the work queue of `phase4 worker`
// (doc/scale-out.md); nothing changes on SQLite. Only changes of the
// engine's own tables count: a newly registered processor's output table is
// created by the next open without a bump (doc/warehouse.md, item 6).
inline constexpr int kSchemaVersion = 3;

// One cell of a scanned row, without a copy: `text` is valid only during
// the visit. The kind is the stored one (a STRICT column's type).
struct Cell {
  enum class Kind { kNull, kInt, kReal, kText };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  double r = 0;
  std::string_view text;
};

class Warehouse {
 public:
  // Opens the warehouse at `location`: a `postgresql://` or `postgres://`
  // URI (libpq's connection URI) opens PostgreSQL, anything else is a
  // directory of SQLite files. With `create`, what is missing is created;
  // without it, a warehouse never initialised is an error naming
  // `phase4 init`.
  static Result<std::unique_ptr<Warehouse>> Open(const std::string& location, bool create);
  virtual ~Warehouse() = default;

  // Where the warehouse is, for messages and printed commands: the
  // directory, or the URI with any password replaced by `***`.
  const std::string& location() const { return location_; }
  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;
  // Where this machine's runs keep their job locks (decision 17) for this
  // warehouse: `<dir>/locks` beside SQLite files; for a server, which has
  // no directory, a folder of the temp directory named by the URI.
  virtual std::filesystem::path LockDirectory() const = 0;
  // A new connection to the same warehouse (no init), for another thread.
  virtual Result<std::unique_ptr<Warehouse>> Connect() const = 0;
  // The work queue of `phase4 worker` on a connection of its own
  // (work_queue.h); a warehouse that cannot hand out claims to several
  // machines (SQLite) refuses with the reason.
  virtual Result<std::unique_ptr<WorkQueue>> OpenWorkQueue() const = 0;

  // Creates datasets and tables that do not exist yet, migrates an older
  // schema version and refuses a newer one. Idempotent; Open calls it.
  virtual Status Init() = 0;

  // Inserts rows in one transaction; any primary-key conflict refuses all.
  virtual Status InsertRows(const TableSchema& table, const std::vector<Row>& rows) = 0;

  // A row for another table, written in the same transaction as a
  // replacement (the completion message of a date's rows). It must live in
  // the same dataset as the replaced table.
  struct ExtraRow {
    const TableSchema* table;
    Row row;
    // Replace the row with the same primary key, if any (a ledger unit),
    // instead of inserting a new one.
    bool replace = false;
  };
  // Replaces every row of the table whose date column equals `date` with
  // `rows`, and inserts `also`, in one transaction (decisions 12, 23).
  Status ReplaceDate(const TableSchema& table, Date date, const std::vector<Row>& rows,
                     const std::vector<ExtraRow>& also = {}) {
    return ReplaceDates(table, {date}, rows, also);
  }
  // Replaces the rows of the given dates with `rows`, in one transaction.
  virtual Status ReplaceDates(const TableSchema& table, const std::vector<Date>& dates,
                              const std::vector<Row>& rows,
                              const std::vector<ExtraRow>& also = {}) = 0;
  // ReplaceDate given what is stored (date_delta.h): only the rows not
  // delta.kept are written, each replacing the stored row of its key, the
  // delta.gone rows are deleted, and `also` is inserted, in one transaction.
  // The date then holds `rows`, as after ReplaceDate, when the delta was
  // taken from the date's stored rows under the job's lock.
  virtual Status ReplaceDateDelta(const TableSchema& table, Date date,
                                  const std::vector<Row>& rows, const DateDelta& delta,
                                  const std::vector<ExtraRow>& also = {}) = 0;
  // Replaces the rows whose `key_column` equals that of one of `rows` with
  // `rows`, in one transaction (a schedule merge: one row per game id).
  virtual Status ReplaceByKey(const TableSchema& table, const std::string& key_column,
                              const std::vector<Row>& rows) = 0;

  // The order rows are read in: by the date column and the primary key, or
  // by the date column and then the order they were stored in (decision 36
  // breaks ties between duplicates by stored order).
  enum class Order { kKey, kStored };
  // All rows (optionally within [start, end] on the date column). With
  // `columns` (indexes into the schema), only those cells are read; the
  // others are NULL.
  virtual Result<std::vector<Row>> SelectRows(const TableSchema& table, std::optional<Date> start,
                                              std::optional<Date> end,
                                              const std::vector<int>& columns = {},
                                              Order order = Order::kKey) = 0;
  // Hands each row within [start, end] on the date column to `visit` as its
  // cells (every column, in schema order), each date's rows in stored order:
  // for readers that take only some cells as Values.
  using CellVisitor = std::function<void(std::span<const Cell>)>;
  virtual Status ScanCells(const TableSchema& table, Date start, Date end,
                           const CellVisitor& visit) = 0;
  virtual Result<int64_t> CountRows(const TableSchema& table) = 0;
  // Rows per value of the date column within [start, end] (dates without
  // rows absent).
  virtual Result<std::map<Date, int64_t>> CountRowsPerDate(const TableSchema& table, Date start,
                                                           Date end) = 0;
  // Inserts or replaces (by primary key) each row, in one transaction.
  virtual Status UpsertRows(const TableSchema& table, const std::vector<Row>& rows) = 0;
  // Deletes the rows equal in every column to one of `rows` (a row changed
  // since it was read stays), in one transaction.
  virtual Status DeleteExactRows(const TableSchema& table, const std::vector<Row>& rows) = 0;

  // The id this warehouse was given when first opened (32 hex digits, in
  // nba_reference.warehouse_info): checkpoint files name it.
  Result<std::string> Id();
  // Distinct values of the date column within [start, end], ascending.
  virtual Result<std::vector<Date>> DistinctDates(const TableSchema& table, Date start,
                                                  Date end) = 0;
  // Whether the table holds a row on `date` (its date column).
  virtual Result<bool> HasRowsOn(const TableSchema& table, Date date) = 0;

  // Outbox (decision 23). Messages of one outbox by message id, the
  // unacknowledged ones only unless `all`.
  virtual Result<std::vector<Row>> OutboxMessages(const TableSchema& outbox, bool all) = 0;
  virtual Result<bool> OutboxHasMessage(const TableSchema& outbox, int64_t message_id) = 0;
  // Sets acked_at of a message not acknowledged yet (acknowledging twice is
  // harmless).
  virtual Status AckOutboxMessage(const TableSchema& outbox, int64_t message_id,
                                  const std::string& acked_at) = 0;
  // Waits up to `timeout_ms` for a completion message to be announced
  // (PostgreSQL: NOTIFY on commit). True when one was announced; false on
  // timeout. A backend without notifications waits the whole timeout.
  virtual Result<bool> WaitForOutboxNotice(int timeout_ms) = 0;

  // Run history: the status of the latest run of `processor` for `date`.
  virtual Result<std::optional<std::string>> LatestRunStatus(std::string_view processor,
                                                             Date date) = 0;

  // Hook for tests: the next write of rows fails with this message after
  // `after_rows` rows were sent (proves all-or-nothing).
  void InjectWriteFailureForTest(int64_t after_rows, std::string message) {
    injected_failure_ = std::make_pair(after_rows, std::move(message));
  }

 protected:
  explicit Warehouse(std::string location) : location_(std::move(location)) {}
  std::string location_;
  std::optional<std::pair<int64_t, std::string>> injected_failure_;
};

// Whether `location` names a PostgreSQL warehouse (postgresql:// or
// postgres://).
bool IsPostgresUri(std::string_view location);
// The location with the password of a URI (user:PASSWORD@ or
// password=PASSWORD) replaced by `***`; other locations unchanged.
std::string RedactLocation(std::string_view location);
// The password written inside a URI, or nullopt.
std::optional<std::string> PasswordInUri(std::string_view location);

// Resolves the warehouse location: `flag` if given, else $PHASE4_WAREHOUSE,
// else ./warehouse.
std::string ResolveWarehouseDir(const std::string& flag);

}  // namespace phase4
