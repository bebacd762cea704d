#include "common/exact.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace phase4 {

namespace {

using Int = Exact::Int;

constexpr int kMaxScale = 36;

// 10^0 .. 10^36, all exact in 128 bits.
constexpr auto kPow10Int = [] {
  std::array<Int, kMaxScale + 1> p{};
  p[0] = 1;
  for (int i = 1; i <= kMaxScale; ++i)
    p[static_cast<size_t>(i)] = p[static_cast<size_t>(i) - 1] * 10;
  return p;
}();

Int Pow10(int k) { return kPow10Int[static_cast<size_t>(k)]; }

// Powers of ten exact in a double (10^22 is the last one).
constexpr double kPow10Double[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

constexpr Int kTwo53 = Int{1} << 53;

Int AbsInt(Int v) { return v < 0 ? -v : v; }

Int Gcd(Int a, Int b) {
  a = AbsInt(a);
  b = AbsInt(b);
  while (b != 0) {
    Int t = a % b;
    a = b;
    b = t;
  }
  return a;
}

[[noreturn]] void OutOfRange(const char* op) {
  throw ExactRangeError(fmt::format("exact arithmetic: the result of {} is out of range", op));
}

// a * b unless it overflows. Not __builtin_mul_overflow: on 128-bit operands
// it calls __muloti4, which clang's runtime has and libgcc does not.
bool Mul(Int a, Int b, Int* out) {
  using U = unsigned __int128;
  constexpr U kMax = (U{1} << 127) - 1;
  const U ua = a < 0 ? U{0} - static_cast<U>(a) : static_cast<U>(a);
  const U ub = b < 0 ? U{0} - static_cast<U>(b) : static_cast<U>(b);
  if (ua != 0 && ub > kMax / ua) return false;
  const Int magnitude = static_cast<Int>(ua * ub);
  *out = (a < 0) != (b < 0) ? -magnitude : magnitude;
  return true;
}

// Whether v fits 64 bits: products of two such values fit 127 bits, so the
// common case needs no overflow check (a division, in Mul).
bool Fits64(Int v) { return v >= INT64_MIN && v <= INT64_MAX; }
bool Add(Int a, Int b, Int* out) { return !__builtin_add_overflow(a, b, out); }

// Decimal digits of an unsigned 128-bit value.
std::string Digits(Int v) {
  if (v == 0) return "0";
  char buf[48];
  int n = 0;
  while (v > 0) {
    buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  std::string s(static_cast<size_t>(n), '0');
  for (int i = 0; i < n; ++i) s[static_cast<size_t>(i)] = buf[n - 1 - i];
  return s;
}

}  // namespace

double DecimalToDouble(Exact::Int units, int decimals) {
  if (AbsInt(units) < kTwo53 && decimals <= 22) {
    // Both operands exact: one correctly rounded division.
    return static_cast<double>(units) / kPow10Double[decimals];
  }
  std::string text =
      (units < 0 ? "-" : "") + Digits(AbsInt(units)) + "e-" + std::to_string(decimals);
  return std::strtod(text.c_str(), nullptr);  // correctly rounded (glibc)
}

Exact Exact::Decimal(Int units, int scale) {
  if (scale < 0 || scale > kMaxScale) throw ExactRangeError("exact arithmetic: scale out of range");
  Exact e;
  e.num_ = units;
  e.den_ = Pow10(scale);
  return e;
}

Exact Exact::Fraction(Int num, Int den) {
  if (den == 0) throw std::domain_error("exact arithmetic: division by zero");
  Exact e;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  e.num_ = num;
  e.den_ = den;
  return e;
}

std::optional<Exact> Exact::OfStored(double x) {
  if (!std::isfinite(x)) return std::nullopt;
  if (x == 0) return Exact();
  // Fast path: the fewest decimals s whose decimal reads back as x. While
  // |x| * 10^s < 2^52 the spacing of doubles near x is below 10^-s, so that
  // decimal is the shortest round-trip one.
  for (int s = 0; s <= 15; ++s) {
    const double y = x * kPow10Double[s];
    if (std::fabs(y) >= 0x1p52) break;
    const double u = std::nearbyint(y);
    if (u / kPow10Double[s] == x) return Decimal(static_cast<Int>(u), s);
  }
  // Shortest round trip (std::to_chars), e.g. 1.5e-20 or 123456789012.25.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  if (res.ec != std::errc()) return std::nullopt;
  return OfText(std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
}

std::optional<Exact> Exact::OfText(std::string_view text) {
  size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  Int digits = 0;
  int significant = 0, scale = 0, seen = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    ++seen;
    if (digits != 0 || c != '0') ++significant;
    if (significant > kMaxScale) return std::nullopt;
    digits = digits * 10 + (c - '0');
    if (point) ++scale;
  }
  if (seen == 0) return std::nullopt;
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool minus = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (i == text.size()) return std::nullopt;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9' || exponent > 1000) return std::nullopt;
      exponent = exponent * 10 + (text[i] - '0');
    }
    if (minus) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  scale -= exponent;
  if (negative) digits = -digits;
  if (scale >= 0) {
    if (scale > kMaxScale) return std::nullopt;
    return Decimal(digits, scale);
  }
  if (-scale > kMaxScale) return std::nullopt;
  Int v;
  if (!Mul(digits, Pow10(-scale), &v)) return std::nullopt;
  return Fraction(v, 1);
}

Exact Exact::Reduced() const {
  const Int g = Gcd(num_, den_);
  if (g <= 1) return *this;
  Exact e;
  e.num_ = num_ / g;
  e.den_ = den_ / g;
  return e;
}

Exact operator+(const Exact& a, const Exact& b) {
  Exact r;
  if (Fits64(a.num_) && Fits64(a.den_) && Fits64(b.num_) && Fits64(b.den_)) {
    if (a.den_ == b.den_) {
      r.num_ = a.num_ + b.num_;
      r.den_ = a.den_;
    } else {
      r.num_ = a.num_ * b.den_ + b.num_ * a.den_;
      r.den_ = a.den_ * b.den_;
    }
    return r;
  }
  if (a.den_ == b.den_) {  // window sums of one column: same scale
    if (Add(a.num_, b.num_, &r.num_)) {
      r.den_ = a.den_;
      return r;
    }
  } else {
    Int x, y;
    if (Mul(a.num_, b.den_, &x) && Mul(b.num_, a.den_, &y) && Add(x, y, &r.num_) &&
        Mul(a.den_, b.den_, &r.den_))
      return r;
  }
  // Reduce, then add over the least common denominator.
  const Exact p = a.Reduced(), q = b.Reduced();
  const Int g = Gcd(p.den_, q.den_);
  Int x, y;
  if (Mul(p.num_, q.den_ / g, &x) && Mul(q.num_, p.den_ / g, &y) && Add(x, y, &r.num_) &&
      Mul(p.den_ / g, q.den_, &r.den_))
    return r.Reduced();
  OutOfRange("an addition");
}

Exact Exact::operator-() const {
  Exact r = *this;
  r.num_ = -num_;
  return r;
}

Exact operator-(const Exact& a, const Exact& b) { return a + (-b); }

Exact operator*(const Exact& a, const Exact& b) {
  Exact r;
  if (Fits64(a.num_) && Fits64(a.den_) && Fits64(b.num_) && Fits64(b.den_)) {
    r.num_ = a.num_ * b.num_;
    r.den_ = a.den_ * b.den_;
    return r;
  }
  if (Mul(a.num_, b.num_, &r.num_) && Mul(a.den_, b.den_, &r.den_)) return r;
  // Cross-reduce: (a.num / g1) * (b.num / g2) over (a.den / g2) * (b.den / g1).
  const Int g1 = Gcd(a.num_, b.den_), g2 = Gcd(b.num_, a.den_);
  const Int n1 = g1 ? a.num_ / g1 : a.num_, d2 = g1 ? b.den_ / g1 : b.den_;
  const Int n2 = g2 ? b.num_ / g2 : b.num_, d1 = g2 ? a.den_ / g2 : a.den_;
  if (Mul(n1, n2, &r.num_) && Mul(d1, d2, &r.den_)) return r.Reduced();
  OutOfRange("a multiplication");
}

Exact operator/(const Exact& a, const Exact& b) {
  if (b.num_ == 0) throw std::domain_error("exact arithmetic: division by zero");
  Exact inv;
  inv.num_ = b.num_ < 0 ? -b.den_ : b.den_;
  inv.den_ = AbsInt(b.num_);
  return a * inv;
}

std::strong_ordering operator<=>(const Exact& a, const Exact& b) {
  if (a.den_ == b.den_) return a.num_ <=> b.num_;
  if (Fits64(a.num_) && Fits64(a.den_) && Fits64(b.num_) && Fits64(b.den_))
    return a.num_ * b.den_ <=> b.num_ * a.den_;
  Int x, y;
  if (Mul(a.num_, b.den_, &x) && Mul(b.num_, a.den_, &y)) return x <=> y;
  // Without overflow: compare the floors, then the remainders ra/ad and
  // rb/bd through their reciprocals, cmp(ra/ad, rb/bd) = cmp(bd/rb, ad/ra)
  // (a continued-fraction walk; it ends like Euclid's algorithm).
  Int an = a.num_, ad = a.den_, bn = b.num_, bd = b.den_;
  for (;;) {
    Int qa = an / ad, ra = an % ad;
    if (ra < 0) {
      --qa;
      ra += ad;
    }
    Int qb = bn / bd, rb = bn % bd;
    if (rb < 0) {
      --qb;
      rb += bd;
    }
    if (qa != qb) return qa <=> qb;
    if (ra == 0 || rb == 0) return ra <=> rb;  // 0 is below any remainder
    const Int next_an = bd, next_ad = rb, next_bn = ad, next_bd = ra;
    an = next_an;
    ad = next_ad;
    bn = next_bn;
    bd = next_bd;
  }
}

double Exact::Round(int decimals) const {
  if (decimals < 0 || decimals > kMaxScale)
    throw ExactRangeError("exact arithmetic: rounding scale out of range");
  const bool negative = num_ < 0;
  const Int n = AbsInt(num_);
  Int scaled, q, r;
  bool fits = true;
  if (n <= INT64_MAX && decimals <= 18)
    scaled = n * Pow10(decimals);  // below 2^63 * 10^18: fits 127 bits unchecked
  else
    fits = Mul(n, Pow10(decimals), &scaled);
  if (fits) {
    constexpr Int kU64 = static_cast<Int>(UINT64_MAX);
    if (scaled <= kU64 && den_ <= kU64) {  // the common case: one hardware division
      const uint64_t a = static_cast<uint64_t>(scaled), b = static_cast<uint64_t>(den_);
      q = a / b;
      r = a % b;
    } else {
      q = scaled / den_;
      r = scaled % den_;
    }
  } else {
    // Long division, one decimal at a time (r < den_ keeps r * 10 in range
    // for any denominator below 1.7e37).
    q = n / den_;
    r = n % den_;
    for (int i = 0; i < decimals; ++i) {
      Int rr;
      if (!Mul(r, 10, &rr) || !Mul(q, 10, &q)) OutOfRange("a rounding");
      q += rr / den_;
      r = rr % den_;
    }
  }
  // Half to even: up when the remainder is above half, or exactly half and
  // the kept digit is odd.
  const Int rest = den_ - r;
  if (r > rest || (r == rest && (q & 1) != 0)) ++q;
  if (q == 0) return 0.0;  // no negative zero
  return DecimalToDouble(negative ? -q : q, decimals);
}

double Exact::ToDouble() const {
  if (AbsInt(num_) <= kTwo53 && den_ <= kTwo53)
    return static_cast<double>(num_) / static_cast<double>(den_);  // one correctly rounded division
  // 40 significant digits and a sticky digit, then a correctly rounded
  // conversion: enough to decide the nearest double in every case.
  const bool negative = num_ < 0;
  const Int n = AbsInt(num_);
  Int q = n / den_, r = n % den_;
  std::string text = (negative ? "-" : "") + Digits(q) + ".";
  int significant = q == 0 ? 0 : static_cast<int>(Digits(q).size());
  for (int i = 0; i < 400 && r != 0 && significant < 40; ++i) {
    Int rr;
    if (!Mul(r, 10, &rr)) OutOfRange("a conversion");
    const int digit = static_cast<int>(rr / den_);
    r = rr % den_;
    text += static_cast<char>('0' + digit);
    if (significant > 0 || digit != 0) ++significant;
  }
  if (r != 0) text += '1';
  return std::strtod(text.c_str(), nullptr);
}

std::string Exact::ToString(int max_decimals) const {
  // Terminating decimal when den_ divides 10^k for some k <= max_decimals.
  for (int k = 0; k <= max_decimals && k <= kMaxScale; ++k) {
    Int scaled;
    if (!Mul(AbsInt(num_), Pow10(k), &scaled)) break;
    if (scaled % den_ != 0) continue;
    const Int units = scaled / den_;
    std::string digits = Digits(units);
    if (k > 0) {
      if (digits.size() <= static_cast<size_t>(k))
        digits.insert(0, static_cast<size_t>(k) + 1 - digits.size(), '0');
      digits.insert(digits.size() - static_cast<size_t>(k), ".");
    }
    return (num_ < 0 ? "-" : "") + digits;
  }
  return (num_ < 0 ? "-" : "") + Digits(AbsInt(num_)) + "/" + Digits(den_);
}

Exact StoredExact(double x, const char* what) {
  if (auto e = Exact::OfStored(x)) return *e;
  throw ExactRangeError(
      fmt::format("{}: {} has no exact decimal value in range (decision 35)", what, x));
}

}  // namespace phase4
