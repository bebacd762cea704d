#include "generate/row_util.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace phase4::generate {

double RoundToScale(double x, int decimals) {
  if (decimals < 0 || !std::isfinite(x)) return x;
  static const double kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
  if (decimals <= 6) {
    // Fast path: away from a tie the scaled value's rounding is unambiguous
    // even though x * 10^d itself is inexact (|y| < 1e9 keeps its error far
    // below the margin); N / 10^d is then the double strtod would give.
    const double p = kPow10[decimals];
    const double y = x * p;
    if (std::fabs(y) < 1e9) {
      const double frac = y - std::floor(y);
      if (std::fabs(frac - 0.5) > 1e-6) return std::round(y) / p;
    }
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return std::strtod(buf, nullptr);
}

ColumnSlots::ColumnSlots(const TableSchema& schema, std::initializer_list<std::string_view> names)
    : schema_(&schema), width_(schema.size()) {
  for (std::string_view n : names) {
    int i = schema.ColumnIndex(n);
    if (i < 0) {
      std::fprintf(stderr, "generator: no column %.*s in %s\n", static_cast<int>(n.size()),
                   n.data(), schema.FullName().c_str());
      std::abort();
    }
    idx_.push_back(static_cast<size_t>(i));
    const Column& c = schema.column(i);
    scale_.push_back(c.type == ColumnType::kReal ? c.scale : -1);
  }
}

}  // namespace phase4::generate
