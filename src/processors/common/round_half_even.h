// Rounding of the values that stay doubles (decision 34). A measured
// speed-up (doc/benchmarks.md): RoundHalfEven decides most values with one
// multiplication and falls back to the exact decimal conversion only near a
// tie; RoundHalfEvenByDecimal is that conversion, the reference the tests
// hold the shortcut to.
#pragma once

#include <optional>

namespace phase4::processors {

// Rounds a double (a value that passed through a square root, decision 35)
// to `decimals` places, half to even on the exact binary value: the
// decimal that printf("%.*f") prints, read back as the nearest double. So
// 0.0625 -> 0.062, 2.25 -> 2.2, 2.75 -> 2.8. Non-finite values pass through.
double RoundHalfEven(double x, int decimals);
std::optional<double> RoundHalfEven(std::optional<double> x, int decimals);
// The same through an exact decimal conversion (std::to_chars), always;
// RoundHalfEven takes a shortcut when the value is clearly not a tie and
// must agree with this everywhere.
double RoundHalfEvenByDecimal(double x, int decimals);

}  // namespace phase4::processors
