// Exact decimal arithmetic (decision 35): reading stored doubles as their
// decimals, half-even rounding of the exact value, comparisons, ranges.
#include "common/exact.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

namespace phase4 {
namespace {

// A decimal literal, read as the decimal it writes (Exact::OfText, tested
// below against Exact::Decimal), never through a double.
Exact Dec(const char* text) { return *Exact::OfText(text); }

double Parse(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

TEST(ExactTest, OfStoredReadsTheShortestDecimal) {
  EXPECT_EQ(*Exact::OfStored(16.86), Dec("16.86"));
  EXPECT_EQ(*Exact::OfStored(0.1), Dec("0.1"));
  EXPECT_EQ(*Exact::OfStored(-3.55), Dec("-3.55"));
  EXPECT_EQ(*Exact::OfStored(112.0), Exact(112));
  EXPECT_EQ(*Exact::OfStored(0.30000000000000004), Dec("0.30000000000000004"));
  EXPECT_EQ(*Exact::OfStored(1.5e-20), Exact::Decimal(15, 21));
  EXPECT_EQ(*Exact::OfStored(123456789012.25), Dec("123456789012.25"));
  EXPECT_EQ(*Exact::OfStored(1e30),
            Exact::Fraction(Exact::Int{1000000000000000} * 1000000000000000, 1));
  EXPECT_FALSE(Exact::OfStored(std::nan("")));
  EXPECT_FALSE(Exact::OfStored(INFINITY));
  EXPECT_FALSE(Exact::OfStored(1e300));
  EXPECT_THROW(StoredExact(1e300, "minutes_played"), ExactRangeError);
  // Every double written with few decimals reads back as that decimal.
  std::mt19937_64 rng(35);
  for (int i = 0; i < 20000; ++i) {
    const int k = static_cast<int>(rng() % 6);
    const int64_t units = static_cast<int64_t>(rng() % 2000000) - 1000000;
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", k, static_cast<double>(units) / std::pow(10.0, k));
    ASSERT_EQ(*Exact::OfStored(Parse(text)), Exact::Decimal(units, k)) << text;
  }
}

TEST(ExactTest, OfTextReadsTheWrittenDecimal) {
  EXPECT_EQ(*Exact::OfText("16.86"), Exact::Decimal(1686, 2));
  EXPECT_EQ(*Exact::OfText("-0.5"), Exact::Decimal(-5, 1));
  EXPECT_EQ(*Exact::OfText("+3"), Exact(3));
  EXPECT_EQ(*Exact::OfText(".25"), Exact::Decimal(25, 2));
  EXPECT_EQ(*Exact::OfText("5."), Exact(5));
  EXPECT_EQ(*Exact::OfText("1.5e1"), Exact(15));
  EXPECT_EQ(*Exact::OfText("15E-1"), Exact::Decimal(15, 1));
  EXPECT_EQ(*Exact::OfText("0.000000000000000000000000000001"), Exact::Decimal(1, 30));
  for (const char* bad : {"", "-", ".", "e5", "1e", "1e+", "1.2.3", "1,5", " 1", "1 ", "0x10",
                          "inf", "nan", "1e400", "1234567890123456789012345678901234567"})
    EXPECT_FALSE(Exact::OfText(bad)) << bad;
}

TEST(ExactTest, RoundIsHalfToEvenOnTheExactValue) {
  EXPECT_EQ(Dec("0.45").Round(1), 0.4);
  EXPECT_EQ(Dec("0.55").Round(1), 0.6);
  EXPECT_EQ(Dec("-0.45").Round(1), -0.4);
  EXPECT_EQ(Dec("-3.55").Round(1), -3.6);
  EXPECT_EQ(Dec("2.5").Round(0), 2.0);
  EXPECT_EQ(Dec("3.5").Round(0), 4.0);
  EXPECT_EQ(Dec("-0.04").Round(1), 0.0);
  EXPECT_FALSE(std::signbit(Dec("-0.04").Round(1)));  // no negative zero
  EXPECT_EQ(Exact::Fraction(1, 3).Round(3), 0.333);
  EXPECT_EQ(Exact::Fraction(2, 3).Round(3), 0.667);
  EXPECT_EQ(Exact::Fraction(-2, 3).Round(3), -0.667);
  EXPECT_EQ(Exact::Fraction(1, 8).Round(2), 0.12);
  EXPECT_EQ(Exact::Fraction(3, 8).Round(2), 0.38);
  EXPECT_EQ(Dec("12345678901234567.5").Round(0), 12345678901234568.0);
}

TEST(ExactTest, ComparisonsAndThresholds) {
  EXPECT_EQ(Exact::Fraction(1, 10), Dec("0.1"));
  EXPECT_LT(Exact::Fraction(1, 3), Dec("0.3334"));
  EXPECT_GT(Exact::Fraction(1, 3), Dec("0.3333"));
  // (33 - 30) / 30 is exactly 0.1, on the threshold.
  EXPECT_EQ((Exact(33) - Exact(30)) / Exact(30), Exact::Fraction(1, 10));
  EXPECT_EQ(Clamp(Exact(7), -3, 3), Exact(3));
  EXPECT_EQ(Clamp(Exact(-7), -3, 3), Exact(-3));
  EXPECT_EQ(Min(Dec("1.5"), Exact(1)), Exact(1));
  EXPECT_EQ(Dec("-2.5").Abs(), Dec("2.5"));
  // Fractions whose cross products leave 128 bits compare exactly.
  const Exact big_a = Exact::Fraction((Exact::Int{1} << 100) + 1, (Exact::Int{1} << 100) - 3);
  const Exact big_b = Exact::Fraction((Exact::Int{1} << 100) + 2, (Exact::Int{1} << 100) - 1);
  EXPECT_TRUE(big_b < big_a);  // 1 + 4/(2^100 - 3) > 1 + 3/(2^100 - 1)
  EXPECT_FALSE(big_a < big_b);
  EXPECT_EQ(big_a <=> big_a, std::strong_ordering::equal);
}

TEST(ExactTest, LargeIntermediatesReduceOrFailClearly) {
  // Denominators that multiply past 128 bits reduce when the value fits.
  Exact sum;
  for (int i = 0; i < 40; ++i) sum += Exact::Decimal(1, 30);
  EXPECT_EQ(sum, Exact::Decimal(4, 29));
  const Exact third = Exact::Fraction(1, 3);
  Exact product = Exact(1);
  for (int i = 0; i < 200; ++i) product = product * third * Exact(3);
  EXPECT_EQ(product, Exact(1));
  const Exact::Int two70 = Exact::Int{1} << 70;
  EXPECT_EQ(Exact::Fraction(1, two70) + Exact::Fraction(1, 3 * two70),
            Exact::Fraction(4, 3 * two70));
  // A value that cannot fit throws the range error the run layer reports.
  Exact huge = Exact::Fraction(Exact::Int{1} << 100, 1);
  EXPECT_THROW(huge * huge, ExactRangeError);
  EXPECT_THROW(Exact(1) / Exact(0), std::domain_error);
}

TEST(ExactTest, ToDoubleIsTheNearestDouble) {
  EXPECT_EQ(Dec("0.3062").ToDouble(), 0.3062);
  EXPECT_EQ((Dec("30.62") / Exact(100)).ToDouble(), 0.3062);
  EXPECT_EQ(Exact::Fraction(1, 3).ToDouble(), 1.0 / 3);
  EXPECT_EQ(Exact::Fraction(Exact::Int{1} << 80, 3).ToDouble(), std::ldexp(1.0, 80) / 3);
  EXPECT_EQ(Dec("0.30000000000000004").ToDouble(), 0.30000000000000004);
  EXPECT_EQ(Dec("123.456").ToString(), "123.456");
  EXPECT_EQ(Exact::Fraction(1, 3).ToString(), "1/3");
}

}  // namespace
}  // namespace phase4
