// Value and Row: the warehouse's untyped cell and row.
//
// A cell is NULL, an integer (also booleans 0/1), a real, or text (also
// dates `YYYY-MM-DD`, timestamps and JSON). A Row holds one Value per column
// of its TableSchema, in schema order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace phase4 {

using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Value>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }

inline std::optional<int64_t> AsInt(const Value& v) {
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) {
    // NaN and values beyond int64 have no integer value (the cast would be
    // undefined behaviour; found by jsonl_export_fuzz).
    if (!(*p >= -9223372036854775808.0 && *p < 9223372036854775808.0)) return std::nullopt;
    return static_cast<int64_t>(*p);
  }
  return std::nullopt;
}
inline std::optional<double> AsReal(const Value& v) {
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  return std::nullopt;
}
inline std::optional<std::string> AsText(const Value& v) {
  if (auto p = std::get_if<std::string>(&v)) return *p;
  return std::nullopt;
}
// The text of a text value; empty for NULL or a number (for columns whose
// schema makes them text).
inline std::string TextOf(const Value& v) { return AsText(v).value_or(std::string()); }

template <typename T>
Value ToValue(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  if constexpr (std::is_same_v<T, bool>)
    return static_cast<int64_t>(*v ? 1 : 0);
  else if constexpr (std::is_integral_v<T>)
    return static_cast<int64_t>(*v);
  else if constexpr (std::is_floating_point_v<T>)
    return static_cast<double>(*v);
  else
    return std::string(*v);
}

}  // namespace phase4
