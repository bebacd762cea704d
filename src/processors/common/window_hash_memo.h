// A measured speed-up kept apart from the index it serves (doc/benchmarks.md,
// "window-hash cache"): per thread, the source_*_hash fingerprints of the
// recent windows of the last few season tables asked about. An entity's
// window is often the same on consecutive dates (no game in between), and
// each job asks from its own thread, so no lock is needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace phase4::processors {

// Computes the fingerprint (16 hex digits) of window [b, e) of a table.
using WindowHashFn = std::string (*)(const void* table, size_t b, size_t e);

// The fingerprint of window [b, e) of the table `table_id` (unique in the
// process, never reused), from this thread's memory or else from
// `compute(table, b, e)`, then remembered.
std::string RememberedWindowHash(uint64_t table_id, size_t b, size_t e, WindowHashFn compute,
                                 const void* table);

}  // namespace phase4::processors
