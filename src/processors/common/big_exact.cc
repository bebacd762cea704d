#include "processors/common/big_exact.h"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace phase4::processors {

namespace {

// mpz from a 128-bit integer (GMP has no 128-bit constructor).
mpz_class ToMpz(Exact::Int v) {
  const bool negative = v < 0;
  unsigned __int128 u =
      negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  mpz_class hi(static_cast<unsigned long>(u >> 64));
  mpz_class lo(static_cast<unsigned long>(u & ~0ULL));
  mpz_class out = (hi << 64) + lo;
  return negative ? mpz_class(-out) : out;
}

}  // namespace

BigExact::BigExact(const Exact& e) : num_(ToMpz(e.num())), den_(ToMpz(e.den())) {}

BigExact operator+(const BigExact& a, const BigExact& b) {
  BigExact r;
  if (a.den_ == b.den_) {
    r.num_ = a.num_ + b.num_;
    r.den_ = a.den_;
  } else {
    r.num_ = a.num_ * b.den_ + b.num_ * a.den_;
    r.den_ = a.den_ * b.den_;
  }
  return r;
}

BigExact operator-(const BigExact& a, const BigExact& b) {
  BigExact negated = b;
  negated.num_ = -negated.num_;
  return a + negated;
}

BigExact operator*(const BigExact& a, const BigExact& b) {
  BigExact r;
  r.num_ = a.num_ * b.num_;
  r.den_ = a.den_ * b.den_;
  return r;
}

BigExact operator/(const BigExact& a, const BigExact& b) {
  if (sgn(b.num_) == 0) throw std::domain_error("exact arithmetic: division by zero");
  BigExact r;
  r.num_ = a.num_ * b.den_;
  r.den_ = a.den_ * b.num_;
  if (sgn(r.den_) < 0) {
    r.num_ = -r.num_;
    r.den_ = -r.den_;
  }
  return r;
}

int BigExact::Compare(const BigExact& a, const BigExact& b) {
  return cmp(mpz_class(a.num_ * b.den_), mpz_class(b.num_ * a.den_));
}

double BigExact::Round(int decimals) const {
  if (decimals < 0 || decimals > 36)
    throw ExactRangeError("exact arithmetic: rounding scale out of range");
  mpz_class scale;
  mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(decimals));
  const mpz_class num = abs(num_) * scale;
  mpz_class q, r;
  mpz_fdiv_qr(q.get_mpz_t(), r.get_mpz_t(), num.get_mpz_t(), den_.get_mpz_t());
  // Half to even, as Exact::Round.
  const int c = cmp(mpz_class(r * 2), den_);
  if (c > 0 || (c == 0 && mpz_odd_p(q.get_mpz_t()))) ++q;
  if (sgn(q) == 0) return 0.0;
  if (mpz_fits_slong_p(q.get_mpz_t()))
    return DecimalToDouble(sgn(num_) < 0 ? -q.get_si() : q.get_si(), decimals);
  std::string text = (sgn(num_) < 0 ? "-" : "") + q.get_str() + "e-" + std::to_string(decimals);
  return std::strtod(text.c_str(), nullptr);  // correctly rounded (glibc)
}

double BigExact::ToDouble() const {
  // 60 decimals of the magnitude and a sticky digit: the values are ratios
  // and their means (below 10^6), so that is far more than the 17
  // significant digits a correctly rounded conversion needs.
  constexpr unsigned long kDecimals = 60;
  mpz_class scale;
  mpz_ui_pow_ui(scale.get_mpz_t(), 10, kDecimals);
  const mpz_class num = abs(num_) * scale;
  mpz_class q, r;
  mpz_fdiv_qr(q.get_mpz_t(), r.get_mpz_t(), num.get_mpz_t(), den_.get_mpz_t());
  std::string text = (sgn(num_) < 0 ? "-" : "") + q.get_str();
  unsigned long exponent = kDecimals;
  if (sgn(r) != 0) {
    text += '1';
    ++exponent;
  }
  text += "e-" + std::to_string(exponent);
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace phase4::processors
