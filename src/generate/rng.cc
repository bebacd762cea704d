#include "generate/rng.h"

#include <cmath>

namespace phase4::generate {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t MixSeed(std::initializer_list<uint64_t> parts) {
  uint64_t h = 0x6A09E667F3BCC908ULL;
  for (uint64_t p : parts) {
    uint64_t s = h ^ p;
    h = SplitMix64(s);
  }
  return h;
}

Rng::Rng(uint64_t seed) {
  uint64_t s = seed;
  for (auto& x : s_) x = SplitMix64(s);
}

Rng Rng::Derived(uint64_t seed, std::initializer_list<uint64_t> parts) {
  uint64_t h = seed;
  for (uint64_t p : parts) h = MixSeed({h, p});
  return Rng(h);
}

static inline uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

uint64_t Rng::Below(uint64_t n) {
  // Rejection sampling on the top of the range: exact and portable.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = Next();
  } while (x >= limit);
  return x % n;
}

int Rng::Int(int lo, int hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

double Rng::Normal() {
  double u, v, s;
  do {
    u = 2.0 * Uniform() - 1.0;
    v = 2.0 * Uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return u * std::sqrt(-2.0 * std::log(s) / s);
}

int Rng::Binomial(int n, double p) {
  if (n <= 0 || p <= 0.0) return 0;
  if (p >= 1.0) return n;
  if (n <= 200) {
    int k = 0;
    for (int i = 0; i < n; ++i) k += Uniform() < p ? 1 : 0;
    return k;
  }
  double mean = n * p, sd = std::sqrt(n * p * (1 - p));
  long k = std::lround(Normal(mean, sd));
  if (k < 0) k = 0;
  if (k > n) k = n;
  return static_cast<int>(k);
}

int Rng::Poisson(double lambda) {
  if (lambda <= 0.0) return 0;
  if (lambda < 30.0) {
    const double limit = std::exp(-lambda);
    double prod = Uniform();
    int k = 0;
    while (prod > limit) {
      ++k;
      prod *= Uniform();
    }
    return k;
  }
  long k = std::lround(Normal(lambda, std::sqrt(lambda)));
  return k < 0 ? 0 : static_cast<int>(k);
}

int Rng::Weighted(const double* w, size_t n) {
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) total += w[i] > 0 ? w[i] : 0.0;
  if (total <= 0.0) return -1;
  double x = Uniform() * total;
  int last = -1;
  for (size_t i = 0; i < n; ++i) {
    if (w[i] <= 0) continue;
    last = static_cast<int>(i);
    if (x < w[i]) return last;
    x -= w[i];
  }
  return last;  // rounding at the top end
}

}  // namespace phase4::generate
