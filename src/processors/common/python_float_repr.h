// Python's repr() of a float, which data_hash renders reals with
// (zone-processors.md §1.4). A measured speed-up (doc/benchmarks.md): most
// stored numbers have at most three decimals and take a shortcut; the
// general shortest-digits path is the reference the tests hold it to.
#pragma once

#include <string>

namespace phase4::processors {

// Python's repr() of a float: the shortest string that reads back as the
// same double, fixed notation for decimal exponents -4..15 with a trailing
// `.0` for integral values (35.0), otherwise `1e+16` / `1.5e-05`; `inf`,
// `-inf`, `nan`.
std::string PythonFloatRepr(double x);
// The same, appended to `out`.
void AppendPythonFloatRepr(std::string& out, double x);
// The general path for a finite non-zero x, without the shortcut for short
// decimals (what the shortcut must always agree with).
void AppendShortestPythonRepr(std::string& out, double x);

}  // namespace phase4::processors
