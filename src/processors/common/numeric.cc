#include "processors/common/numeric.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace phase4::processors {

std::optional<Exact> ExactCell(const Value& v, const char* what) {
  if (auto p = std::get_if<int64_t>(&v)) return Exact(*p);
  if (auto q = std::get_if<double>(&v)) return StoredExact(*q, what);
  return std::nullopt;
}


}  // namespace phase4::processors
