#include "warehouse/sqlite_warehouse.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>

#include "warehouse/replace_check.h"
#include "warehouse/work_queue.h"

namespace phase4 {

namespace fs = std::filesystem;

namespace {

// The dataset files a failed statement concerns: those its SQL names
// (`dataset.table`), else those with a write transaction open (COMMIT),
// else every attached file. SQLite's message never says which file.
std::string FilesOf(sqlite3* db, std::string_view sql) {
  // ATTACH names the file itself, not yet attached: 'path' is its first literal.
  if (sql.rfind("ATTACH", 0) == 0) {
    size_t a = sql.find('\''), b = a == std::string_view::npos ? a : sql.find('\'', a + 1);
    if (b != std::string_view::npos) return std::string(sql.substr(a + 1, b - a - 1));
  }
  std::vector<std::string> named, writing, all;
  for (const std::string& ds : AllDatasets()) {
    const char* file = sqlite3_db_filename(db, ds.c_str());
    if (!file || !*file) continue;
    all.push_back(file);
    if (sql.find(ds + ".") != std::string_view::npos) named.push_back(file);
    if (sqlite3_txn_state(db, ds.c_str()) == SQLITE_TXN_WRITE) writing.push_back(file);
  }
  const auto& files = !named.empty() ? named : !writing.empty() ? writing : all;
  return fmt::format("{}", fmt::join(files, ", "));
}

// The name of a primary result code that says the storage itself failed,
// or nullptr: no date's data is at fault, and the next date would fail the
// same way (doc/backfill.md, exit status 74).
const char* StorageFailureName(int primary) {
  switch (primary) {
    case SQLITE_FULL:
      return "SQLITE_FULL";
    case SQLITE_IOERR:
      return "SQLITE_IOERR";
    case SQLITE_READONLY:
      return "SQLITE_READONLY";
    case SQLITE_CORRUPT:
      return "SQLITE_CORRUPT";
    case SQLITE_NOTADB:
      return "SQLITE_NOTADB";
    case SQLITE_CANTOPEN:
      return "SQLITE_CANTOPEN";
    default:
      return nullptr;
  }
}

// `files`: the dataset files the failed statement concerns (FilesOf).
Status SqliteFailure(int rc, const std::string& message, const std::string& files) {
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return Status::Busy("warehouse is busy: " + message);
  if (const char* name = StorageFailureName(primary))
    return Status::Storage(fmt::format("{}: {} ({})", files, message, name));
  return Status::IoError(message);
}

}  // namespace

// ---------------------------------------------------------- StatementCache

// Compiled statements by SQL text. Compiling a statement against seven
// attached files with wide tables costs more than running it on one date,
// so the per-date statements are kept. A statement is lent to one user at a
// time; a second user of the same text gets a fresh, owned statement.
class StatementCache {
 public:
  // Beyond this many texts new statements are not kept (a bound for callers
  // that build SQL with literals in it).
  static constexpr size_t kCapacity = 128;

  ~StatementCache() {
    for (auto& [sql, e] : entries_) sqlite3_finalize(e.stmt);
  }
  // The idle cached statement for `sql`, marked in use; nullptr if none.
  sqlite3_stmt* Borrow(const std::string& sql) {
    auto it = entries_.find(sql);
    if (it == entries_.end() || it->second.in_use) return nullptr;
    it->second.in_use = true;
    return it->second.stmt;
  }
  // Keeps a newly compiled statement (lent at once); false when full.
  bool Keep(const std::string& sql, sqlite3_stmt* stmt) {
    if (entries_.size() >= kCapacity || entries_.count(sql)) return false;
    entries_.emplace(sql, Entry{stmt, true});
    by_stmt_[stmt] = sql;
    return true;
  }
  void Return(sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    entries_[by_stmt_[stmt]].in_use = false;
  }

 private:
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  std::map<std::string, Entry, std::less<>> entries_;
  std::map<sqlite3_stmt*, std::string> by_stmt_;
};

// ---------------------------------------------------------------- Statement

Statement::Statement(Statement&& o) noexcept
    : db_(o.db_), stmt_(o.stmt_), cache_(o.cache_), status_(o.status_) {
  o.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    this->~Statement();
    db_ = o.db_;
    stmt_ = o.stmt_;
    cache_ = o.cache_;
    status_ = o.status_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (!stmt_) return;
  if (cache_)
    cache_->Return(stmt_);
  else
    sqlite3_finalize(stmt_);
  stmt_ = nullptr;
}

void Statement::Bind(int index, const Value& v) {
  if (auto p = std::get_if<int64_t>(&v)) {
    sqlite3_bind_int64(stmt_, index, *p);
  } else if (auto p = std::get_if<double>(&v)) {
    sqlite3_bind_double(stmt_, index, *p);
  } else if (auto p = std::get_if<std::string>(&v)) {
    // STATIC: callers keep the value alive until the statement is stepped
    // (Bind, then Step, then Reset), which saves a copy per cell.
    sqlite3_bind_text(stmt_, index, p->data(), static_cast<int>(p->size()), SQLITE_STATIC);
  } else {
    sqlite3_bind_null(stmt_, index);
  }
}

void Statement::BindText(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
void Statement::BindInt(int index, int64_t v) { sqlite3_bind_int64(stmt_, index, v); }
void Statement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    const char* sql = sqlite3_sql(stmt_);
    status_ = SqliteFailure(rc, sqlite3_errmsg(db_), FilesOf(db_, sql ? sql : ""));
  }
  return false;
}

void Statement::Reset() {
  ResetKeepingBindings();
  sqlite3_clear_bindings(stmt_);
}

void Statement::ResetKeepingBindings() {
  sqlite3_reset(stmt_);
  status_ = Status::OK();
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

Statement::Kind Statement::ColumnKind(int i) const {
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_INTEGER:
      return Kind::kInt;
    case SQLITE_FLOAT:
      return Kind::kReal;
    case SQLITE_NULL:
      return Kind::kNull;
    default:
      return Kind::kText;
  }
}

std::string_view Statement::ColumnTextView(int i) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
           : std::string_view();
}

Value Statement::ColumnValue(int i) const {
  switch (ColumnKind(i)) {
    case Kind::kInt:
      return ColumnInt(i);
    case Kind::kReal:
      return ColumnReal(i);
    case Kind::kNull:
      return std::monostate{};
    case Kind::kText:
      break;
  }
  return ColumnText(i);
}

bool Statement::ColumnIsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
int64_t Statement::ColumnInt(int i) const { return sqlite3_column_int64(stmt_, i); }
double Statement::ColumnReal(int i) const { return sqlite3_column_double(stmt_, i); }
std::string Statement::ColumnText(int i) const { return std::string(ColumnTextView(i)); }
std::optional<int64_t> Statement::ColumnOptInt(int i) const {
  if (ColumnIsNull(i)) return std::nullopt;
  return ColumnInt(i);
}
std::optional<double> Statement::ColumnOptReal(int i) const {
  if (ColumnIsNull(i)) return std::nullopt;
  return ColumnReal(i);
}

// ---------------------------------------------------------------- DDL

const char* SqlType(ColumnType type) {
  switch (type) {
    case ColumnType::kInt:
    case ColumnType::kBool:
      return "INTEGER";
    case ColumnType::kReal:
      return "REAL";
    default:
      return "TEXT";
  }
}

std::string CreateTableSql(const TableSchema& t) {
  std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (\n", t.FullName());
  for (const auto& c : t.columns) {
    sql += fmt::format("  {} {}{}", c.name, SqlType(c.type), c.not_null ? " NOT NULL" : "");
    if (c.type == ColumnType::kBool) sql += fmt::format(" CHECK ({} IN (0, 1))", c.name);
    if (c.type == ColumnType::kDate)
      sql += fmt::format(" CHECK ({} IS NULL OR date({}) = {})", c.name, c.name, c.name);
    sql += ",\n";
  }
  sql += "  PRIMARY KEY (";
  for (size_t i = 0; i < t.primary_key.size(); ++i) sql += (i ? ", " : "") + t.primary_key[i];
  sql += ")\n) STRICT";
  if (t.clustered) sql += ", WITHOUT ROWID";
  return sql;
}

// ---------------------------------------------------------------- Warehouse

namespace {

constexpr int kBusyTimeoutMs = 60'000;
constexpr int kPageSize = 16384;

// A multi-row INSERT into a table with CHECK constraints keeps a statement
// journal (the pages it changes, to undo the statement alone). SQLite spills
// one to a temp file beyond 64 KiB, which cost more system time than the
// multi-row INSERT saved; kept in memory it costs a page copy. Set at program
// start, before SQLite initializes (sqlite3_config refuses later; the journal
// then merely spills as before).
[[maybe_unused]] const bool kStatementJournalsInMemory =
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1) == SQLITE_OK;

// Waits for a locked database file in 1 ms steps up to kBusyTimeoutMs.
// SQLite's own busy timeout backs off to 100 ms sleeps, which wastes most
// of the time when two jobs take turns writing short transactions.
int WaitWhileBusy(void*, int attempt) {
  if (attempt >= kBusyTimeoutMs) return 0;  // give up: SQLITE_BUSY
  sqlite3_sleep(1);
  return 1;
}

std::string QuoteLiteral(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string DatasetFile(const std::string& dir, const std::string& dataset) {
  return (fs::path(dir) / (dataset + ".db")).string();
}

Result<std::unique_ptr<SqliteWarehouse>> SqliteWarehouse::Open(const std::string& dir,
                                                               bool create) {
  std::error_code ec;
  if (create) {
    fs::create_directories(dir, ec);
    if (ec)
      return Status::IoError(
          fmt::format("cannot create warehouse directory {}: {}", dir, ec.message()));
  } else if (!fs::exists(DatasetFile(dir, "nba_analytics"), ec)) {
    return Status::NotFound(
        fmt::format("no warehouse at {} (run `phase4 --warehouse {} init` first)", dir, dir));
  }
  sqlite3* db = nullptr;
  // NOMUTEX: a Warehouse (one connection) is used by one thread at a time.
  int rc = sqlite3_open_v2(
      ":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    return Status::IoError("cannot open SQLite");
  }
  sqlite3_busy_handler(db, WaitWhileBusy, nullptr);
  std::unique_ptr<SqliteWarehouse> wh(new SqliteWarehouse(dir, db));
  for (const auto& ds : AllDatasets()) {
    std::string file = DatasetFile(dir, ds);
    const bool is_new = !fs::exists(file, ec);
    if (!create && is_new)
      return Status::NotFound(fmt::format("warehouse {} lacks {} (run `phase4 init`)", dir, file));
    Status attached = wh->Exec(fmt::format("ATTACH DATABASE {} AS {}", QuoteLiteral(file), ds));
    if (!attached.ok())  // a storage error names the file already
      return attached.code() == Status::Code::kStorage
                 ? attached
                 : attached.WithContext(fmt::format("cannot open {}", file));
    // A new file gets 16 KiB pages: rows here are wide (up to ~1.4 KB), and
    // larger pages mean fewer page splits and WAL frames per date written.
    // Except the run history's file: it takes two small rows per date and
    // job, each commit writing a few whole pages, so small pages there write
    // less. The size is fixed when the first table is created, so existing
    // files keep theirs (doc/warehouse.md).
    if (is_new)
      PHASE4_RETURN_IF_ERROR(
          wh->Exec(fmt::format("PRAGMA {}.page_size={}", ds,
                               ds == ProcessorRunHistorySchema().dataset ? 4096 : kPageSize)));
    // WAL lets readers run beside one writer per file; NORMAL sync is safe
    // against process crashes (a power loss may lose the last commit, never
    // corrupt the file).
    PHASE4_RETURN_IF_ERROR(wh->Exec(fmt::format("PRAGMA {}.journal_mode=WAL", ds)));
    PHASE4_RETURN_IF_ERROR(wh->Exec(fmt::format("PRAGMA {}.synchronous=NORMAL", ds)));
    // 4 MiB of page cache per file and connection: a run-all holds about a
    // dozen connections, season loads scan (a cache does not help them) and
    // a writer's cache is dropped whenever another connection writes the
    // file. 32 MiB cost about 50 MiB more RSS and was no faster
    // (doc/benchmarks.md, fourth pass).
    PHASE4_RETURN_IF_ERROR(wh->Exec(fmt::format("PRAGMA {}.cache_size=-4096", ds)));
  }
  // Init creates what is missing, migrates an older schema and refuses a
  // newer one; it is cheap when everything is current.
  PHASE4_RETURN_IF_ERROR(wh->Init());
  return wh;
}

SqliteWarehouse::SqliteWarehouse(std::string dir, sqlite3* db)
    : Warehouse(std::move(dir)), db_(db), cache_(std::make_unique<StatementCache>()) {}

SqliteWarehouse::~SqliteWarehouse() {
  cache_.reset();  // finalizes the cached statements before the close
  if (db_) sqlite3_close_v2(db_);
}

Status SqliteWarehouse::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return SqliteFailure(rc, msg, FilesOf(db_, sql));
  }
  return Status::OK();
}

Result<Statement> SqliteWarehouse::Prepare(std::string_view sql) {
  std::string text(sql);
  if (sqlite3_stmt* cached = cache_->Borrow(text)) return Statement(db_, cached, cache_.get());
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, text.data(), static_cast<int>(text.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    // Compiling reads the schema: a damaged file fails here.
    Status failed = SqliteFailure(rc, sqlite3_errmsg(db_), FilesOf(db_, sql));
    if (failed.code() == Status::Code::kStorage) return failed;
    return Status::IoError(fmt::format("SQL error: {} in: {}", sqlite3_errmsg(db_), sql));
  }
  if (cache_->Keep(text, stmt)) return Statement(db_, stmt, cache_.get());
  return Statement(db_, stmt);
}

Status SqliteWarehouse::Begin() { return Exec("BEGIN"); }
Status SqliteWarehouse::Commit() {
  // A failed COMMIT (the WAL write of a full disk) may end the transaction
  // before its files can be asked: they are noted first.
  const std::string files = FilesOf(db_, "");
  int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::OK();
  return SqliteFailure(rc, sqlite3_errmsg(db_), files);
}
void SqliteWarehouse::Rollback() {
  if (!sqlite3_get_autocommit(db_)) (void)Exec("ROLLBACK");
}

Status SqliteWarehouse::Init() {
  bool current = true;
  int64_t oldest = kSchemaVersion;
  for (const auto& ds : AllDatasets()) {
    PHASE4_ASSIGN_OR_RETURN(Statement st, Prepare(fmt::format("PRAGMA {}.user_version", ds)));
    int64_t version = st.Step() ? st.ColumnInt(0) : 0;
    if (version > kSchemaVersion)
      return Status::FailedPrecondition(fmt::format(
          "warehouse {}: dataset {} has schema version {} but this phase4 knows only {}; "
          "upgrade phase4",
          location_, ds, version, kSchemaVersion));
    current = current && version == kSchemaVersion;
    oldest = std::min(oldest, version);
  }
  if (current) {
    // The version counts changes of the engine's own tables; a processor
    // registered since the last init only adds its output table, created
    // below (doc/warehouse.md, item 6 "Schema versions"). A file whose
    // tables cannot be listed is left as it is, for the command to report.
    std::string sql;
    for (const auto& ds : AllDatasets())
      sql += fmt::format("{}SELECT '{}.' || name FROM {}.sqlite_master WHERE type = 'table'",
                         sql.empty() ? "" : " UNION ALL ", ds, ds);
    auto st = Prepare(sql);
    if (!st.ok()) return Status::OK();
    std::set<std::string, std::less<>> have;
    while (st->Step()) have.insert(st->ColumnText(0));
    if (!st->status().ok()) return Status::OK();
    if (std::all_of(AllTables().begin(), AllTables().end(),
                    [&](const TableSchema* t) { return have.count(t->FullName()) > 0; }))
      return Status::OK();
  }
  PHASE4_RETURN_IF_ERROR(Begin());
  auto fail = [&](Status s) {
    Rollback();
    return s;
  };
  for (const TableSchema* t : AllTables()) {
    Status s = Exec(CreateTableSql(*t));
    if (!s.ok()) return fail(s.WithContext("creating " + t->FullName()));
    // Migration: a table created by an older release gains the columns added
    // since (new columns are always nullable).
    auto info = Prepare(fmt::format("PRAGMA {}.table_info({})", t->dataset, t->name));
    if (!info.ok()) return fail(info.status());
    std::set<std::string> existing;
    while (info->Step()) existing.insert(info->ColumnText(1));
    for (const auto& c : t->columns) {
      if (existing.count(c.name)) continue;
      s = Exec(
          fmt::format("ALTER TABLE {} ADD COLUMN {} {}", t->FullName(), c.name, SqlType(c.type)));
      if (!s.ok()) return fail(s.WithContext("migrating " + t->FullName()));
    }
    if (!t->date_column.empty() && t->primary_key.front() != t->date_column) {
      s = Exec(fmt::format("CREATE INDEX IF NOT EXISTS {}.{}_by_date ON {}({})", t->dataset,
                           t->name, t->name, t->date_column));
      if (!s.ok()) return fail(s);
    }
  }
  // Version 2: Phase 3 change tracking (doc/ledger.md, "Fingerprints").
  // Each tracked table marks every date a write touches in its file's
  // phase3_changes, whoever the writer is (phase4 import, or another tool's
  // UPDATE), the mark's version growing with each write; the dates already
  // there are marked once, so that their first digests get taken.
  for (const TableSchema* t : Phase3ChangeTrackedTables()) {
    for (const auto& [event, refs] : std::vector<std::pair<const char*, std::vector<const char*>>>{
             {"INSERT", {"NEW"}}, {"UPDATE", {"OLD", "NEW"}}, {"DELETE", {"OLD"}}}) {
      std::string body;
      for (const char* ref : refs)
        body += fmt::format(
            "INSERT INTO phase3_changes VALUES ('{}', {}.{}, 1) ON CONFLICT (table_name, "
            "game_date) DO UPDATE SET version = version + 1; ",
            t->name, ref, t->date_column);
      Status s = Exec(fmt::format(
          "CREATE TRIGGER IF NOT EXISTS {}.{}_{}_marks_changes AFTER {} ON {} BEGIN {}END",
          t->dataset, t->name, event, event, t->name, body));
      if (!s.ok()) return fail(s.WithContext("creating the change triggers of " + t->FullName()));
    }
    // Only when the tracking starts: a later migration must not make the
    // next plan digest every date again.
    if (oldest >= 2) continue;
    Status s =
        Exec(fmt::format("INSERT OR IGNORE INTO {}.phase3_changes SELECT DISTINCT '{}', {}, 1 "
                         "FROM {}",
                         t->dataset, t->name, t->date_column, t->FullName()));
    if (!s.ok()) return fail(s);
  }
  for (const auto& ds : AllDatasets()) {
    Status s = Exec(fmt::format("PRAGMA {}.user_version = {}", ds, kSchemaVersion));
    if (!s.ok()) return fail(s);
  }
  return Commit();
}

Result<std::unique_ptr<WorkQueue>> SqliteWarehouse::OpenWorkQueue() const {
  return Status::FailedPrecondition(fmt::format(
      "{} is a SQLite warehouse: `phase4 worker` and `run-all --workers` need a PostgreSQL "
      "warehouse (--warehouse postgresql://...) that every worker's machine reaches; on one "
      "machine, `run-all` without --workers is already the fastest way",
      location_));
}

Result<std::unique_ptr<Warehouse>> SqliteWarehouse::Connect() const {
  PHASE4_ASSIGN_OR_RETURN(auto wh, Open(location_, /*create=*/false));
  return std::unique_ptr<Warehouse>(std::move(wh));
}

Status SqliteWarehouse::InsertRows(const TableSchema& t, const std::vector<Row>& rows) {
  PHASE4_RETURN_IF_ERROR(Begin());
  Status s = InsertRowsInTransaction(t, rows);
  if (s.ok()) s = Commit();
  if (!s.ok()) Rollback();
  return s;
}

Status SqliteWarehouse::InsertRowsInTransaction(const TableSchema& t,
                                                const std::vector<Row>& rows) {
  if (rows.empty()) return Status::OK();
  // Rows go in kRowsPerInsert at a time, one multi-row INSERT each: SQLite's
  // cost per statement execution (start, halt, reset) is then paid once per
  // batch instead of once per row. The rest go one by one.
  const size_t width = t.columns.size();
  auto insert_sql = [&](size_t n) {
    std::string sql = fmt::format("INSERT INTO {} (", t.FullName());
    for (size_t i = 0; i < width; ++i) sql += (i ? ", " : "") + t.columns[i].name;
    sql += ") VALUES ";
    std::string row = "(";
    for (size_t i = 0; i < width; ++i) row += i ? ", ?" : "?";
    row += ')';
    for (size_t r = 0; r < n; ++r) {
      if (r) sql += ", ";
      sql += row;
    }
    return sql;
  };
  // A test's injected failure counts single rows.
  const size_t batch = injected_failure_ ? 1 : kRowsPerInsert;
  std::optional<Statement> many, one;  // prepared on first use
  for (size_t r = 0; r < rows.size();) {
    if (injected_failure_ && static_cast<int64_t>(r) == injected_failure_->first) {
      std::string msg = injected_failure_->second;
      injected_failure_.reset();
      return Status::IoError(msg);
    }
    const size_t n = rows.size() - r >= batch ? batch : 1;
    std::optional<Statement>& st = n > 1 ? many : one;
    if (!st) {
      PHASE4_ASSIGN_OR_RETURN(Statement prepared, Prepare(insert_sql(n)));
      st.emplace(std::move(prepared));
    }
    for (size_t k = 0; k < n; ++k) {
      const Row& row = rows[r + k];
      const size_t first = k * width;
      for (size_t i = 0; i < row.size() && i < width; ++i)
        st->Bind(static_cast<int>(first + i + 1), row[i]);
      for (size_t i = row.size(); i < width; ++i) st->BindNull(static_cast<int>(first + i + 1));
    }
    st->Step();
    if (!st->status().ok()) return st->status().WithContext("writing " + t.FullName());
    st->ResetKeepingBindings();  // every cell is bound again; the cache clears them at the end
    r += n;
  }
  return Status::OK();
}

Status SqliteWarehouse::ReplaceDates(const TableSchema& t, const std::vector<Date>& dates,
                                     const std::vector<Row>& rows,
                                     const std::vector<ExtraRow>& also) {
  PHASE4_RETURN_IF_ERROR(CheckReplacement(t, also));
  PHASE4_RETURN_IF_ERROR(Begin());
  auto del = Prepare(fmt::format("DELETE FROM {} WHERE {} = ?", t.FullName(), t.date_column));
  if (!del.ok()) {
    Rollback();
    return del.status();
  }
  for (Date d : dates) {
    del->BindText(1, FormatDate(d));
    del->Step();
    if (!del->status().ok()) {
      Status s = del->status();
      Rollback();
      return s.WithContext("replacing " + t.FullName());
    }
    del->Reset();
  }
  Status s = InsertRowsInTransaction(t, rows);
  if (s.ok()) s = WriteExtrasInTransaction(also);
  if (!s.ok()) {
    Rollback();
    return s;
  }
  s = Commit();
  if (!s.ok()) Rollback();
  return s;
}

Status SqliteWarehouse::ReplaceDateDelta(const TableSchema& t, Date date,
                                         const std::vector<Row>& rows, const DateDelta& delta,
                                         const std::vector<ExtraRow>& also) {
  PHASE4_RETURN_IF_ERROR(CheckDeltaReplacement(t, rows, delta, also));
  std::string sql = fmt::format("DELETE FROM {} WHERE {} = ?", t.FullName(), t.date_column);
  for (const auto& k : t.primary_key) sql += fmt::format(" AND {} IS ?", k);
  PHASE4_RETURN_IF_ERROR(Begin());
  auto fail = [&](const Status& s) {
    Rollback();
    return s.WithContext("replacing " + t.FullName());
  };
  auto del = Prepare(sql);
  if (!del.ok()) return fail(del.status());
  for (const Row& gone : delta.gone) {
    del->BindText(1, FormatDate(date));
    for (size_t k = 0; k < t.primary_key.size(); ++k)
      del->Bind(static_cast<int>(k + 2),
                gone[static_cast<size_t>(t.ColumnIndex(t.primary_key[k]))]);
    del->Step();
    if (!del->status().ok()) return fail(del->status());
    del->Reset();
  }
  Status s;
  for (size_t i = 0; s.ok() && i < rows.size(); ++i)
    if (!delta.kept[i]) s = UpsertRowInTransaction(t, rows[i]);
  if (s.ok()) s = WriteExtrasInTransaction(also);
  if (s.ok()) s = Commit();
  if (!s.ok()) return fail(s);
  return Status::OK();
}

Status SqliteWarehouse::WriteExtrasInTransaction(const std::vector<ExtraRow>& also) {
  Status s;
  for (size_t i = 0; s.ok() && i < also.size(); ++i)
    s = also[i].replace ? UpsertRowInTransaction(*also[i].table, also[i].row)
                        : InsertRowsInTransaction(*also[i].table, {also[i].row});
  return s;
}

Status SqliteWarehouse::UpsertRowInTransaction(const TableSchema& t, const Row& row) {
  std::string sql = fmt::format("INSERT OR REPLACE INTO {} (", t.FullName());
  for (size_t i = 0; i < t.columns.size(); ++i) sql += (i ? ", " : "") + t.columns[i].name;
  sql += ") VALUES (";
  for (size_t i = 0; i < t.columns.size(); ++i) sql += i ? ", ?" : "?";
  sql += ')';
  PHASE4_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (i < row.size())
      st.Bind(static_cast<int>(i + 1), row[i]);
    else
      st.BindNull(static_cast<int>(i + 1));
  st.Step();
  return st.status().WithContext("writing " + t.FullName());
}

Status SqliteWarehouse::UpsertRows(const TableSchema& t, const std::vector<Row>& rows) {
  PHASE4_RETURN_IF_ERROR(Begin());
  Status s;
  for (size_t i = 0; s.ok() && i < rows.size(); ++i) s = UpsertRowInTransaction(t, rows[i]);
  if (s.ok()) s = Commit();
  if (!s.ok()) Rollback();
  return s;
}

Status SqliteWarehouse::DeleteExactRows(const TableSchema& t, const std::vector<Row>& rows) {
  std::string sql = fmt::format("DELETE FROM {} WHERE ", t.FullName());
  for (size_t i = 0; i < t.columns.size(); ++i)
    sql += fmt::format("{}{} IS ?", i ? " AND " : "", t.columns[i].name);
  PHASE4_RETURN_IF_ERROR(Begin());
  auto fail = [&](Status s) {
    Rollback();
    return s.WithContext("deleting rows of " + t.FullName());
  };
  auto del = Prepare(sql);
  if (!del.ok()) return fail(del.status());
  for (const Row& row : rows) {
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (i < row.size())
        del->Bind(static_cast<int>(i + 1), row[i]);
      else
        del->BindNull(static_cast<int>(i + 1));
    del->Step();
    if (!del->status().ok()) return fail(del->status());
    del->Reset();
  }
  Status s = Commit();
  if (!s.ok()) return fail(s);
  return Status::OK();
}

Result<std::map<Date, int64_t>> SqliteWarehouse::CountRowsPerDate(const TableSchema& t, Date start,
                                                                  Date end) {
  PHASE4_ASSIGN_OR_RETURN(
      Statement st, Prepare(fmt::format("SELECT {0}, COUNT(*) FROM {1} WHERE {0} BETWEEN ? AND ? "
                                        "GROUP BY {0}",
                                        t.date_column, t.FullName())));
  const std::string from = FormatDate(start), to = FormatDate(end);
  st.BindText(1, from);
  st.BindText(2, to);
  std::map<Date, int64_t> out;
  while (st.Step())
    if (auto d = ParseDate(st.ColumnTextView(0))) out[*d] = st.ColumnInt(1);
  PHASE4_RETURN_IF_ERROR(st.status());
  return out;
}

Status SqliteWarehouse::ReplaceByKey(const TableSchema& t, const std::string& key_column,
                                     const std::vector<Row>& rows) {
  const int key = t.ColumnIndex(key_column);
  if (key < 0)
    return Status::InvalidInput(fmt::format("no column {} in {}", key_column, t.FullName()));
  PHASE4_RETURN_IF_ERROR(Begin());
  auto fail = [&](Status s) {
    Rollback();
    return s.WithContext("replacing rows of " + t.FullName());
  };
  auto del = Prepare(fmt::format("DELETE FROM {} WHERE {} = ?", t.FullName(), key_column));
  if (!del.ok()) return fail(del.status());
  for (const Row& r : rows) {
    del->Bind(1, r[static_cast<size_t>(key)]);
    del->Step();
    if (!del->status().ok()) return fail(del->status());
    del->Reset();
  }
  Status s = InsertRowsInTransaction(t, rows);
  if (s.ok()) s = Commit();
  if (!s.ok()) return fail(s);
  return Status::OK();
}

Result<std::vector<Row>> SqliteWarehouse::SelectRows(const TableSchema& t,
                                                     std::optional<Date> start,
                                                     std::optional<Date> end,
                                                     const std::vector<int>& columns, Order order) {
  PHASE4_ASSIGN_OR_RETURN(Statement st, PrepareSelect(t, start, end, columns, order));
  std::vector<Row> rows;
  int n = st.ColumnCount();
  while (st.Step()) {
    if (columns.empty()) {
      Row r(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) r[static_cast<size_t>(i)] = st.ColumnValue(i);
      rows.push_back(std::move(r));
    } else {
      Row r(t.columns.size());
      for (int i = 0; i < n; ++i)
        r[static_cast<size_t>(columns[static_cast<size_t>(i)])] = st.ColumnValue(i);
      rows.push_back(std::move(r));
    }
  }
  if (!st.status().ok()) return st.status();
  return rows;
}

Result<Statement> SqliteWarehouse::PrepareSelect(const TableSchema& t, std::optional<Date> start,
                                                 std::optional<Date> end,
                                                 const std::vector<int>& columns,
                                                 std::optional<Order> order) {
  std::string list;
  for (int c : columns) {
    if (c < 0 || static_cast<size_t>(c) >= t.columns.size())
      return Status::InvalidInput(fmt::format("no column {} in {}", c, t.FullName()));
    list += (list.empty() ? "" : ", ") + t.columns[static_cast<size_t>(c)].name;
  }
  std::string sql = fmt::format("SELECT {} FROM {}", list.empty() ? "*" : list, t.FullName());
  bool ranged = !t.date_column.empty() && (start || end);
  if (ranged) {
    sql += fmt::format(" WHERE {} >= ? AND {} <= ?", t.date_column, t.date_column);
  }
  std::vector<std::string> by;
  if (order && !t.date_column.empty()) by.push_back(t.date_column);
  // A clustered table has no rowid: its stored order is its key's.
  if (order == Order::kStored && t.clustered) order = Order::kKey;
  if (order == Order::kStored) by.push_back("rowid");
  for (const auto& k : t.primary_key)
    if (order == Order::kKey && k != t.date_column) by.push_back(k);
  for (size_t i = 0; i < by.size(); ++i) sql += (i ? ", " : " ORDER BY ") + by[i];
  PHASE4_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
  if (ranged) {
    st.BindText(1, start ? FormatDate(*start) : std::string("0000-01-01"));
    st.BindText(2, end ? FormatDate(*end) : std::string("9999-12-31"));
  }
  return st;
}

Status SqliteWarehouse::ScanCells(const TableSchema& t, Date start, Date end,
                                  const CellVisitor& visit) {
  // Every column named, in schema order (a `*` would follow the file's own
  // column order). Unsorted: the date index already yields each date's rows
  // in rowid order, and a sort would cost the season load time.
  std::vector<int> all(t.columns.size());
  std::iota(all.begin(), all.end(), 0);
  PHASE4_ASSIGN_OR_RETURN(Statement st, PrepareSelect(t, start, end, all, std::nullopt));
  std::vector<Cell> cells(t.columns.size());
  const int width = static_cast<int>(cells.size());
  while (st.Step()) {
    for (int c = 0; c < width; ++c) {
      Cell& cell = cells[static_cast<size_t>(c)];
      switch (st.ColumnKind(c)) {
        case Statement::Kind::kNull:
          cell.kind = Cell::Kind::kNull;
          break;
        case Statement::Kind::kInt:
          cell.kind = Cell::Kind::kInt;
          cell.i = st.ColumnInt(c);
          break;
        case Statement::Kind::kReal:
          cell.kind = Cell::Kind::kReal;
          cell.r = st.ColumnReal(c);
          break;
        case Statement::Kind::kText:
          cell.kind = Cell::Kind::kText;
          cell.text = st.ColumnTextView(c);
          break;
      }
    }
    visit(cells);
  }
  return st.status();
}

Result<int64_t> SqliteWarehouse::CountRows(const TableSchema& t) {
  PHASE4_ASSIGN_OR_RETURN(Statement st, Prepare("SELECT COUNT(*) FROM " + t.FullName()));
  if (!st.Step()) return st.status().ok() ? Status::IoError("count failed") : st.status();
  return st.ColumnInt(0);
}

Result<std::vector<Date>> SqliteWarehouse::DistinctDates(const TableSchema& t, Date start,
                                                         Date end) {
  PHASE4_ASSIGN_OR_RETURN(
      Statement st,
      Prepare(fmt::format("SELECT DISTINCT {0} FROM {1} WHERE {0} >= ? AND {0} <= ? ORDER BY {0}",
                          t.date_column, t.FullName())));
  st.BindText(1, FormatDate(start));
  st.BindText(2, FormatDate(end));
  std::vector<Date> dates;
  while (st.Step()) {
    auto d = ParseDate(st.ColumnText(0));
    if (!d)
      return Status::Corruption(fmt::format("bad date '{}' in {}", st.ColumnText(0), t.FullName()));
    dates.push_back(*d);
  }
  if (!st.status().ok()) return st.status();
  return dates;
}

Result<bool> SqliteWarehouse::HasRowsOn(const TableSchema& t, Date d) {
  PHASE4_ASSIGN_OR_RETURN(Statement st,
                          Prepare(fmt::format("SELECT EXISTS (SELECT 1 FROM {} WHERE {} = ?)",
                                              t.FullName(), t.date_column)));
  st.BindText(1, FormatDate(d));
  if (!st.Step()) return st.status().ok() ? Status::IoError("EXISTS returned no row") : st.status();
  return st.ColumnInt(0) != 0;
}

Result<std::vector<Row>> SqliteWarehouse::OutboxMessages(const TableSchema& t, bool all) {
  std::string list;
  for (const auto& c : t.columns) list += (list.empty() ? "" : ", ") + c.name;
  PHASE4_ASSIGN_OR_RETURN(Statement st,
                          Prepare(fmt::format("SELECT {} FROM {}{} ORDER BY message_id", list,
                                              t.FullName(), all ? "" : " WHERE acked_at IS NULL")));
  std::vector<Row> rows;
  while (st.Step()) {
    Row r(t.size());
    for (size_t i = 0; i < t.size(); ++i) r[i] = st.ColumnValue(static_cast<int>(i));
    rows.push_back(std::move(r));
  }
  if (!st.status().ok()) return st.status();
  return rows;
}

Result<bool> SqliteWarehouse::OutboxHasMessage(const TableSchema& t, int64_t id) {
  PHASE4_ASSIGN_OR_RETURN(
      Statement st, Prepare(fmt::format("SELECT 1 FROM {} WHERE message_id = ?", t.FullName())));
  st.BindInt(1, id);
  const bool found = st.Step();
  if (!st.status().ok()) return st.status();
  return found;
}

Status SqliteWarehouse::AckOutboxMessage(const TableSchema& t, int64_t id,
                                         const std::string& acked_at) {
  PHASE4_ASSIGN_OR_RETURN(
      Statement st,
      Prepare(fmt::format("UPDATE {} SET acked_at = ? WHERE message_id = ? AND acked_at IS NULL",
                          t.FullName())));
  st.BindText(1, acked_at);
  st.BindInt(2, id);
  st.Step();
  return st.status();
}

Result<bool> SqliteWarehouse::WaitForOutboxNotice(int timeout_ms) {
  // SQLite has no notifications: the caller polls the outbox after the wait.
  sqlite3_sleep(timeout_ms);
  return false;
}

Result<std::optional<std::string>> SqliteWarehouse::LatestRunStatus(std::string_view processor,
                                                                    Date date) {
  // Latest run by start time; within it the final row (row_kind 'final'
  // sorts before 'start' descending).
  PHASE4_ASSIGN_OR_RETURN(Statement st,
                          Prepare("SELECT status FROM nba_reference.processor_run_history "
                                  "WHERE processor_name = ? AND data_date = ? "
                                  "ORDER BY started_at DESC, run_id DESC, row_kind ASC LIMIT 1"));
  st.BindText(1, processor);
  st.BindText(2, FormatDate(date));
  if (st.Step()) return std::optional<std::string>(st.ColumnText(0));
  if (!st.status().ok()) return st.status();
  return std::optional<std::string>();
}

}  // namespace phase4
