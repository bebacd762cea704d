// PostgresWarehouse: the Warehouse interface on a PostgreSQL server
// (doc/postgres.md), through libpq.
//
// Each dataset is a schema, each table keeps its SQLite name, columns,
// primary key and checks. Writes replace a (table, date) in one transaction
// with the rows sent by COPY; the completion message of a live run is
// inserted in the same transaction and announced by NOTIFY on commit.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "warehouse/warehouse.h"

struct pg_conn;
struct pg_result;

namespace phase4 {

class PostgresWarehouse final : public Warehouse {
 public:
  // `uri`: a libpq connection URI (postgresql://user@host:port/dbname?...).
  // The password, if any, comes from PGPASSWORD or ~/.pgpass as libpq
  // reads them, or from the URI (never shown: location() is redacted).
  static Result<std::unique_ptr<PostgresWarehouse>> Open(const std::string& uri, bool create);
  ~PostgresWarehouse() override;

  // The NOTIFY channel of completion messages.
  static constexpr const char* kOutboxChannel = "phase4_outbox";
  // The hidden column that keeps the order rows were stored in (SQLite's
  // rowid): decision 36 breaks ties between duplicates by it.
  static constexpr const char* kStoredOrderColumn = "phase4_row_order";

  std::string_view backend() const override { return "postgresql"; }
  std::filesystem::path LockDirectory() const override;
  Result<std::unique_ptr<Warehouse>> Connect() const override;
  Result<std::unique_ptr<WorkQueue>> OpenWorkQueue() const override;
  Status Init() override;

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

  // SQL on this connection, for tests that inspect or change the server.
  Status Exec(const std::string& sql);
  // The first column of the first row of a query ("" when none or NULL).
  Result<std::string> QueryText(const std::string& sql);

 private:
  // The work queue runs its statements and its fenced commits on a
  // connection of this class (postgres_work_queue.h).
  friend class PostgresWorkQueue;
  class Result_;  // a PGresult owner
  PostgresWarehouse(std::string uri, pg_conn* conn);
  // A new connection to the same server, as this class.
  Result<std::unique_ptr<PostgresWarehouse>> ConnectSame() const;
  // The rows of a query, each cell as text (nullopt for NULL).
  using TextRows = std::vector<std::vector<std::optional<std::string>>>;
  Result<TextRows> QueryRows(const std::string& sql,
                             const std::vector<std::optional<std::string>>& params);

  // Runs `sql` with text parameters; fails unless the result has the
  // expected status (rows or command).
  // `binary`: results in binary format (numbers as 8 bytes, no text to
  // print on the server and parse here; the reads of whole tables).
  Result<std::shared_ptr<Result_>> Run(const std::string& sql,
                                       const std::vector<std::optional<std::string>>& params,
                                       bool expect_rows, bool binary = false);
  // The cells of row `row` of a binary result of `columns` of `t`.
  Status ReadRow(const Result_& r, int row, const TableSchema& t, const std::vector<int>& columns,
                 std::vector<Cell>& cells) const;
  // Runs a SELECT of `columns` of `t` (BinarySelectList) as rows of the
  // table's width, the other cells NULL.
  Result<std::vector<Row>> ReadRows(const std::string& sql,
                                    const std::vector<std::optional<std::string>>& params,
                                    const TableSchema& t, const std::vector<int>& columns);
  Status Begin();
  Status Commit();
  void Rollback();
  // Inserts or replaces (by primary key) one row inside the open transaction.
  Status UpsertRowInTransaction(const TableSchema& table, const Row& row);
  // Inside the open transaction: replaces the rows of `table` (when set) on
  // `dates` with `rows` and writes `also` (announcing a completion message).
  Status ReplaceInTransaction(const TableSchema* table, const std::vector<Date>& dates,
                              const std::vector<Row>& rows, const std::vector<ExtraRow>& also);
  // Writes rows inside the open transaction: COPY, or an INSERT per row for
  // a table whose id the server assigns (the outbox).
  Status WriteRows(const TableSchema& table, const std::vector<Row>& rows);
  Status InsertEach(const TableSchema& table, const std::vector<Row>& rows);
  // A failure of the server or the connection, naming the warehouse.
  Status Failure(const std::string& what) const;
  // The error of a failed result, classified by its SQLSTATE (a failure of
  // the server or the connection is a storage failure, exit 74).
  Status ErrorOf(pg_result* r) const;

  std::string uri_;  // as given, password included: only for new connections
  pg_conn* conn_ = nullptr;
  bool listening_ = false;
  bool in_transaction_ = false;
};

// CREATE TABLE statement of a schema for PostgreSQL.
std::string PostgresCreateTableSql(const TableSchema& table);
// A text[] literal of `items` (`{"a","b\"c"}`), for one array parameter.
std::string PostgresArrayLiteral(const std::vector<std::string>& items);

}  // namespace phase4
