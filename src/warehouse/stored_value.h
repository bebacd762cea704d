// What a warehouse hands back for a value written to a column: the storage
// contract every backend meets (SQLite's STRICT tables define it; the
// PostgreSQL backend stores the same way), so a reader holding rows in
// memory (backfill/upstream_rows.h) can tell what a read of the
// warehouse would return without asking it.
#pragma once

#include <optional>

#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4 {

// `v` as stored in a column of `type` and read back: an integer in a REAL
// column reads as a double, a NaN as NULL, a negative zero as zero. Nullopt
// for a conversion not modelled here (a caller then reads the warehouse).
std::optional<Value> StoredValue(ColumnType type, const Value& v);
// The same in place; false for a conversion not modelled.
bool ToStoredValue(ColumnType type, Value& v);
// The order of stored values in a key (NULL, then numbers, then text by
// bytes), as reads ordered by key compare them: -1, 0 or 1.
int CompareStored(const Value& a, const Value& b);

}  // namespace phase4
