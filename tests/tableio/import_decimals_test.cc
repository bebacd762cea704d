// Decision 35 at the import: a NUMERIC(p, s) cell is rounded to s decimals
// half to even on the decimal its CSV text writes, not on the nearest binary
// value ("2.675" is 2.675, stored 2.68; printf of the double gives 2.67).
#include <gtest/gtest.h>

#include <string>

#include "tableio/table_io.h"
#include "warehouse/schema.h"

namespace phase4::tableio {
namespace {

double Imported(const char* column, const std::string& text) {
  const TableSchema& t = PlayerGameSummarySchema();
  const std::string csv = std::string(
                              "player_lookup,game_id,game_date,team_abbr,opponent_team_abbr,"
                              "season_year,starter_flag,win_flag,is_active,") +
                          column + "\naa,g1,2023-10-25,BOS,NYK,2023,true,false,true," + text + "\n";
  auto rows = ParseCsvRows(t, "d.csv", csv);
  EXPECT_TRUE(rows.ok()) << rows.status().message();
  if (!rows.ok()) return -1;
  return std::get<double>((*rows)[0][static_cast<size_t>(t.ColumnIndex(column))]);
}

TEST(ImportDecimalsTest, TiesRoundHalfToEvenOnTheWrittenDecimal) {
  EXPECT_EQ(Imported("usage_rate", "2.675"), 2.68);    // NUMERIC(5,2); binary: 2.67
  EXPECT_EQ(Imported("usage_rate", "1.005"), 1.0);     // 0 is even; binary: 1.00 too
  EXPECT_EQ(Imported("usage_rate", "2.665"), 2.66);    // 6 is even
  EXPECT_EQ(Imported("ts_pct", "0.1235"), 0.124);      // NUMERIC(5,3); binary: 0.123
  EXPECT_EQ(Imported("minutes_played", "0.25"), 0.2);  // NUMERIC(4,1)
  EXPECT_EQ(Imported("minutes_played", "35.35"), 35.4);
  EXPECT_EQ(Imported("usage_rate", "-2.675"), -2.68);
  EXPECT_EQ(Imported("usage_rate", "2.675e1"), 26.75);
  EXPECT_EQ(Imported("usage_rate", "26755e-3"), 26.76);  // 26.755
  EXPECT_EQ(Imported("usage_rate", ".125"), 0.12);
  // Text beyond exact range keeps the binary rounding (decision 34).
  EXPECT_EQ(Imported("usage_rate", "1e300"), 1e300);
}

}  // namespace
}  // namespace phase4::tableio
