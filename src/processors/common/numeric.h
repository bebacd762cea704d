// Numeric helpers shared by the processors: rounding (decision 34), exact
// sums and means, and NULL-aware column sums (decisions 11, 28, 29).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "warehouse/value.h"

namespace phase4::processors {

// Rounds to `decimals` places, half to even on the exact binary value: the
// decimal that printf("%.*f") prints, read back as the nearest double. So
// 0.0625 -> 0.062, 2.25 -> 2.2, 2.75 -> 2.8. Non-finite values pass through.
double RoundHalfEven(double x, int decimals);
std::optional<double> RoundHalfEven(std::optional<double> x, int decimals);
// The same through an exact decimal conversion (std::to_chars), always;
// RoundHalfEven takes a shortcut when the value is clearly not a tie and
// must agree with this everywhere.
double RoundHalfEvenByDecimal(double x, int decimals);

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

// Sum of a real column in a long double (64-bit mantissa), so that sums of
// a few hundred doubles are exact and 15 x 99.2 averages to 99.2.
struct RealSum {
  long double sum = 0;
  int non_null = 0;
  void Add(const Value& v) {
    if (auto p = std::get_if<double>(&v)) {
      sum += *p;
      ++non_null;
    } else if (auto q = std::get_if<int64_t>(&v)) {
      sum += static_cast<long double>(*q);
      ++non_null;
    }
  }
  void Add(double v) {
    sum += v;
    ++non_null;
  }
  // Adds cells [b, e) of a columnar copy (SeasonTable::Reals).
  template <typename Column>
  void AddRange(const Column& c, size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      if (!c.present(i)) continue;
      sum += c.value[i];
      ++non_null;
    }
  }
  // Mean of the non-NULL values; nullopt when every value was NULL.
  std::optional<double> Mean() const {
    if (non_null == 0) return std::nullopt;
    return static_cast<double>(sum / non_null);
  }
};

// a / b as doubles (correctly rounded for integers below 2^53).
inline double Ratio(int64_t a, int64_t b) {
  return static_cast<double>(a) / static_cast<double>(b);
}

}  // namespace phase4::processors
