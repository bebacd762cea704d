#include "warehouse/integrity.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <optional>

#include "warehouse/file_seal.h"
#include "warehouse/schema.h"
#include "warehouse/sqlite_warehouse.h"
#include "warehouse/warehouse.h"

namespace phase4 {

namespace {

DatasetFileCheck CheckFile(const std::string& dir, const std::string& dataset, bool quick) {
  DatasetFileCheck c;
  c.dataset = dataset;
  c.file = DatasetFile(dir, dataset);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(c.file, ec)) {
    c.missing = !std::filesystem::exists(c.file, ec);
    c.problems.push_back(c.missing ? "missing (run `phase4 init`)" : "not a regular file");
    return c;
  }
  sqlite3* db = nullptr;
  // Never created, and only read (read-write so that a WAL left by a crash
  // is read as a writer would; SQLite falls back to read-only by itself).
  int rc =
      sqlite3_open_v2(c.file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto fail = [&](const std::string& what) {
    c.problems.push_back(what);
    sqlite3_close(db);
    return c;
  };
  if (rc != SQLITE_OK) return fail(std::string("cannot open: ") + sqlite3_errmsg(db));
  sqlite3_busy_timeout(db, 60'000);
  auto query = [&](const std::string& sql, std::vector<std::string>* rows) {
    sqlite3_stmt* st = nullptr;
    int prc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    if (prc != SQLITE_OK) {
      rows->push_back(sqlite3_errmsg(db));
      sqlite3_finalize(st);
      return false;
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(st, 0);
      rows->push_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    bool ok = src == SQLITE_DONE;
    if (!ok) rows->push_back(sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return ok;
  };
  std::vector<std::string> version;
  if (!query("PRAGMA user_version", &version) || version.empty())
    return fail(version.empty() ? "cannot read the schema version" : version.back());
  c.schema_version = std::stoll(version[0]);
  if (c.schema_version > kSchemaVersion)
    c.problems.push_back(fmt::format("schema version {} is newer than this phase4 knows ({})",
                                     c.schema_version, kSchemaVersion));
  std::vector<std::string> rows;
  bool ran = query(fmt::format("PRAGMA {}({})", quick ? "quick_check" : "integrity_check",
                               kMaxIntegrityProblems),
                   &rows);
  // A row may hold several lines, the first naming the schema ("*** in
  // database main ***"): one problem per line, without that header.
  if (!ran || rows.size() != 1 || rows[0] != "ok")
    for (const auto& r : rows) {
      size_t begin = 0;
      while (begin <= r.size()) {
        size_t end = std::min(r.find('\n', begin), r.size());
        std::string line = r.substr(begin, end - begin);
        begin = end + 1;
        if (line.empty() || line == "ok" || line.rfind("*** in database", 0) == 0) continue;
        if (c.problems.size() < kMaxIntegrityProblems) c.problems.push_back(line);
      }
    }
  sqlite3_close(db);
  return c;
}

}  // namespace

std::vector<DatasetFileCheck> CheckWarehouseFiles(const std::string& dir, bool quick) {
  // One connection and thread per file: the check is a full scan of each
  // file, and the two large ones (precompute, predictions) then overlap
  // (doc/benchmarks.md, [6]: a run-all's check before a re-run).
  std::vector<std::future<DatasetFileCheck>> checks;
  for (const auto& ds : AllDatasets())
    checks.push_back(std::async(std::launch::async, CheckFile, dir, ds, quick));
  std::vector<DatasetFileCheck> out;
  for (auto& c : checks) out.push_back(c.get());
  return out;
}

namespace {

Status Verdict(const DatasetFileCheck& c) {
  if (c.problems.empty() || c.missing) return Status::OK();
  return Status::Storage(fmt::format(
      "{}: damaged ({}); refusing to use the warehouse (`phase4 check` lists every problem)",
      c.file, c.problems.front()));
}

}  // namespace

Status RequireSoundWarehouse(const std::string& dir) { return SoundnessCheck(dir).WaitAll(); }

namespace {

// The quick check of one file, unless its bytes are the ones `sealed`.
DatasetFileCheck CheckUnlessSealed(const std::string& dir, const std::string& dataset,
                                   std::optional<FileDigest> sealed, Env* env) {
  const std::string file = DatasetFile(dir, dataset);
  if (sealed) {
    auto now = DigestFile(*env, file);
    if (now.ok() && *now == *sealed) {
      DatasetFileCheck c;
      c.dataset = dataset;
      c.file = file;
      c.unchanged_since_sealed = true;
      return c;
    }
  }
  return CheckFile(dir, dataset, /*quick=*/true);
}

}  // namespace

struct SoundnessCheck::File {
  std::string dataset;
  std::future<DatasetFileCheck> check;
  std::optional<DatasetFileCheck> checked;  // once waited for
};

SoundnessCheck::SoundnessCheck(std::string dir, Env* env) : dir_(std::move(dir)), env_(env) {
  // A PostgreSQL server guards its own pages: there are no files to check.
  if (IsPostgresUri(dir_)) return;
  const phase4::Seal seal = ReadSeal(*env_, dir_);
  for (const auto& ds : AllDatasets()) {
    auto f = std::make_unique<File>();
    f->dataset = ds;
    std::optional<FileDigest> sealed;
    auto it = seal.find(ds);
    // With a journal beside it the file's bytes are not the whole database.
    if (it != seal.end() && !HasJournal(*env_, DatasetFile(dir_, ds))) sealed = it->second;
    f->check = std::async(std::launch::async, CheckUnlessSealed, dir_, ds, sealed, env_);
    files_.push_back(std::move(f));
  }
}

SoundnessCheck::~SoundnessCheck() {
  for (auto& f : files_)
    if (f->check.valid()) f->check.wait();
}

Status SoundnessCheck::Wait(const std::vector<std::string>& datasets) {
  // In the order of AllDatasets, so the first damaged file named is the one
  // RequireSoundWarehouse always named.
  for (auto& f : files_) {
    if (std::find(datasets.begin(), datasets.end(), f->dataset) == datasets.end()) continue;
    if (!f->checked) f->checked = f->check.get();
    if (Status verdict = Verdict(*f->checked); !verdict.ok()) return verdict;
  }
  return Status::OK();
}

Status SoundnessCheck::WaitAll() { return Wait(AllDatasets()); }

std::vector<DatasetFileCheck> SoundnessCheck::Checks() {
  std::vector<DatasetFileCheck> out;
  for (auto& f : files_) {
    if (!f->checked) f->checked = f->check.get();
    out.push_back(*f->checked);
  }
  return out;
}

Status SoundnessCheck::Seal() {
  if (files_.empty()) return Status::OK();
  if (Status s = WaitAll(); !s.ok()) return s.WithContext("not sealed");
  // One thread per file, as the check: the two large files overlap.
  std::vector<std::future<std::optional<Result<FileDigest>>>> digests;
  for (const auto& f : files_) {
    const std::filesystem::path file = DatasetFile(dir_, f->dataset);
    digests.push_back(std::async(std::launch::async, [this, file]() {
      std::optional<Result<FileDigest>> out;
      if (env_->Exists(file) && !HasJournal(*env_, file)) out = DigestFile(*env_, file);
      return out;
    }));
  }
  phase4::Seal seal;
  for (size_t i = 0; i < files_.size(); ++i) {
    auto digest = digests[i].get();
    if (!digest) continue;
    if (!digest->ok()) return digest->status();
    seal[files_[i]->dataset] = **digest;
  }
  return WriteSeal(*env_, dir_, seal);
}

}  // namespace phase4
