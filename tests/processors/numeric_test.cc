// The processors' numeric module (decision 35): decimal window sums, exact
// percentages, BigExact means of ratios, and a property test that formulas
// written in any order give the same stored values, checked against an
// independent integer computation of the half-even rounding.
#include "processors/common/numeric.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "processors/common/big_exact.h"
#include "processors/common/season_inputs.h"

namespace phase4::processors {
namespace {

// A decimal literal, read as the decimal it writes (Exact::OfText, tested
// in tests/common/exact_test.cc), never through a double.
Exact Dec(const char* text) { return *Exact::OfText(text); }

// Half to even of p / q at k decimals by integer arithmetic alone (q > 0),
// printed: the independent reference of the property tests.
std::string ReferenceRound(int64_t p, int64_t q, int k) {
  __int128 num = p;
  for (int i = 0; i < k; ++i) num *= 10;
  const bool negative = num < 0;
  if (negative) num = -num;
  __int128 quotient = num / q, rest = num % q;
  if (2 * rest > q || (2 * rest == q && quotient % 2 == 1)) ++quotient;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(quotient));
  std::string digits(buf);
  if (k > 0) {
    if (digits.size() <= static_cast<size_t>(k))
      digits.insert(0, static_cast<size_t>(k) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<size_t>(k), ".");
  }
  return (negative && quotient != 0 ? "-" : "") + digits;
}

double Parse(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

TEST(NumericTest, DecisionThirtyFiveExamples) {
  // mean(16.86, 17.03, 15.52, 27.9, 10.94, 6.28) = 15.755 -> 15.76.
  DecimalSum usage;
  for (double v : {16.86, 17.03, 15.52, 27.9, 10.94, 6.28}) usage.Add(*Exact::OfStored(v));
  EXPECT_EQ(*usage.Mean(), Dec("15.755"));
  EXPECT_EQ(usage.Mean()->Round(2), 15.76);
  // 100 x 49 / 160 = 49 / 160 x 100 = 30.625 -> 30.62; 100 x 51 / 160 = 31.875 -> 31.88.
  EXPECT_EQ((Exact(100) * Exact(49) / Exact(160)).Round(2), 30.62);
  EXPECT_EQ((Exact(49) / Exact(160) * Exact(100)).Round(2), 30.62);
  EXPECT_EQ(RoundedPercent(49, 160, 2), 30.62);
  EXPECT_EQ(RoundedPercent(51, 160, 2), 31.88);
  // The mean of 15 x 99.2 is 99.2.
  DecimalSum pace;
  for (int i = 0; i < 15; ++i) pace.Add(*Exact::OfStored(99.2));
  EXPECT_EQ(*pace.Mean(), Dec("99.2"));
  // A pace difference of 0.9 halves to exactly 0.45 -> 0.4 (binary: 0.5).
  EXPECT_EQ((Dec("0.9") / Exact(2)).Round(1), 0.4);
}

TEST(BigExactTest, MeansOfRatios) {
  // The mean of 30 ratios with unlike denominators, minus one of them.
  BigExact sum;
  for (int i = 0; i < 30; ++i) sum = sum + BigExact(Exact::Fraction(400 + i, 701 + 2 * i));
  const BigExact mean = sum / BigExact(Exact(30));
  const BigExact delta = (BigExact(Exact::Fraction(400, 701)) - mean) * BigExact(Exact(100));
  double approx = 0;
  for (int i = 0; i < 30; ++i) approx += (400.0 + i) / (701.0 + 2 * i);
  approx /= 30;
  EXPECT_NEAR(mean.ToDouble(), approx, 1e-15);
  EXPECT_NEAR(delta.Round(2), (400.0 / 701 - approx) * 100, 0.005);
  EXPECT_TRUE(delta < BigExact(Exact(0)) || delta > BigExact(Exact(0)));
  // Ties round half to even here too.
  EXPECT_EQ(BigExact(Dec("0.45")).Round(1), 0.4);
  EXPECT_EQ(BigExact(Dec("-1.25")).Round(1), -1.2);
  EXPECT_EQ(BigExact(Exact::Fraction(1, 3)).Round(3), 0.333);
}

// Rates written every way round give one stored value, the reference's.
TEST(ExactPropertyTest, RatesAnyOrderSameStoredValue) {
  std::mt19937_64 rng(2024);
  for (int i = 0; i < 200000; ++i) {
    const int64_t whole = 1 + static_cast<int64_t>(rng() % 2000);
    const int64_t part = static_cast<int64_t>(rng() % static_cast<uint64_t>(whole + 1));
    const int k = 1 + static_cast<int>(rng() % 3);
    const double reference = Parse(ReferenceRound(100 * part, whole, k));
    const double a = (Exact(100) * Exact(part) / Exact(whole)).Round(k);
    const double b = (Exact(part) / Exact(whole) * Exact(100)).Round(k);
    const double c = (Exact::Fraction(part, whole) * Exact(100)).Round(k);
    const double d = RoundedPercent(part, whole, k);
    ASSERT_EQ(a, reference) << part << "/" << whole << " at " << k;
    ASSERT_EQ(b, reference) << part << "/" << whole << " at " << k;
    ASSERT_EQ(c, reference) << part << "/" << whole << " at " << k;
    ASSERT_EQ(d, reference) << part << "/" << whole << " at " << k;
    // A plain ratio at 3 decimals (FG%).
    ASSERT_EQ(Exact::Fraction(part, whole).Round(3), Parse(ReferenceRound(part, whole, 3)));
  }
}

// Means of decimals (as stored doubles) summed forwards, backwards, as a sum
// of fractions and through a season table's column give one stored value.
TEST(ExactPropertyTest, MeansAnyOrderSameStoredValue) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 20000; ++i) {
    const int n = 1 + static_cast<int>(rng() % 12);
    const int in_scale = static_cast<int>(rng() % 3) + 1;  // the inputs' decimals
    const int out_scale = static_cast<int>(rng() % 3);     // the stored decimals
    std::vector<double> values;
    std::vector<int64_t> cell_units;
    int64_t units = 0;
    for (int j = 0; j < n; ++j) {
      const int64_t u = static_cast<int64_t>(rng() % 40000);
      units += u;
      cell_units.push_back(u);
      char text[32];
      std::snprintf(text, sizeof text, "%.*f", in_scale,
                    static_cast<double>(u) / std::pow(10.0, in_scale));
      values.push_back(Parse(text));
    }
    int64_t den = n;
    for (int j = 0; j < in_scale; ++j) den *= 10;
    const double reference = Parse(ReferenceRound(units, den, out_scale));

    DecimalSum forward, backward;
    Exact fractions;
    for (double v : values) {
      forward.Add(*Exact::OfStored(v));
      fractions += *Exact::OfStored(v) / Exact(n);
    }
    for (auto it = values.rbegin(); it != values.rend(); ++it) backward.Add(*Exact::OfStored(*it));
    // The columnar path: the cells' units at the column's scale.
    SeasonTable::RealColumn column;
    column.value = values;
    column.units = cell_units;
    column.scale = in_scale;
    DecimalSum columnar;
    columnar.AddRange(column, 0, values.size());
    ASSERT_EQ(forward.Mean()->Round(out_scale), reference);
    ASSERT_EQ(backward.Mean()->Round(out_scale), reference);
    ASSERT_EQ(fractions.Round(out_scale), reference);
    ASSERT_EQ(columnar.Mean()->Round(out_scale), reference);
  }
}

}  // namespace
}  // namespace phase4::processors
