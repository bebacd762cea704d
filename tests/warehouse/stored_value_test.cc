// StoredValue: what SQLite reads back of a value written to a column.
#include <gtest/gtest.h>

#include <cmath>

#include "warehouse/stored_value.h"

namespace phase4 {
namespace {

TEST(StoredValueTest, IsWhatSqliteReadsBack) {
  using T = ColumnType;
  EXPECT_EQ(StoredValue(T::kReal, Value(int64_t{7})), Value(7.0));
  EXPECT_EQ(StoredValue(T::kReal, Value(2.5)), Value(2.5));
  auto zero = StoredValue(T::kReal, Value(-0.0));
  ASSERT_TRUE(zero && std::holds_alternative<double>(*zero));
  EXPECT_FALSE(std::signbit(std::get<double>(*zero)));
  EXPECT_EQ(StoredValue(T::kReal, Value(std::nan(""))), Value());
  EXPECT_EQ(StoredValue(T::kInt, Value(int64_t{3})), Value(int64_t{3}));
  EXPECT_EQ(StoredValue(T::kBool, Value()), Value());
  EXPECT_EQ(StoredValue(T::kDate, Value(std::string("2025-01-27"))),
            Value(std::string("2025-01-27")));
  // Conversions SQLite would make that are not modelled: not held.
  EXPECT_FALSE(StoredValue(T::kInt, Value(3.0)));
  EXPECT_FALSE(StoredValue(T::kText, Value(int64_t{3})));
  EXPECT_FALSE(StoredValue(T::kReal, Value(std::string("1.5"))));
}

}  // namespace
}  // namespace phase4
