// data_hash (zone-processors.md §1.4, decision 13) and input fingerprints.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "processors/common/python_float_repr.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4::processors {

// Renders one cell the way the reference's str() did: NULL, True/False for
// booleans, integers in decimal, reals as PythonFloatRepr, text stripped of
// leading and trailing whitespace.
std::string RenderHashValue(const Column& column, const Value& v);
// The same, appended to `out`.
void AppendHashValue(std::string& out, const Column& column, const Value& v);

// SHA-256 of `data`.
std::array<uint8_t, 32> Sha256(std::string_view data);
// Lowercase hex of the first `bytes` bytes of a digest.
std::string HexPrefix(const std::array<uint8_t, 32>& digest, size_t bytes);

// Column indexes of `fields` in `schema`; aborts on an unknown field (the
// lists are static, so that is a programming error).
std::vector<int> HashFieldIndexes(const TableSchema& schema,
                                  const std::vector<std::string>& fields);

// data_hash of a row: `field:value` for each hash field, sorted, joined by
// `|`, SHA-256, first 16 hex characters.
std::string DataHash(const TableSchema& schema, const Row& row, const std::vector<int>& fields);

// DataHash prepared once for many rows. Field names never contain ':', so
// the sorted order of the `field:value` strings is the order of the
// `field:` prefixes, whatever the values: it is fixed up front.
class DataHasher {
 public:
  DataHasher(const TableSchema& schema, const std::vector<std::string>& fields);
  std::string operator()(const Row& row) const;

 private:
  const TableSchema* schema_;
  std::vector<std::pair<std::string, int>> parts_;  // `field:` and column, sorted
};

// A digest of every cell of an input row, from a binary encoding of the
// cells (used to fingerprint the rows that entered a window:
// source_*_hash). Each cell is a type tag, then the 8 value bytes or the
// text's length and bytes: cheap, and distinct rows encode distinctly.
std::array<uint8_t, 32> RowDigest(const Row& row);

// RowDigest built cell by cell, in column order, by a reader that has the
// cells but keeps only some of them as Values (a season load). The same
// cells give the same digest as RowDigest of their Row.
class RowDigestEncoder {
 public:
  void Null() { buf_.push_back('n'); }
  void Int(int64_t v) { Put('i', &v, sizeof v); }
  void Real(double v) { Put('r', &v, sizeof v); }
  void Text(std::string_view v) {
    const uint32_t n = static_cast<uint32_t>(v.size());
    Put('t', &n, sizeof n);
    buf_.append(v);
  }
  void Add(const Value& v);
  // The digest of the cells added since the last Finish(), which starts a
  // new row.
  std::array<uint8_t, 32> Finish();

 private:
  void Put(char tag, const void* p, size_t n) {
    buf_.push_back(tag);
    buf_.append(static_cast<const char*>(p), n);
  }
  std::string buf_;
};

}  // namespace phase4::processors
