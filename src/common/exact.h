// Exact decimal arithmetic (decision 35). A Phase 3 number is the decimal it
// is written as; sums, differences, means, ratios and products with decimal
// constants of such numbers are exact rationals, and a stored value is
// rounded once, half to even, at its declared scale. So the order in which a
// formula is written cannot change a digit: 100 * 49 / 160 and
// 49 / 160 * 100 are the same Exact, 30.625, stored as 30.62.
//
// Values that pass through an irrational step (a square root) stay doubles
// and are rounded on their binary value (numeric.h, decision 34).
//
// An Exact is a fraction of two 128-bit integers, not reduced until a
// result would not fit: the processors' formulas are short (a window sum, a
// mean, a ratio times a constant), so reduction is rarely needed and the
// common operations are one or two integer multiplications. A result that
// does not fit even reduced throws ExactRangeError (only absurd inputs get
// there, e.g. 1e300 minutes); the run layer turns it into the date's error.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace phase4 {

class ExactRangeError : public std::range_error {
 public:
  using std::range_error::range_error;
};

class Exact {
 public:
  using Int = __int128;

  constexpr Exact() = default;
  // Integers are exact (counts, integer box-score columns, constants).
  template <typename I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  constexpr Exact(I v) : num_(static_cast<Int>(v)) {}  // NOLINT: implicit on purpose

  // units * 10^-scale, scale 0..36: Decimal(3062, 2) is 30.62.
  static Exact Decimal(Int units, int scale);
  // num / den; den must not be 0 (throws std::domain_error).
  static Exact Fraction(Int num, Int den);
  // The decimal a stored double is written as: its shortest round-trip
  // representation (16.86 is 16.86, not the nearest binary value).
  // nullopt for NaN, infinities and values outside the range (|x| >= 1e36
  // or more than 36 decimals).
  static std::optional<Exact> OfStored(double x);
  // The decimal a text writes: [+-]digits[.digits][(e|E)[+-]digits], at most
  // 36 significant digits; nullopt for anything else or out of range.
  static std::optional<Exact> OfText(std::string_view text);

  friend Exact operator+(const Exact& a, const Exact& b);
  friend Exact operator-(const Exact& a, const Exact& b);
  friend Exact operator*(const Exact& a, const Exact& b);
  // Throws std::domain_error when b is 0.
  friend Exact operator/(const Exact& a, const Exact& b);
  Exact operator-() const;
  Exact& operator+=(const Exact& b) { return *this = *this + b; }

  friend std::strong_ordering operator<=>(const Exact& a, const Exact& b);
  friend bool operator==(const Exact& a, const Exact& b) { return (a <=> b) == 0; }

  int sign() const { return num_ > 0 ? 1 : num_ < 0 ? -1 : 0; }
  Exact Abs() const { return num_ < 0 ? -*this : *this; }

  // The value rounded half to even at `decimals` (0..36), as the double
  // nearest that decimal: what a NUMERIC(p, decimals) cell stores.
  double Round(int decimals) const;
  // The double nearest the value (a FLOAT64 cell, a feature).
  double ToDouble() const;
  // Exact decimal text when the value has at most `max_decimals` decimals
  // (tests and error messages), else the fraction "n/d".
  std::string ToString(int max_decimals = 36) const;

  Int num() const { return num_; }
  Int den() const { return den_; }

 private:
  // Reduces by the greatest common divisor (called only when a result would
  // not fit otherwise).
  Exact Reduced() const;

  Int num_ = 0;
  Int den_ = 1;  // always > 0
};

inline Exact Min(const Exact& a, const Exact& b) { return b < a ? b : a; }
inline Exact Max(const Exact& a, const Exact& b) { return a < b ? b : a; }
inline Exact Clamp(const Exact& v, const Exact& lo, const Exact& hi) {
  return v < lo ? lo : hi < v ? hi : v;
}

// The double nearest the decimal units * 10^-decimals (what a NUMERIC cell
// holding that decimal stores).
double DecimalToDouble(Exact::Int units, int decimals);

// The Exact of a stored double; throws ExactRangeError naming `what` when
// the value has no exact decimal in range (see OfStored).
Exact StoredExact(double x, const char* what);

}  // namespace phase4
