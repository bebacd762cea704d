// `phase4 check`: SQLite's own consistency check of every dataset file of a
// warehouse and its schema version, on connections of its own without
// phase4's schema set-up (so a file Warehouse::Open would refuse is reported
// too): a damaged file is reported instead of trusted (doc/warehouse.md,
// "Checking a warehouse").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace phase4 {

struct DatasetFileCheck {
  std::string dataset;          // e.g. nba_precompute
  std::string file;             // <dir>/<dataset>.db
  int64_t schema_version = -1;  // PRAGMA user_version; -1 when unreadable
  bool missing = false;         // no such file (also a problem)
  // What is wrong, in SQLite's words (at most kMaxProblems lines); empty
  // when the file is sound.
  std::vector<std::string> problems;
};

// Lines of problems kept per file.
inline constexpr size_t kMaxIntegrityProblems = 10;

// Checks every dataset file of the warehouse at `dir`: PRAGMA quick_check
// when `quick` (O(N), skips index/table agreement), else integrity_check,
// and the schema version (newer than this phase4 knows is a problem; older
// is migrated by `init`). Creates no file and changes no data.
std::vector<DatasetFileCheck> CheckWarehouseFiles(const std::string& dir, bool quick);

// OK when every file present passes quick_check; else Storage naming the
// first damaged file and its first problem, for the commands that refuse a
// damaged warehouse (run-all, report). Missing files are left to
// Warehouse::Open, which names `phase4 init`. OK for a PostgreSQL URI (the
// server checks its own pages).
Status RequireSoundWarehouse(const std::string& dir);

}  // namespace phase4
