// `phase4 check`: SQLite's own consistency check of every dataset file of a
// warehouse and its schema version, on connections of its own without
// phase4's schema set-up (so a file Warehouse::Open would refuse is reported
// too): a damaged file is reported instead of trusted (doc/warehouse.md,
// "Checking a warehouse").
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "env/env.h"

namespace phase4 {

struct DatasetFileCheck {
  std::string dataset;          // e.g. nba_precompute
  std::string file;             // <dir>/<dataset>.db
  int64_t schema_version = -1;  // PRAGMA user_version; -1 when unreadable
  bool missing = false;         // no such file (also a problem)
  // What is wrong, in SQLite's words (at most kMaxProblems lines); empty
  // when the file is sound.
  std::vector<std::string> problems;
  // Sound because its bytes are the ones sealed (file_seal.h): not scanned.
  bool unchanged_since_sealed = false;
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

// RequireSoundWarehouse's check started on threads of its own (one per
// file), so that a run's reading start (opening, the calendar, the plan, the
// first season) overlaps it; the run waits for a file's verdict before it
// writes to that file, and for all of them before its jobs start
// (doc/warehouse.md, "Checking a warehouse"). A file whose bytes match the
// warehouse's seal (file_seal.h) is sound without a scan; Seal() renews the
// seal when the run is over. The destructor waits.
class SoundnessCheck {
 public:
  // Construct it before the warehouse is opened: whether SQLite keeps a
  // journal beside a file is looked at here, before the run's own
  // connections make one.
  explicit SoundnessCheck(std::string dir, Env* env = Env::Default());
  ~SoundnessCheck();
  SoundnessCheck(const SoundnessCheck&) = delete;
  SoundnessCheck& operator=(const SoundnessCheck&) = delete;

  // The verdict on the files of `datasets`, as RequireSoundWarehouse words it.
  Status Wait(const std::vector<std::string>& datasets);
  // The verdict on every file.
  Status WaitAll();
  // How each file was judged, in the order of AllDatasets (waits for all).
  std::vector<DatasetFileCheck> Checks();

  // Seals every dataset file as it is now, when every verdict was sound:
  // call it once the run's warehouse is closed, and only when the run
  // ended without a storage failure (its writes went through SQLite's
  // transactions). A file with a journal beside it (another connection has
  // it open) is left out of the seal, so the next run scans it.
  Status Seal();

 private:
  struct File;
  std::string dir_;
  Env* env_;
  std::vector<std::unique_ptr<File>> files_;
};

}  // namespace phase4
