#include "warehouse/stored_value.h"

#include <cmath>
#include <string>

namespace phase4 {

int CompareStored(const Value& a, const Value& b) {
  auto rank = [](const Value& v) {
    if (IsNull(v)) return 0;
    if (std::holds_alternative<std::string>(v)) return 2;
    return 1;
  };
  const int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) return 0;
  if (ra == 2) {
    const int c = std::get<std::string>(a).compare(std::get<std::string>(b));
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  const auto* ia = std::get_if<int64_t>(&a);
  const auto* ib = std::get_if<int64_t>(&b);
  if (ia && ib) return *ia < *ib ? -1 : *ia > *ib ? 1 : 0;
  const double da = *AsReal(a), db = *AsReal(b);
  return da < db ? -1 : da > db ? 1 : 0;
}

bool ToStoredValue(ColumnType type, Value& v) {
  if (IsNull(v)) return true;
  switch (type) {
    case ColumnType::kInt:
    case ColumnType::kBool:
      return std::holds_alternative<int64_t>(v);
    case ColumnType::kReal:
      if (const auto* i = std::get_if<int64_t>(&v)) {
        v = static_cast<double>(*i);
        return true;
      }
      if (const auto* r = std::get_if<double>(&v)) {
        if (std::isnan(*r))
          v = Value();  // SQLite binds NaN as NULL
        else if (*r == 0)
          v = 0.0;  // a whole real is stored as an integer: -0.0 reads 0.0
        return true;
      }
      return false;
    default:  // TEXT columns
      return std::holds_alternative<std::string>(v);
  }
}

std::optional<Value> StoredValue(ColumnType type, const Value& v) {
  Value stored = v;
  if (!ToStoredValue(type, stored)) return std::nullopt;
  return stored;
}

}  // namespace phase4
