// Helpers for building warehouse rows fast: column slots resolved once per
// schema, and rounding to a column's declared decimals.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4::generate {

// Round half to even on the exact binary value at `decimals` places (what
// printf("%.*f") does), returned as the nearest double.
double RoundToScale(double x, int decimals);

// Column positions of a schema looked up once by name; a name the schema
// lacks is a programming error (aborts with a message).
class ColumnSlots {
 public:
  ColumnSlots(const TableSchema& schema, std::initializer_list<std::string_view> names);
  size_t operator[](size_t i) const { return idx_[i]; }
  size_t width() const { return width_; }
  const TableSchema& schema() const { return *schema_; }
  // Declared decimals of the i-th slot's column (-1 when not NUMERIC).
  int scale(size_t i) const { return scale_[i]; }

 private:
  const TableSchema* schema_;
  std::vector<size_t> idx_;
  std::vector<int> scale_;
  size_t width_;
};

// Writes into a row through a ColumnSlots.
class RowFill {
 public:
  RowFill(const ColumnSlots& slots, Row& row) : s_(slots), row_(row) {
    row_.assign(slots.width(), Value{});
  }
  void Int(size_t slot, int64_t v) { row_[s_[slot]] = v; }
  void OptInt(size_t slot, std::optional<int64_t> v) {
    if (v) row_[s_[slot]] = *v;
  }
  void Bool(size_t slot, bool v) { row_[s_[slot]] = static_cast<int64_t>(v ? 1 : 0); }
  // Rounded to the column's declared decimals.
  void Real(size_t slot, double v) { row_[s_[slot]] = RoundToScale(v, s_.scale(slot)); }
  void OptReal(size_t slot, std::optional<double> v) {
    if (v) Real(slot, *v);
  }
  void Text(size_t slot, std::string v) { row_[s_[slot]] = std::move(v); }
  void Text(size_t slot, std::string_view v) { row_[s_[slot]] = std::string(v); }
  void Text(size_t slot, const char* v) { row_[s_[slot]] = std::string(v); }

 private:
  const ColumnSlots& s_;
  Row& row_;
};

}  // namespace phase4::generate
