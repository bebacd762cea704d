#include "processors/common/python_float_repr.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>

namespace phase4::processors {

void AppendPythonFloatRepr(std::string& out, double x) {
  if (std::isnan(x)) {
    out += "nan";
    return;
  }
  if (std::isinf(x)) {
    out += x > 0 ? "inf" : "-inf";
    return;
  }
  if (x == 0) {
    out += std::signbit(x) ? "-0.0" : "0.0";
    return;
  }
  // Fast path for values with at most 3 decimals and 15 significant digits
  // (most stored numbers): when n / 10^k is exactly x, that decimal is the
  // shortest round-trip string (two decimals of <= 15 significant digits
  // never share a double), printed in fixed notation.
  if (std::fabs(x) >= 1e-3 && std::fabs(x) < 1e12) {
    static constexpr double kScale[] = {1, 10, 100, 1000};
    for (int k = 0; k <= 3; ++k) {
      const double n = std::nearbyint(x * kScale[k]);
      if (std::fabs(n) >= 1e15 || n / kScale[k] != x) continue;
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(std::fabs(n)));
      std::string_view digits(buf, static_cast<size_t>(res.ptr - buf));
      if (x < 0) out += '-';
      if (k == 0) {
        out += digits;
        out += ".0";
        return;
      }
      const size_t kk = static_cast<size_t>(k);
      if (digits.size() <= kk) {
        out += "0.";
        out.append(kk - digits.size(), '0');
        out += digits;
      } else {
        out += digits.substr(0, digits.size() - kk);
        out += '.';
        out += digits.substr(digits.size() - kk);
      }
      // Trailing zeros cannot occur: a smaller k would have matched.
      return;
    }
  }
  AppendShortestPythonRepr(out, x);
}

void AppendShortestPythonRepr(std::string& out, double x) {
  // Shortest round-trip digits in scientific form: [-]d[.ddd]e[+-]XX.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  size_t epos = sci.find('e');
  char digits_buf[32];
  int n = 0;
  for (char c : sci.substr(0, epos))
    if (c != '.') digits_buf[n++] = c;
  std::string_view digits(digits_buf, static_cast<size_t>(n));
  int exp10 = 0;
  std::string_view e = sci.substr(epos + 1);
  if (e.front() == '+') e.remove_prefix(1);
  std::from_chars(e.data(), e.data() + e.size(), exp10);
  // Python (float_repr_style 'short', repr mode): with decpt the position
  // of the decimal point after the first digit run, fixed notation is used
  // when -4 < decpt <= 16.
  int decpt = exp10 + 1;
  if (negative) out += '-';
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-decpt), '0');
      out += digits;
    } else if (decpt >= n) {
      out += digits;
      out.append(static_cast<size_t>(decpt - n), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(decpt));
      out += '.';
      out += digits.substr(static_cast<size_t>(decpt));
    }
  } else {
    out += digits[0];
    if (n > 1) {
      out += '.';
      out += digits.substr(1);
    }
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    out += ebuf;
  }
}

std::string PythonFloatRepr(double x) {
  std::string out;
  AppendPythonFloatRepr(out, x);
  return out;
}

}  // namespace phase4::processors
