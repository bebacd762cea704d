#include "warehouse/postgres_warehouse.h"

#include <endian.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <set>

#include "warehouse/postgres_work_queue.h"
#include "warehouse/replace_check.h"

namespace phase4 {

namespace {

// A table whose primary key is one integer column gets its id from the
// server when a row leaves it NULL, as SQLite's INTEGER PRIMARY KEY does
// (the outbox's message_id).
bool HasServerId(const TableSchema& t) {
  if (t.primary_key.size() != 1) return false;
  const int k = t.ColumnIndex(t.primary_key.front());
  return k >= 0 && t.column(k).type == ColumnType::kInt;
}

const char* PgType(ColumnType type) {
  switch (type) {
    case ColumnType::kInt:
    case ColumnType::kBool:
      return "BIGINT";
    case ColumnType::kReal:
      return "DOUBLE PRECISION";
    case ColumnType::kDate:
      return "DATE";
    default:
      // Byte order, as SQLite compares text: the database's locale would
      // order keys (and so exports) differently.
      return "TEXT COLLATE \"C\"";
  }
}

std::string ColumnList(const TableSchema& t, const std::vector<int>& columns = {}) {
  std::string list;
  if (columns.empty())
    for (const auto& c : t.columns) list += (list.empty() ? "" : ", ") + c.name;
  else
    for (int c : columns) list += (list.empty() ? "" : ", ") + t.column(c).name;
  return list;
}

// The columns to read in binary format: a DATE as its text (binary DATE is
// a day count), everything else as stored.
std::string BinarySelectList(const TableSchema& t, const std::vector<int>& columns) {
  std::string list;
  auto add = [&](const Column& c) {
    list += (list.empty() ? "" : ", ") + c.name + (c.type == ColumnType::kDate ? "::text" : "");
  };
  if (columns.empty())
    for (const auto& c : t.columns) add(c);
  else
    for (int c : columns) add(t.column(c));
  return list;
}

// A cell of a binary result: BIGINT and DOUBLE PRECISION are 8 bytes in
// network order, text is its bytes. False when the size is not a number's.
bool DecodeBinary(Cell::Kind kind, const char* bytes, int length, Cell& cell) {
  cell.kind = kind;
  if (kind == Cell::Kind::kText) {
    cell.text = std::string_view(bytes, static_cast<size_t>(length));
    return true;
  }
  if (length != 8) return false;
  uint64_t bits = 0;
  std::memcpy(&bits, bytes, 8);
  bits = be64toh(bits);
  if (kind == Cell::Kind::kInt)
    cell.i = static_cast<int64_t>(bits);
  else
    std::memcpy(&cell.r, &bits, 8);
  return true;
}

// One cell in COPY's text format.
void AppendCopyCell(std::string& out, const Value& v) {
  if (auto p = std::get_if<int64_t>(&v)) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, *p);
    out.append(buf, r.ptr);
  } else if (auto p = std::get_if<double>(&v)) {
    if (std::isnan(*p)) {
      out += "\\N";  // stored as NULL, as SQLite stores it (warehouse/stored_value.h)
    } else if (std::isinf(*p)) {
      out += *p > 0 ? "Infinity" : "-Infinity";
    } else {
      // Shortest text that reads back as the same double: the server's
      // float8 input is exact, so the stored value is the engine's. A
      // negative zero is stored as zero, as SQLite stores it (an integral
      // REAL goes to disk as an integer): what a downstream job reads back
      // must not depend on the backend.
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, *p == 0 ? 0.0 : *p);
      out.append(buf, r.ptr);
    }
  } else if (auto p = std::get_if<std::string>(&v)) {
    for (char c : *p) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += c;
      }
    }
  } else {
    out += "\\N";
  }
}

// A cell as a text parameter (nullopt for NULL).
std::optional<std::string> ParamOf(const Value& v) {
  if (IsNull(v)) return std::nullopt;
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<double>(&v); p && std::isnan(*p)) return std::nullopt;  // as COPY
  std::string out;
  AppendCopyCell(out, v);  // numbers only: no escaping involved
  return out;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// The stored kind of a column: what SQLite's STRICT table would hand back.
Cell::Kind KindOf(ColumnType type) {
  switch (type) {
    case ColumnType::kInt:
    case ColumnType::kBool:
      return Cell::Kind::kInt;
    case ColumnType::kReal:
      return Cell::Kind::kReal;
    default:
      return Cell::Kind::kText;
  }
}

// SQLSTATE classes where the server or the connection failed rather than
// the statement's data: the next date would fail the same way (exit 74).
bool IsStorageFailure(std::string_view sqlstate) {
  if (sqlstate.empty()) return true;  // no server answer: the connection failed
  const std::string_view cls = sqlstate.substr(0, 2);
  return cls == "08" || cls == "53" || cls == "57" || cls == "58" || cls == "XX" ||
         sqlstate == "42501" || cls == "3D" || cls == "28";
}

}  // namespace

std::string PostgresArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    out += out.size() > 1 ? ",\"" : "\"";
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string PostgresCreateTableSql(const TableSchema& t) {
  std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (\n", t.FullName());
  const bool server_id = HasServerId(t);
  for (const auto& c : t.columns) {
    sql += fmt::format("  {} {}{}", c.name, PgType(c.type), c.not_null ? " NOT NULL" : "");
    if (server_id && c.name == t.primary_key.front()) sql += " GENERATED BY DEFAULT AS IDENTITY";
    if (c.type == ColumnType::kBool) sql += fmt::format(" CHECK ({} IN (0, 1))", c.name);
    sql += ",\n";
  }
  sql += fmt::format("  {} BIGINT GENERATED ALWAYS AS IDENTITY,\n",
                     PostgresWarehouse::kStoredOrderColumn);
  sql += "  PRIMARY KEY (";
  for (size_t i = 0; i < t.primary_key.size(); ++i) sql += (i ? ", " : "") + t.primary_key[i];
  sql += ")\n)";
  return sql;
}

// ------------------------------------------------------------ connection

class PostgresWarehouse::Result_ {
 public:
  explicit Result_(PGresult* r) : r_(r) {}
  ~Result_() { PQclear(r_); }
  Result_(const Result_&) = delete;
  Result_& operator=(const Result_&) = delete;
  PGresult* get() const { return r_; }
  int rows() const { return PQntuples(r_); }
  bool null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string_view text(int row, int col) const {
    return {PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col))};
  }

 private:
  PGresult* r_;
};

namespace {

// Floats as the shortest text that reads back exactly, dates as
// YYYY-MM-DD, and no notices on stderr. No parallel workers per query:
// phase4 already reads a season's tables on one connection each, and
// workers beside those loads only contended for the cores (one live date
// 0.31 s -> 0.23 s, a one-season run-all 4.7 s -> 4.4 s on 2 cores).
// Empty when done, else the server's error.
std::string SetUpSession(PGconn* conn) {
  PGresult* r = PQexec(conn,
                       "SET extra_float_digits = 1; SET DateStyle = 'ISO, YMD'; "
                       "SET client_encoding = 'UTF8'; SET client_min_messages = warning; "
                       "SET TimeZone = 'UTC'; SET max_parallel_workers_per_gather = 0");
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = ok ? "" : PQerrorMessage(conn);
  PQclear(r);
  return msg;
}

// Connects and sets the session up; the error names the warehouse.
Result<pg_conn*> ConnectTo(const std::string& uri) {
  const std::string where = RedactLocation(uri);
  PGconn* conn = PQconnectdb(uri.c_str());
  if (!conn) return Status::Storage(fmt::format("{}: cannot connect: out of memory", where));
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    for (auto& c : msg)
      if (c == '\n' || c == '\t') c = ' ';
    return Status::Storage(fmt::format("{}: cannot connect: {}", where, msg));
  }
  if (std::string msg = SetUpSession(conn); !msg.empty()) {
    PQfinish(conn);
    return Status::Storage(fmt::format("{}: cannot set the session up: {}", where, msg));
  }
  return conn;
}

}  // namespace

Result<std::unique_ptr<PostgresWarehouse>> PostgresWarehouse::Open(const std::string& uri,
                                                                   bool create) {
  PHASE4_ASSIGN_OR_RETURN(pg_conn * conn, ConnectTo(uri));
  std::unique_ptr<PostgresWarehouse> wh(new PostgresWarehouse(uri, conn));
  if (!create) {
    PHASE4_ASSIGN_OR_RETURN(
        std::string found,
        wh->QueryText("SELECT count(*) FROM pg_namespace WHERE nspname = 'nba_analytics'"));
    if (found == "0")
      return Status::NotFound(
          fmt::format("no warehouse at {} (run `phase4 --warehouse {} init` first)", wh->location(),
                      wh->location()));
  }
  PHASE4_RETURN_IF_ERROR(wh->Init());
  return wh;
}

PostgresWarehouse::PostgresWarehouse(std::string uri, pg_conn* conn)
    : Warehouse(RedactLocation(uri)), uri_(std::move(uri)), conn_(conn) {}

PostgresWarehouse::~PostgresWarehouse() {
  if (conn_) PQfinish(conn_);
}

Result<std::unique_ptr<Warehouse>> PostgresWarehouse::Connect() const {
  PHASE4_ASSIGN_OR_RETURN(pg_conn * conn, ConnectTo(uri_));
  return std::unique_ptr<Warehouse>(new PostgresWarehouse(uri_, conn));
}

Result<std::unique_ptr<PostgresWarehouse>> PostgresWarehouse::ConnectSame() const {
  PHASE4_ASSIGN_OR_RETURN(pg_conn * conn, ConnectTo(uri_));
  return std::unique_ptr<PostgresWarehouse>(new PostgresWarehouse(uri_, conn));
}

Status PostgresWarehouse::Failure(const std::string& what) const {
  std::string msg = PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  for (auto& c : msg)
    if (c == '\n' || c == '\t') c = ' ';
  return Status::Storage(fmt::format("{}: {}: {}", location_, what, msg));
}

Status PostgresWarehouse::ErrorOf(PGresult* r) const {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  for (auto& c : msg)
    if (c == '\n' || c == '\t') c = ' ';
  const std::string_view code = state ? state : "";
  if (code.substr(0, 2) == "40")
    return Status::Busy(fmt::format("warehouse is busy: {}: {}", location_, msg));
  if (IsStorageFailure(code)) return Status::Storage(fmt::format("{}: {}", location_, msg));
  return Status::IoError(fmt::format("{}: {}", location_, msg));
}

Result<std::shared_ptr<PostgresWarehouse::Result_>> PostgresWarehouse::Run(
    const std::string& sql, const std::vector<std::optional<std::string>>& params, bool expect_rows,
    bool binary) {
  // A connection lost earlier (a server restart) is tried once more: the
  // statement that met the loss failed and rolled back; later ones may run.
  // Never inside a transaction: its earlier statements are gone with the
  // old connection, and the rest must not commit without them.
  // A new session starts with the server's defaults: set ours up again.
  if (PQstatus(conn_) == CONNECTION_BAD && !in_transaction_) {
    PQreset(conn_);
    if (PQstatus(conn_) == CONNECTION_OK) (void)SetUpSession(conn_);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  auto r = std::make_shared<Result_>(PQexecParams(conn_, sql.c_str(),
                                                  static_cast<int>(params.size()), nullptr,
                                                  values.data(), nullptr, nullptr, binary ? 1 : 0));
  const ExecStatusType want = expect_rows ? PGRES_TUPLES_OK : PGRES_COMMAND_OK;
  if (r->get() && PQresultStatus(r->get()) == want) return r;
  return ErrorOf(r->get());
}

Status PostgresWarehouse::Exec(const std::string& sql) {
  return Run(sql, {}, /*expect_rows=*/false).status();
}

Result<PostgresWarehouse::TextRows> PostgresWarehouse::QueryRows(
    const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  PHASE4_ASSIGN_OR_RETURN(auto r, Run(sql, params, /*expect_rows=*/true));
  TextRows rows(static_cast<size_t>(r->rows()));
  const int columns = PQnfields(r->get());
  for (int i = 0; i < r->rows(); ++i)
    for (int c = 0; c < columns; ++c)
      rows[static_cast<size_t>(i)].push_back(
          r->null(i, c) ? std::nullopt : std::optional<std::string>(std::string(r->text(i, c))));
  return rows;
}

Result<std::string> PostgresWarehouse::QueryText(const std::string& sql) {
  PHASE4_ASSIGN_OR_RETURN(auto r, Run(sql, {}, /*expect_rows=*/true));
  if (r->rows() == 0 || r->null(0, 0)) return std::string();
  return std::string(r->text(0, 0));
}

Status PostgresWarehouse::Begin() {
  PHASE4_RETURN_IF_ERROR(Exec("BEGIN"));
  in_transaction_ = true;
  return Status::OK();
}
Status PostgresWarehouse::Commit() {
  // A COMMIT that fails (the connection lost) leaves nothing committed: the
  // server rolls back a transaction whose client is gone.
  Status s = Exec("COMMIT");
  in_transaction_ = false;
  return s;
}
void PostgresWarehouse::Rollback() {
  in_transaction_ = false;
  if (PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    PGresult* r = PQexec(conn_, "ROLLBACK");
    PQclear(r);
  }
}

// ------------------------------------------------------------ schema

Status PostgresWarehouse::Init() {
  // The schema version of each dataset is the comment on its schema; the
  // tables there are listed too (a processor registered since the last init
  // only adds its output table: doc/warehouse.md, item 6 "Schema versions"). One
  // round trip for all datasets: every command opens the warehouse.
  bool every_table = true;
  auto versions = [&]() -> Result<std::vector<int64_t>> {
    PHASE4_ASSIGN_OR_RETURN(
        auto r, Run("SELECT nspname, obj_description(oid, 'pg_namespace'), NULL FROM pg_namespace "
                    "UNION ALL SELECT schemaname, NULL, tablename FROM pg_tables",
                    {}, true));
    std::set<std::string, std::less<>> have;
    for (int i = 0; i < r->rows(); ++i)
      if (!r->null(i, 2)) have.insert(fmt::format("{}.{}", r->text(i, 0), r->text(i, 2)));
    for (const TableSchema* t : AllTables()) every_table = every_table && have.count(t->FullName());
    std::vector<int64_t> out;
    for (const auto& ds : AllDatasets()) {
      int64_t v = 0;
      for (int i = 0; i < r->rows(); ++i) {
        if (r->null(i, 1) || r->text(i, 0) != ds) continue;
        std::string_view text = r->text(i, 1);
        const std::string_view prefix = "phase4 schema version ";
        if (text.rfind(prefix, 0) == 0) v = ParseInt(text.substr(prefix.size())).value_or(0);
      }
      if (v > kSchemaVersion)
        return Status::FailedPrecondition(fmt::format(
            "warehouse {}: dataset {} has schema version {} but this phase4 knows only {}; "
            "upgrade phase4",
            location_, ds, v, kSchemaVersion));
      out.push_back(v);
    }
    return out;
  };
  PHASE4_ASSIGN_OR_RETURN(auto before, versions());
  bool current = true;
  int64_t oldest = kSchemaVersion;
  for (int64_t v : before) {
    current = current && v == kSchemaVersion;
    oldest = std::min(oldest, v);
  }
  if (current && every_table) return Status::OK();

  // DDL is transactional here: the whole set-up commits or none of it. An
  // advisory lock makes two concurrent inits take turns.
  PHASE4_RETURN_IF_ERROR(Begin());
  auto fail = [&](Status s) {
    Rollback();
    return s;
  };
  auto locked = Run("SELECT pg_advisory_xact_lock(hashtext('phase4 init'))", {}, true);
  if (!locked.ok()) return fail(locked.status());
  Status s;
  for (const auto& ds : AllDatasets()) {
    s = Exec(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", ds));
    if (!s.ok()) return fail(s.WithContext("creating schema " + ds));
  }
  for (const TableSchema* t : AllTables()) {
    s = Exec(PostgresCreateTableSql(*t));
    if (!s.ok()) return fail(s.WithContext("creating " + t->FullName()));
    // Migration: a table created by an older release gains the columns
    // added since (new columns are always nullable).
    auto existing =
        Run("SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND "
            "table_name = $2",
            {t->dataset, t->name}, true);
    if (!existing.ok()) return fail(existing.status());
    std::set<std::string, std::less<>> have;
    for (int i = 0; i < (*existing)->rows(); ++i) have.emplace((*existing)->text(i, 0));
    for (const auto& c : t->columns) {
      if (have.count(c.name)) continue;
      s = Exec(
          fmt::format("ALTER TABLE {} ADD COLUMN {} {}", t->FullName(), c.name, PgType(c.type)));
      if (!s.ok()) return fail(s.WithContext("migrating " + t->FullName()));
    }
    // Reads by date come in stored order (decision 36's tie-break).
    if (!t->date_column.empty()) {
      s = Exec(fmt::format("CREATE INDEX IF NOT EXISTS {}_by_date ON {} ({}, {})", t->name,
                           t->FullName(), t->date_column, kStoredOrderColumn));
      if (!s.ok()) return fail(s);
    }
  }
  // Version 2: Phase 3 change tracking (doc/ledger.md, "Fingerprints"), as
  // on SQLite: every write to a tracked table, whoever makes it, marks its
  // dates in the dataset's phase3_changes (one statement-level trigger per
  // event, reading the statement's transition table: a COPY of a season is
  // one trigger call, not one per row). The function runs with its owner's
  // rights, so a Phase 3 producer needs no right on phase3_changes.
  for (const std::string ds : {"nba_raw", "nba_analytics"}) {
    s = Exec(fmt::format(
        "CREATE OR REPLACE FUNCTION {0}.phase4_mark_changes() RETURNS trigger LANGUAGE plpgsql "
        "SECURITY DEFINER SET search_path = pg_catalog AS $f$ BEGIN "
        "IF TG_OP IN ('INSERT', 'UPDATE') THEN EXECUTE format('INSERT INTO {0}.phase3_changes "
        "SELECT DISTINCT %L, %I, 1 FROM new_rows ON CONFLICT (table_name, game_date) DO UPDATE "
        "SET version = {0}.phase3_changes.version + 1', TG_TABLE_NAME, TG_ARGV[0]); END IF; "
        "IF TG_OP IN ('UPDATE', 'DELETE') THEN EXECUTE format('INSERT INTO {0}.phase3_changes "
        "SELECT DISTINCT %L, %I, 1 FROM old_rows ON CONFLICT (table_name, game_date) DO UPDATE "
        "SET version = {0}.phase3_changes.version + 1', TG_TABLE_NAME, TG_ARGV[0]); END IF; "
        "RETURN NULL; END $f$",
        ds));
    if (!s.ok()) return fail(s.WithContext("creating the change function of " + ds));
  }
  for (const TableSchema* t : Phase3ChangeTrackedTables()) {
    for (const auto& [event, refs] : std::vector<std::pair<const char*, const char*>>{
             {"INSERT", "NEW TABLE AS new_rows"},
             {"UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"},
             {"DELETE", "OLD TABLE AS old_rows"}}) {
      s = Exec(fmt::format(
          "CREATE OR REPLACE TRIGGER {1}_{2}_marks_changes AFTER {2} ON {0}.{1} REFERENCING {3} "
          "FOR EACH STATEMENT EXECUTE FUNCTION {0}.phase4_mark_changes('{4}')",
          t->dataset, t->name, event, refs, t->date_column));
      if (!s.ok()) return fail(s.WithContext("creating the change triggers of " + t->FullName()));
    }
    // Only when the tracking starts: a later migration must not make the
    // next plan digest every date again.
    if (oldest >= 2) continue;
    s =
        Exec(fmt::format("INSERT INTO {0}.phase3_changes SELECT DISTINCT '{1}', {2}, 1 FROM {3} "
                         "ON CONFLICT (table_name, game_date) DO NOTHING",
                         t->dataset, t->name, t->date_column, t->FullName()));
    if (!s.ok()) return fail(s);
  }
  // Version 3: the work queue of phase4 worker (doc/scale-out.md).
  for (const std::string& ddl : WorkQueueDdl()) {
    s = Exec(ddl);
    if (!s.ok()) return fail(s.WithContext("creating the work queue"));
  }
  for (const auto& ds : AllDatasets()) {
    s = Exec(fmt::format("COMMENT ON SCHEMA {} IS 'phase4 schema version {}'", ds, kSchemaVersion));
    if (!s.ok()) return fail(s);
  }
  s = Commit();
  if (!s.ok()) return fail(s);
  return Status::OK();
}

// ------------------------------------------------------------ writes

Status PostgresWarehouse::InsertEach(const TableSchema& t, const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    std::string names, slots;
    std::vector<std::optional<std::string>> params;
    for (size_t i = 0; i < t.size() && i < row.size(); ++i) {
      // A NULL id is left to the server, as SQLite assigns a rowid.
      if (IsNull(row[i]) && HasServerId(t) && t.columns[i].name == t.primary_key.front()) continue;
      names += (names.empty() ? "" : ", ") + t.columns[i].name;
      params.push_back(ParamOf(row[i]));
      slots += fmt::format("{}${}", slots.empty() ? "" : ", ", params.size());
    }
    PHASE4_RETURN_IF_ERROR(
        Run(fmt::format("INSERT INTO {} ({}) VALUES ({})", t.FullName(), names, slots), params,
            false)
            .status()
            .WithContext("writing " + t.FullName()));
  }
  return Status::OK();
}

Status PostgresWarehouse::WriteRows(const TableSchema& t, const std::vector<Row>& rows) {
  if (rows.empty()) return Status::OK();
  if (HasServerId(t)) return InsertEach(t, rows);
  const std::string sql = fmt::format("COPY {} ({}) FROM STDIN", t.FullName(), ColumnList(t));
  PGresult* start = PQexec(conn_, sql.c_str());
  if (PQresultStatus(start) != PGRES_COPY_IN) {
    Status s = ErrorOf(start);
    PQclear(start);
    return s.WithContext("writing " + t.FullName());
  }
  PQclear(start);
  // Ends the COPY; `abort` makes the server refuse what was sent.
  auto finish = [&](const char* abort) {
    Status s;
    if (PQputCopyEnd(conn_, abort) != 1) s = Failure("ending COPY");
    while (PGresult* r = PQgetResult(conn_)) {
      if (s.ok() && !abort && PQresultStatus(r) != PGRES_COMMAND_OK) s = ErrorOf(r);
      PQclear(r);
    }
    return s;
  };
  constexpr size_t kChunk = 1 << 16;
  std::string buf;
  buf.reserve(kChunk + 4096);
  const size_t width = t.size();
  for (size_t r = 0; r < rows.size(); ++r) {
    if (injected_failure_ && static_cast<int64_t>(r) == injected_failure_->first) {
      std::string msg = injected_failure_->second;
      injected_failure_.reset();
      (void)finish("injected failure");
      return Status::IoError(msg);
    }
    const Row& row = rows[r];
    for (size_t i = 0; i < width; ++i) {
      if (i) buf += '\t';
      AppendCopyCell(buf, i < row.size() ? row[i] : Value());
    }
    buf += '\n';
    if (buf.size() >= kChunk || r + 1 == rows.size()) {
      if (PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1) {
        Status s = Failure("sending rows");
        (void)finish("send failed");
        return s.WithContext("writing " + t.FullName());
      }
      buf.clear();
    }
  }
  return finish(nullptr).WithContext("writing " + t.FullName());
}

Status PostgresWarehouse::InsertRows(const TableSchema& t, const std::vector<Row>& rows) {
  PHASE4_RETURN_IF_ERROR(Begin());
  Status s = WriteRows(t, rows);
  if (s.ok()) s = Commit();
  if (!s.ok()) Rollback();
  return s;
}

Status PostgresWarehouse::ReplaceDates(const TableSchema& t, const std::vector<Date>& dates,
                                       const std::vector<Row>& rows,
                                       const std::vector<ExtraRow>& also) {
  PHASE4_RETURN_IF_ERROR(CheckReplacement(t, also));
  PHASE4_RETURN_IF_ERROR(Begin());
  Status s = ReplaceInTransaction(&t, dates, rows, also);
  if (s.ok()) s = Commit();
  if (!s.ok()) Rollback();
  return s;
}

Status PostgresWarehouse::ReplaceDateDelta(const TableSchema& t, Date date,
                                           const std::vector<Row>& rows, const DateDelta& delta,
                                           const std::vector<ExtraRow>& also) {
  PHASE4_RETURN_IF_ERROR(CheckDeltaReplacement(t, rows, delta, also));
  std::string del = fmt::format("DELETE FROM {} WHERE {} = $1", t.FullName(), t.date_column);
  for (size_t k = 0; k < t.primary_key.size(); ++k)
    del += fmt::format(" AND {} IS NOT DISTINCT FROM ${}", t.primary_key[k], k + 2);
  PHASE4_RETURN_IF_ERROR(Begin());
  Status s;
  for (size_t g = 0; s.ok() && g < delta.gone.size(); ++g) {
    std::vector<std::optional<std::string>> params{FormatDate(date)};
    for (const auto& k : t.primary_key)
      params.push_back(ParamOf(delta.gone[g][static_cast<size_t>(t.ColumnIndex(k))]));
    s = Run(del, params, false).status().WithContext("replacing " + t.FullName());
  }
  for (size_t i = 0; s.ok() && i < rows.size(); ++i)
    if (!delta.kept[i]) s = UpsertRowInTransaction(t, rows[i]);
  // The extra rows (and the outbox notice), as a whole replacement writes them.
  if (s.ok()) s = ReplaceInTransaction(&t, {}, {}, also);
  if (s.ok()) s = Commit();
  if (!s.ok()) Rollback();
  return s;
}

Status PostgresWarehouse::ReplaceInTransaction(const TableSchema* t, const std::vector<Date>& dates,
                                               const std::vector<Row>& rows,
                                               const std::vector<ExtraRow>& also) {
  Status s;
  if (t) {
    const std::string del =
        fmt::format("DELETE FROM {} WHERE {} = $1", t->FullName(), t->date_column);
    for (Date d : dates) {
      s = Run(del, {FormatDate(d)}, false).status();
      if (!s.ok()) return s.WithContext("replacing " + t->FullName());
    }
    s = WriteRows(*t, rows);
  }
  bool announce = false;
  for (size_t i = 0; s.ok() && i < also.size();) {
    announce = announce || also[i].table == &PrecomputeOutboxSchema() ||
               also[i].table == &PredictionsOutboxSchema();
    if (also[i].replace) {
      s = UpsertRowInTransaction(*also[i].table, also[i].row);
      ++i;
      continue;
    }
    // Rows for the same table, one after the other, go in one COPY.
    std::vector<Row> batch;
    const TableSchema* into = also[i].table;
    for (; i < also.size() && !also[i].replace && also[i].table == into; ++i)
      batch.push_back(also[i].row);
    s = WriteRows(*into, batch);
  }
  // Delivered to listeners when (and only if) the transaction commits.
  if (s.ok() && announce && t)
    s = Run("SELECT pg_notify($1, $2)", {std::string(kOutboxChannel), t->FullName()}, true)
            .status();
  return s;
}

Status PostgresWarehouse::UpsertRowInTransaction(const TableSchema& t, const Row& row) {
  std::string slots, updates, key;
  std::vector<std::optional<std::string>> params;
  for (size_t i = 0; i < t.size(); ++i) {
    params.push_back(ParamOf(i < row.size() ? row[i] : Value()));
    slots += fmt::format("{}${}", i ? ", " : "", i + 1);
    updates +=
        fmt::format("{}{} = EXCLUDED.{}", i ? ", " : "", t.columns[i].name, t.columns[i].name);
  }
  for (const auto& k : t.primary_key) key += (key.empty() ? "" : ", ") + k;
  return Run(fmt::format("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
                         t.FullName(), ColumnList(t), slots, key, updates),
             params, false)
      .status()
      .WithContext("writing " + t.FullName());
}

Status PostgresWarehouse::UpsertRows(const TableSchema& t, const std::vector<Row>& rows) {
  PHASE4_RETURN_IF_ERROR(Begin());
  Status s;
  for (size_t i = 0; s.ok() && i < rows.size(); ++i) s = UpsertRowInTransaction(t, rows[i]);
  if (s.ok()) s = Commit();
  if (!s.ok()) Rollback();
  return s;
}

Status PostgresWarehouse::DeleteExactRows(const TableSchema& t, const std::vector<Row>& rows) {
  std::string where;
  for (size_t i = 0; i < t.size(); ++i)
    where +=
        fmt::format("{}{} IS NOT DISTINCT FROM ${}", i ? " AND " : "", t.columns[i].name, i + 1);
  const std::string sql = fmt::format("DELETE FROM {} WHERE {}", t.FullName(), where);
  PHASE4_RETURN_IF_ERROR(Begin());
  Status s;
  for (size_t r = 0; s.ok() && r < rows.size(); ++r) {
    std::vector<std::optional<std::string>> params;
    for (size_t i = 0; i < t.size(); ++i)
      params.push_back(ParamOf(i < rows[r].size() ? rows[r][i] : Value()));
    s = Run(sql, params, false).status();
  }
  if (s.ok()) s = Commit();
  if (!s.ok()) Rollback();
  return s.WithContext("deleting rows of " + t.FullName());
}

Result<std::map<Date, int64_t>> PostgresWarehouse::CountRowsPerDate(const TableSchema& t,
                                                                    Date start, Date end) {
  PHASE4_ASSIGN_OR_RETURN(
      auto r, Run(fmt::format("SELECT {0}, count(*) FROM {1} WHERE {0} >= $1 AND {0} <= $2 "
                              "GROUP BY {0}",
                              t.date_column, t.FullName()),
                  {FormatDate(start), FormatDate(end)}, true));
  std::map<Date, int64_t> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto d = ParseDate(std::string(r->text(i, 0)));
    if (!d)
      return Status::Corruption(fmt::format("bad date '{}' in {}", r->text(i, 0), t.FullName()));
    out[*d] = ParseInt(r->text(i, 1)).value_or(0);
  }
  return out;
}

std::filesystem::path PostgresWarehouse::LockDirectory() const {
  // One folder per (password-free) URI; FNV-1a, stable across builds.
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : location()) h = (h ^ c) * 1099511628211ull;
  return std::filesystem::temp_directory_path() / "phase4-locks" / fmt::format("{:016x}", h);
}

Status PostgresWarehouse::ReplaceByKey(const TableSchema& t, const std::string& key_column,
                                       const std::vector<Row>& rows) {
  const int key = t.ColumnIndex(key_column);
  if (key < 0)
    return Status::InvalidInput(fmt::format("no column {} in {}", key_column, t.FullName()));
  PHASE4_RETURN_IF_ERROR(Begin());
  auto fail = [&](Status s) {
    Rollback();
    return s.WithContext("replacing rows of " + t.FullName());
  };
  std::vector<std::string> keys;
  for (const Row& row : rows)
    if (auto text = ParamOf(row[static_cast<size_t>(key)])) keys.push_back(std::move(*text));
  Status s =
      Run(fmt::format("DELETE FROM {} WHERE {}::text = ANY($1::text[])", t.FullName(), key_column),
          {PostgresArrayLiteral(keys)}, false)
          .status();
  if (s.ok()) s = WriteRows(t, rows);
  if (s.ok()) s = Commit();
  if (!s.ok()) return fail(s);
  return Status::OK();
}

// ------------------------------------------------------------ reads

Status PostgresWarehouse::ReadRow(const Result_& r, int row, const TableSchema& t,
                                  const std::vector<int>& columns, std::vector<Cell>& cells) const {
  for (size_t k = 0; k < columns.size(); ++k) {
    const int col = static_cast<int>(k);
    Cell& cell = cells[k];
    if (r.null(row, col)) {
      cell.kind = Cell::Kind::kNull;
      continue;
    }
    const Column& c = t.column(columns[k]);
    if (!DecodeBinary(KindOf(c.type), PQgetvalue(r.get(), row, col), PQgetlength(r.get(), row, col),
                      cell))
      return Status::Corruption(fmt::format("{}: {}.{}: a cell of {} bytes is no number", location_,
                                            t.FullName(), c.name, PQgetlength(r.get(), row, col)));
  }
  return Status::OK();
}

Result<std::vector<Row>> PostgresWarehouse::ReadRows(
    const std::string& sql, const std::vector<std::optional<std::string>>& params,
    const TableSchema& t, const std::vector<int>& columns) {
  PHASE4_ASSIGN_OR_RETURN(auto r, Run(sql, params, true, /*binary=*/true));
  std::vector<Cell> cells(columns.size());
  std::vector<Row> rows;
  rows.reserve(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    PHASE4_RETURN_IF_ERROR(ReadRow(*r, i, t, columns, cells));
    Row row(t.size());
    for (size_t k = 0; k < columns.size(); ++k) {
      Value& v = row[static_cast<size_t>(columns[k])];
      switch (cells[k].kind) {
        case Cell::Kind::kNull:
          break;
        case Cell::Kind::kInt:
          v = cells[k].i;
          break;
        case Cell::Kind::kReal:
          v = cells[k].r;
          break;
        case Cell::Kind::kText:
          v = std::string(cells[k].text);
          break;
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {
std::vector<int> AllColumns(const TableSchema& t) {
  std::vector<int> all(t.size());
  for (size_t i = 0; i < t.size(); ++i) all[i] = static_cast<int>(i);
  return all;
}
}  // namespace

Result<std::vector<Row>> PostgresWarehouse::SelectRows(const TableSchema& t,
                                                       std::optional<Date> start,
                                                       std::optional<Date> end,
                                                       const std::vector<int>& columns,
                                                       Order order) {
  for (int c : columns)
    if (c < 0 || static_cast<size_t>(c) >= t.size())
      return Status::InvalidInput(fmt::format("no column {} in {}", c, t.FullName()));
  std::string sql = fmt::format("SELECT {} FROM {}", BinarySelectList(t, columns), t.FullName());
  std::vector<std::optional<std::string>> params;
  if (!t.date_column.empty() && (start || end)) {
    sql += fmt::format(" WHERE {0} >= $1 AND {0} <= $2", t.date_column);
    params = {start ? FormatDate(*start) : std::string("0001-01-01"),
              end ? FormatDate(*end) : std::string("9999-12-31")};
  }
  std::vector<std::string> by;
  if (!t.date_column.empty()) by.push_back(t.FullName() + "." + t.date_column);
  if (order == Order::kStored) by.push_back(kStoredOrderColumn);
  for (const auto& k : t.primary_key)
    if (order == Order::kKey && k != t.date_column) by.push_back(t.FullName() + "." + k);
  for (size_t i = 0; i < by.size(); ++i) sql += (i ? ", " : " ORDER BY ") + by[i];
  return ReadRows(sql, params, t, columns.empty() ? AllColumns(t) : columns);
}

Status PostgresWarehouse::ScanCells(const TableSchema& t, Date start, Date end,
                                    const CellVisitor& visit) {
  const std::vector<int> all = AllColumns(t);
  PHASE4_ASSIGN_OR_RETURN(
      auto r,
      Run(fmt::format("SELECT {0} FROM {1} WHERE {2} >= $1 AND {2} <= $2 ORDER BY {1}.{2}, {3}",
                      BinarySelectList(t, {}), t.FullName(), t.date_column, kStoredOrderColumn),
          {FormatDate(start), FormatDate(end)}, true, /*binary=*/true));
  std::vector<Cell> cells(t.size());
  for (int i = 0; i < r->rows(); ++i) {
    PHASE4_RETURN_IF_ERROR(ReadRow(*r, i, t, all, cells));
    visit(cells);
  }
  return Status::OK();
}

Result<int64_t> PostgresWarehouse::CountRows(const TableSchema& t) {
  PHASE4_ASSIGN_OR_RETURN(auto r, Run("SELECT count(*) FROM " + t.FullName(), {}, true));
  return ParseInt(r->text(0, 0)).value_or(0);
}

Result<std::vector<Date>> PostgresWarehouse::DistinctDates(const TableSchema& t, Date start,
                                                           Date end) {
  PHASE4_ASSIGN_OR_RETURN(
      auto r, Run(fmt::format("SELECT DISTINCT {0} FROM {1} WHERE {0} >= $1 AND {0} <= $2 "
                              "ORDER BY {0}",
                              t.date_column, t.FullName()),
                  {FormatDate(start), FormatDate(end)}, true));
  std::vector<Date> dates;
  for (int i = 0; i < r->rows(); ++i) {
    auto d = ParseDate(std::string(r->text(i, 0)));
    if (!d)
      return Status::Corruption(fmt::format("bad date '{}' in {}", r->text(i, 0), t.FullName()));
    dates.push_back(*d);
  }
  return dates;
}

Result<bool> PostgresWarehouse::HasRowsOn(const TableSchema& t, Date d) {
  PHASE4_ASSIGN_OR_RETURN(auto r, Run(fmt::format("SELECT EXISTS (SELECT 1 FROM {} WHERE {} = $1)",
                                                  t.FullName(), t.date_column),
                                      {FormatDate(d)}, true));
  return r->text(0, 0) == "t";
}

Result<std::vector<Row>> PostgresWarehouse::OutboxMessages(const TableSchema& t, bool all) {
  return ReadRows(fmt::format("SELECT {} FROM {}{} ORDER BY message_id", BinarySelectList(t, {}),
                              t.FullName(), all ? "" : " WHERE acked_at IS NULL"),
                  {}, t, AllColumns(t));
}

Result<bool> PostgresWarehouse::OutboxHasMessage(const TableSchema& t, int64_t id) {
  PHASE4_ASSIGN_OR_RETURN(auto r,
                          Run(fmt::format("SELECT 1 FROM {} WHERE message_id = $1", t.FullName()),
                              {std::to_string(id)}, true));
  return r->rows() > 0;
}

Status PostgresWarehouse::AckOutboxMessage(const TableSchema& t, int64_t id,
                                           const std::string& acked_at) {
  return Run(fmt::format("UPDATE {} SET acked_at = $1 WHERE message_id = $2 AND acked_at IS NULL",
                         t.FullName()),
             {acked_at, std::to_string(id)}, false)
      .status();
}

Result<bool> PostgresWarehouse::WaitForOutboxNotice(int timeout_ms) {
  if (!listening_) {
    PHASE4_RETURN_IF_ERROR(Exec(fmt::format("LISTEN {}", kOutboxChannel)));
    listening_ = true;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (!PQconsumeInput(conn_)) return Failure("waiting for outbox messages");
    if (PGnotify* n = PQnotifies(conn_)) {
      PQfreemem(n);
      // Several commits may have been announced: take them all at once.
      while (PGnotify* more = PQnotifies(conn_)) PQfreemem(more);
      return true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return false;
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) < 0 && errno != EINTR)
      return Status::IoError(fmt::format("{}: poll: {}", location_, std::strerror(errno)));
  }
}

Result<std::optional<std::string>> PostgresWarehouse::LatestRunStatus(std::string_view processor,
                                                                      Date date) {
  PHASE4_ASSIGN_OR_RETURN(auto r, Run("SELECT status FROM nba_reference.processor_run_history "
                                      "WHERE processor_name = $1 AND data_date = $2 "
                                      "ORDER BY started_at DESC, run_id DESC, row_kind ASC LIMIT 1",
                                      {std::string(processor), FormatDate(date)}, true));
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(r->text(0, 0)));
}

}  // namespace phase4
