#include "processors/common/round_half_even.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace phase4::processors {

double RoundHalfEvenByDecimal(double x, int decimals) {
  if (!std::isfinite(x)) return x;
  // std::to_chars with a precision is exact (it prints the decimal expansion
  // of the binary value, rounded half to even on exact ties), like printf
  // in the C locale, without the locale and format-string overhead.
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, decimals);
  if (res.ec != std::errc()) return x;
  double out = 0;
  std::from_chars(buf, res.ptr, out);
  if (out == 0) out = 0.0;  // no negative zero: -0.0001 rounds to 0.0
  return out;
}

namespace {
constexpr double kPow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
}  // namespace

double RoundHalfEven(double x, int decimals) {
  if (!std::isfinite(x)) return x;
  // Fast path. y = x * 10^k carries at most half an ulp of error, so when
  // its fractional part is clearly away from one half the rounding
  // direction of the exact product is known; n / 10^k is then the double
  // nearest the decimal n * 10^-k (one correctly rounded division of exact
  // operands), i.e. exactly what the decimal conversion would return.
  if (decimals >= 0 && decimals <= 8) {
    const double scale = kPow10[decimals];
    const double y = x * scale;
    const double ay = std::fabs(y);
    if (ay < 4e15) {
      const double fl = std::floor(y);
      const double frac = y - fl;  // exact
      const double tol = ay * 4e-16 + 1e-300;
      if (std::fabs(frac - 0.5) > tol) {
        double n = frac < 0.5 ? fl : fl + 1;
        double out = n / scale;
        return out == 0 ? 0.0 : out;
      }
    }
  }
  return RoundHalfEvenByDecimal(x, decimals);
}

std::optional<double> RoundHalfEven(std::optional<double> x, int decimals) {
  if (!x) return std::nullopt;
  return RoundHalfEven(*x, decimals);
}

}  // namespace phase4::processors
