// An exact rational without a size limit, for the one formula whose
// denominator outgrows Exact's 128 bits: the league average of team #1, an
// unweighted mean of up to 30 team ratios (makes / attempts), whose common
// denominator is the product of their attempt counts (decision 35; spec
// zone-processors.md §2.5). Backed by GMP integers; a fraction is reduced
// never (a gcd per operation cost more than the few hundred bits the
// numbers grow to over a date's dozens of operations).
#pragma once

#include <gmpxx.h>

#include "common/exact.h"

namespace phase4::processors {

class BigExact {
 public:
  BigExact() = default;
  explicit BigExact(const Exact& e);

  friend BigExact operator+(const BigExact& a, const BigExact& b);
  friend BigExact operator-(const BigExact& a, const BigExact& b);
  friend BigExact operator*(const BigExact& a, const BigExact& b);
  // Throws std::domain_error when b is 0.
  friend BigExact operator/(const BigExact& a, const BigExact& b);
  friend bool operator<(const BigExact& a, const BigExact& b) { return Compare(a, b) < 0; }
  friend bool operator>(const BigExact& a, const BigExact& b) { return Compare(a, b) > 0; }
  friend bool operator==(const BigExact& a, const BigExact& b) { return Compare(a, b) == 0; }

  // Rounded half to even at `decimals` (0..36), as the double nearest that
  // decimal (as Exact::Round).
  double Round(int decimals) const;
  // The double nearest the value.
  double ToDouble() const;

 private:
  static int Compare(const BigExact& a, const BigExact& b);
  mpz_class num_ = 0;
  mpz_class den_ = 1;  // always > 0
};

}  // namespace phase4::processors
