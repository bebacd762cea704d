// The soundness seal (doc/warehouse.md, "The seal"): the size and XXH3-128
// digest of each dataset file as phase4 last left it sound, that is, passed
// by PRAGMA quick_check, or written since only through SQLite's transactions
// by a run that began with sound files. A file whose bytes still match its
// seal is as sound as when it was sealed and is not scanned again; any other
// change to it (another tool's UPDATE, a torn copy, flipped bytes) changes
// its digest, and it is scanned. Hashing a file costs a seventh of scanning
// it, which is most of a re-run after a small correction (doc/benchmarks.md).
//
// The seal is kept in <warehouse>/soundness-seal (format in
// doc/warehouse.md). It is only ever a shortcut: a seal that is missing, torn
// or not one this phase4 writes is ignored, and every file is scanned.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "common/status.h"
#include "env/env.h"

namespace phase4 {

// A file's size and the XXH3-128 digest of its bytes (32 hex digits).
struct FileDigest {
  uint64_t size = 0;
  std::string xxh128;
  bool operator==(const FileDigest&) const = default;
};

// The digest of the file at `path`, read once from start to end.
Result<FileDigest> DigestFile(Env& env, const std::filesystem::path& path);

// True when SQLite keeps a journal beside `db_file` (`-wal` or `-journal`):
// then the file's bytes are not the whole database, and the file is neither
// trusted by its seal nor sealed.
bool HasJournal(Env& env, const std::filesystem::path& db_file);

// Dataset name (e.g. nba_precompute) -> the digest of <dataset>.db.
using Seal = std::map<std::string, FileDigest>;

// <dir>/soundness-seal
std::filesystem::path SealPath(const std::filesystem::path& dir);

// The seal of the warehouse at `dir`; empty when there is none, or when the
// file is not exactly in the format WriteSeal writes.
Seal ReadSeal(Env& env, const std::filesystem::path& dir);

// Replaces the seal atomically; an empty seal removes the file.
Status WriteSeal(Env& env, const std::filesystem::path& dir, const Seal& seal);

}  // namespace phase4
