// A small seeded deterministic random number generator for the synthetic
// league.
//
// The engine is xoshiro256** seeded through splitmix64; every distribution
// below is written here (no std::*_distribution, whose output differs between
// standard libraries), so the same seed yields the same league everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

namespace phase4::generate {

// One splitmix64 step: advances `state` and returns a well-mixed value.
uint64_t SplitMix64(uint64_t& state);
// Mixes a list of values into one 64-bit seed (order matters).
uint64_t MixSeed(std::initializer_list<uint64_t> parts);

class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  // A stream derived from `seed` and `parts` (e.g. season, team, purpose);
  // streams with different parts are independent of each other.
  static Rng Derived(uint64_t seed, std::initializer_list<uint64_t> parts);

  uint64_t Next();
  // Uniform in [0, 1) with 53 random bits.
  double Uniform();
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n); n > 0.
  uint64_t Below(uint64_t n);
  // Uniform integer in [lo, hi] (inclusive).
  int Int(int lo, int hi);
  bool Bernoulli(double p) { return Uniform() < p; }
  // Standard normal (Marsaglia polar method; no cached second value).
  double Normal();
  double Normal(double mean, double sd) { return mean + sd * Normal(); }
  // Binomial(n, p) by n Bernoulli trials for small n, a clamped normal
  // approximation beyond 200 trials.
  int Binomial(int n, double p);
  // Poisson(lambda): Knuth's product method below 30, a normal
  // approximation above.
  int Poisson(double lambda);
  // Index drawn with probability proportional to weights[i] (all >= 0, sum
  // > 0); -1 when every weight is 0.
  int Weighted(const double* weights, size_t n);
  int Weighted(const std::vector<double>& w) { return Weighted(w.data(), w.size()); }

  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) {
      size_t j = static_cast<size_t>(Below(i));
      std::swap(v[i - 1], v[j]);
    }
  }

 private:
  uint64_t s_[4];
};

}  // namespace phase4::generate
