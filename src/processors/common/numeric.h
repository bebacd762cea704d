// Numeric helpers shared by the processors: exact window sums and means of
// integer and decimal columns (decision 35, exact.h), NULL-aware (decisions
// 11, 28, 29), and rounding of the values that stay doubles (decision 34).
// Every processor computes through these, so that none can do it
// differently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/exact.h"
#include "processors/common/round_half_even.h"
#include "warehouse/value.h"

namespace phase4::processors {


// Sum of an integer column over a window, remembering how many cells were
// non-NULL (a column NULL in every game is not the same as a column of 0s).
struct IntSum {
  int64_t sum = 0;
  int non_null = 0;
  void Add(const Value& v) {
    if (auto p = std::get_if<int64_t>(&v)) {
      sum += *p;
      ++non_null;
    } else if (auto q = std::get_if<double>(&v)) {
      sum += static_cast<int64_t>(*q);
      ++non_null;
    }
  }
  // Adds cells [b, e) of a columnar copy (SeasonTable::Ints).
  template <typename Column>
  void AddRange(const Column& c, size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      if (!c.present(i)) continue;
      sum += c.value[i];
      ++non_null;
    }
  }
  bool all_null() const { return non_null == 0; }
};

// Exact sum of a decimal (REAL) column over a window: each cell is the
// decimal it is written as (decision 35), so 15 x 99.2 averages to 99.2 and
// 16.86, 17.03, 15.52, 27.9, 10.94, 6.28 to 15.755 exactly.
struct DecimalSum {
  Exact sum;
  int non_null = 0;
  void Add(const Exact& v) {
    sum += v;
    ++non_null;
  }
  // Adds cells [b, e) of a columnar copy (SeasonTable::Reals): an integer
  // sum of the cells' units at the column's scale when the column has them,
  // else cell by cell.
  template <typename Column>
  void AddRange(const Column& c, size_t b, size_t e) {
    if (!c.units.empty()) {
      Exact::Int units = 0;
      for (size_t i = b; i < e; ++i) {
        if (!c.present(i)) continue;
        units += c.units[i];
        ++non_null;
      }
      sum += Exact::Decimal(units, c.scale);
      return;
    }
    for (size_t i = b; i < e; ++i)
      if (c.present(i)) Add(StoredExact(c.value[i], c.name.c_str()));
  }
  bool all_null() const { return non_null == 0; }
  // Mean of the non-NULL values; nullopt when every value was NULL.
  std::optional<Exact> Mean() const {
    if (non_null == 0) return std::nullopt;
    return sum / Exact(non_null);
  }
};

// The exact decimal of a stored cell (an upstream Phase 4 value, a Phase 3
// context value); nullopt for NULL. `what` names it in a range error.
std::optional<Exact> ExactCell(const Value& v, const char* what);

// a / b as doubles (correctly rounded for integers below 2^53): a value
// stored unrounded (a feature), where the nearest double of a / b is exact
// enough. Rounded values take Exact::Fraction(a, b).Round(k).
inline double Ratio(int64_t a, int64_t b) {
  return static_cast<double>(a) / static_cast<double>(b);
}

// 100 * part / whole rounded half to even at `decimals`, exactly (whole > 0):
// the completeness percentages.
inline double RoundedPercent(int64_t part, int64_t whole, int decimals) {
  return Exact::Fraction(Exact::Int{100} * part, whole).Round(decimals);
}

}  // namespace phase4::processors
