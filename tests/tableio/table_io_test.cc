#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"
#include "tableio/table_io.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bad_input_corpus.h"
#include "tableio/csv.h"
#include "test_support.h"

namespace phase4::tableio {
namespace {

const char* kHeader =
    "player_lookup,game_id,game_date,team_abbr,opponent_team_abbr,season_year,points,"
    "minutes_played,fg_attempts,fg_makes,three_pt_attempts,three_pt_makes,paint_attempts,"
    "paint_makes,starter_flag,win_flag,is_active,player_full_name\n";

std::string Line(const std::string& player, const std::string& game, const std::string& date,
                 const std::string& team = "BOS", const std::string& minutes = "31.0",
                 const std::string& fga = "12", const std::string& fgm = "6") {
  return player + "," + game + "," + date + "," + team + ",NYK,2023,14," + minutes + "," + fga +
         "," + fgm + ",4,1,5,3,true,false,true,\"Doe, \"\"JJ\"\"\"\n";
}

TEST(CsvReaderTest, QuotedEmptyIsNotNullAndLinesAreCounted) {
  CsvReader r("x.csv", "a,\"\",\n\"multi\nline\",b\n");
  CsvRecord rec;
  ASSERT_TRUE(r.Next(&rec).ok());
  ASSERT_EQ(rec.fields.size(), 3u);
  EXPECT_TRUE(rec.fields[1].quoted);
  EXPECT_FALSE(rec.fields[2].quoted);
  ASSERT_TRUE(r.Next(&rec).ok());
  EXPECT_EQ(rec.line, 2);
  EXPECT_EQ(rec.fields[0].text, "multi\nline");
  ASSERT_TRUE(r.Next(&rec).ok());
  EXPECT_TRUE(r.done());
}

struct BadCase {
  const char* name;
  std::string content;
  std::string expect_in_message;
};

// Test names carry the case name; print only that, not the bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class MalformedCsvTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedCsvTest, FailsNamingFileLineAndFieldAndWritesNothing) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  auto path = dir.path() / "pgs.csv";
  testing::WriteFile(path, std::string(kHeader) + Line("aa", "20231025_NYK_BOS", "2023-10-25"));
  ASSERT_TRUE(ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string()).ok());

  testing::WriteFile(path, GetParam().content);
  auto r = ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string());
  ASSERT_FALSE(r.ok());
  const std::string& msg = r.status().message();
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find(GetParam().expect_in_message), std::string::npos) << msg;
  auto rows = wh->SelectRows(PlayerGameSummarySchema(), std::nullopt, std::nullopt);
  ASSERT_EQ(rows->size(), 1u);  // the earlier load is intact
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, MalformedCsvTest,
    ::testing::Values(
        BadCase{"empty", "", "line 1: empty file"},
        BadCase{"unknown_column", "player_lookup,shoe_size\n", "line 1: field shoe_size"},
        BadCase{"missing_required", "player_lookup,game_id\n", "field game_date: required"},
        BadCase{"wrong_field_count",
                std::string(kHeader) + Line("aa", "g1", "2023-10-25") + "bb,g2,2023-10-25\n",
                "line 3: field team_abbr: expected 18 fields, found 3"},
        BadCase{"bad_date", std::string(kHeader) + Line("aa", "g1", "2023-02-30"),
                "line 2: field game_date: '2023-02-30' is not a date"},
        BadCase{"unknown_team", std::string(kHeader) + Line("aa", "g1", "2023-10-25", "XYZ"),
                "line 2: field team_abbr: unknown team 'XYZ'"},
        BadCase{"negative_minutes",
                std::string(kHeader) + Line("aa", "g1", "2023-10-25", "BOS", "-3"),
                "line 2: field minutes_played: negative value"},
        BadCase{"makes_above_attempts",
                std::string(kHeader) + Line("aa", "g1", "2023-10-25", "BOS", "30", "5", "7"),
                "line 2: field fg_makes: 7 makes exceed 5 attempts"},
        BadCase{
            "duplicate_key",
            std::string(kHeader) + Line("aa", "g1", "2023-10-25") + Line("aa", "g1", "2023-10-25"),
            "line 3: field player_lookup: duplicate key"},
        BadCase{"binary_garbage", std::string(kHeader) + std::string("aa\0\x01\x02,b\n", 8),
                "line 2: field 1: binary data"},
        BadCase{"not_an_integer",
                std::string(kHeader) + Line("aa", "g1", "2023-10-25", "BOS", "30", "x"),
                "line 2: field fg_attempts: 'x' is not an integer"},
        BadCase{"huge_line", std::string(kHeader) + std::string(10 << 20, 'a') + "\n",
                "line 2: field 1: longer than"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(TableIoTest, ExportThenImportReproducesTheTable) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  auto path = dir.path() / "pgs.csv";
  testing::WriteFile(path, std::string(kHeader) + Line("aa", "g1", "2023-10-25") +
                               Line("bb", "g1", "2023-10-25", "BOS", "") +
                               Line("cc", "g2", "2023-10-27", "LAL", "12.3"));
  ASSERT_TRUE(ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string()).ok());
  for (auto format : {ExportFormat::kCsv}) {
    std::ostringstream first;
    ASSERT_TRUE(
        ExportTable(*wh, PlayerGameSummarySchema(), std::nullopt, std::nullopt, format, first)
            .ok());
    auto before = wh->SelectRows(PlayerGameSummarySchema(), std::nullopt, std::nullopt);

    testing::TempDir dir2;
    auto wh2 = std::move(Warehouse::Open(dir2.str(), true)).value();
    auto exported = dir2.path() / "export.csv";
    testing::WriteFile(exported, first.str());
    ASSERT_TRUE(ImportCsvFile(*wh2, PlayerGameSummarySchema(), exported.string()).ok());
    auto after = wh2->SelectRows(PlayerGameSummarySchema(), std::nullopt, std::nullopt);
    EXPECT_EQ(*before, *after);
    std::ostringstream second;
    ASSERT_TRUE(
        ExportTable(*wh2, PlayerGameSummarySchema(), std::nullopt, std::nullopt, format, second)
            .ok());
    EXPECT_EQ(first.str(), second.str());
  }
  // The name with a comma and quotes and the NULL minutes survive.
  auto rows = wh->SelectRows(PlayerGameSummarySchema(), std::nullopt, std::nullopt);
  int name = PlayerGameSummarySchema().ColumnIndex("player_full_name");
  int minutes = PlayerGameSummarySchema().ColumnIndex("minutes_played");
  EXPECT_EQ(std::get<std::string>((*rows)[0][name]), "Doe, \"JJ\"");
  EXPECT_TRUE(IsNull((*rows)[1][minutes]));
}

TEST(TableIoTest, ReimportReplacesTheDatesTheFileCovers) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  auto path = dir.path() / "pgs.csv";
  testing::WriteFile(
      path, std::string(kHeader) + Line("aa", "g1", "2023-10-25") + Line("cc", "g2", "2023-10-27"));
  ASSERT_TRUE(ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string()).ok());
  ASSERT_TRUE(ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string()).ok());
  EXPECT_EQ(*wh->CountRows(PlayerGameSummarySchema()), 2);
  testing::WriteFile(path, std::string(kHeader) + Line("dd", "g3", "2023-10-25"));
  ASSERT_TRUE(ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string()).ok());
  EXPECT_EQ(*wh->CountRows(PlayerGameSummarySchema()), 2);  // 10-25 replaced, 10-27 kept
}

TEST(TableIoTest, HugeNumericValuesKeepTheirValue) {
  // NUMERIC(p, s) rounding once cut the printf text of values above 1e61 to
  // 63 characters: 1e300 was stored as 1e62.
  const TableSchema& t = PlayerGameSummarySchema();
  std::string csv =
      "player_lookup,game_id,game_date,team_abbr,opponent_team_abbr,season_year,"
      "starter_flag,win_flag,is_active,usage_rate,ts_pct\n"
      "aa,g1,2023-10-25,BOS,NYK,2023,true,false,true,1e300,12.3456\n";
  auto rows = ParseCsvRows(t, "big.csv", csv);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(std::get<double>((*rows)[0][t.ColumnIndex("usage_rate")]), 1e300);
  EXPECT_EQ(std::get<double>((*rows)[0][t.ColumnIndex("ts_pct")]), 12.346);  // NUMERIC(5,3)
}

TEST(TableIoTest, NumbersAreStrict) {
  const TableSchema& t = PlayerGameSummarySchema();
  const std::string head =
      "player_lookup,game_id,game_date,team_abbr,opponent_team_abbr,season_year,"
      "starter_flag,win_flag,is_active,points,usage_rate\n"
      "aa,g1,2023-10-25,BOS,NYK,2023,true,false,true,";
  for (const char* bad : {" 5,1", "+5,1", "5 ,1", "0x10,1", "5,0x1p3", "5, 1.5", "5,inf"}) {
    auto rows = ParseCsvRows(t, "n.csv", head + bad + "\n");
    EXPECT_FALSE(rows.ok()) << bad;
  }
  auto rows = ParseCsvRows(t, "n.csv", head + "-0,+1.5e1\n");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(std::get<double>((*rows)[0][t.ColumnIndex("usage_rate")]), 15.0);
}

TEST(TableIoTest, JsonlEmbedsJsonColumnsAndBooleans) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  auto path = dir.path() / "pgs.csv";
  testing::WriteFile(path, std::string(kHeader) + Line("aa", "g1", "2023-10-25"));
  ASSERT_TRUE(ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string()).ok());
  std::ostringstream out;
  ASSERT_TRUE(ExportTable(*wh, PlayerGameSummarySchema(), std::nullopt, std::nullopt,
                          ExportFormat::kJsonl, out)
                  .ok());
  EXPECT_NE(out.str().find("\"is_active\":true"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("\"usage_rate\":null"), std::string::npos);
  EXPECT_NE(out.str().find("\"minutes_played\":31.0"), std::string::npos);
}

TEST(Utf8Test, ValidationFollowsRfc3629) {
  for (std::string ok : {"", "plain", "Jokic \xc5\xbe", "\xe2\x82\xac", "\xf0\x9f\x8f\x80",
                         "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf"})
    EXPECT_EQ(InvalidUtf8Offset(ok), std::string::npos) << ForMessage(ok);
  struct Bad {
    std::string text;
    size_t offset;
  };
  for (const Bad& b : std::vector<Bad>{{"ab\xff", 2},
                                       {"\x80", 0},              // lone continuation byte
                                       {"x\xc0\xaf", 1},         // overlong '/'
                                       {"\xe0\x80\xaf", 0},      // overlong
                                       {"\xed\xa0\x80", 0},      // surrogate U+D800
                                       {"\xf4\x90\x80\x80", 0},  // above U+10FFFF
                                       {"\xf5\x80\x80\x80", 0},  // no such lead byte
                                       {"ok \xe2\x82", 3},       // cut at the end
                                       {"\xc3(", 0}})            // bad continuation
    EXPECT_EQ(InvalidUtf8Offset(b.text), b.offset) << ForMessage(b.text);
}

TEST(Utf8Test, WritersReplaceOrEscapeEveryBadByteAndKeepValidText) {
  EXPECT_EQ(ToValidUtf8("Jokic \xc5\xbe"), "Jokic \xc5\xbe");
  EXPECT_EQ(ToValidUtf8("a\xff"
                        "b\xe2\x82"),
            "a\xef\xbf\xbd"
            "b\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(InvalidUtf8Offset(ToValidUtf8(testing::RandomBytes(4096, 5))), std::string::npos);
  EXPECT_EQ(EscapeInvalidUtf8("caf\xc3\xa9 \xff\x1b[31m"), "caf\xc3\xa9 \\xff\\x1b[31m");
  EXPECT_EQ(InvalidUtf8Offset(EscapeInvalidUtf8(testing::RandomBytes(4096, 6))), std::string::npos);
  EXPECT_EQ(SkipUtf8Bom("\xef\xbb\xbfx"), "x");
  EXPECT_EQ(SkipUtf8Bom("x\xef\xbb\xbf"), "x\xef\xbb\xbf");
}

TEST(TableIoTest, ImportRejectsInvalidUtf8NamingLineAndFieldAndLoadsNothing) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  auto path = dir.path() / "pgs.csv";
  std::string bad = Line("bb", "g2", "2023-10-26");
  bad.replace(bad.find("Doe"), 3,
              "D\xff"
              "e");
  testing::WriteFile(path, std::string(kHeader) + Line("aa", "g1", "2023-10-25") + bad);
  auto r = ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            path.string() +
                ": line 3: field player_full_name: invalid UTF-8 (byte \\xff at byte 2 of the "
                "field)");
  EXPECT_EQ(testing::QuerySql(dir.path() / "nba_analytics.db",
                              "SELECT COUNT(*) FROM player_game_summary"),
            "0");
}

TEST(TableIoTest, ImportAcceptsAUtf8ByteOrderMark) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  auto path = dir.path() / "pgs.csv";
  testing::WriteFile(path, "\xef\xbb\xbf" + std::string(kHeader) + Line("aa", "g1", "2023-10-25"));
  auto r = ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rows, 1);
}

// Bytes that are not UTF-8 stored by another tool (the repro wrote
// them through an older import) never abort an export: JSONL and CSV
// replace them with U+FFFD and the export succeeds.
TEST(TableIoTest, ExportOfInvalidUtf8InTheWarehouseReplacesItAndNeverAborts) {
  testing::TempDir dir;
  const std::string wh_dir = (dir.path() / "wh").string();
  {
    auto wh = std::move(Warehouse::Open(wh_dir, true)).value();
    auto path = dir.path() / "pgs.csv";
    testing::WriteFile(path, std::string(kHeader) + Line("aa", "g1", "2023-10-25"));
    ASSERT_TRUE(ImportCsvFile(*wh, PlayerGameSummarySchema(), path.string()).ok());
  }
  testing::ExecSql(dir.path() / "wh" / "nba_analytics.db",
                   "UPDATE player_game_summary SET player_full_name = 'Aaron O''Conn' || "
                   "CAST(x'ff' AS TEXT) || 'll', player_lookup = 'a' || CAST(x'c3' AS TEXT)");
  for (const char* format : {"jsonl", "csv"}) {
    auto r = testing::RunPhase4(
        {"--warehouse", wh_dir, "export", "nba_analytics.player_game_summary", "--format", format});
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_EQ(InvalidUtf8Offset(r.out), std::string::npos) << format;
    EXPECT_NE(r.out.find("Aaron O'Conn\xef\xbf\xbdll"), std::string::npos) << r.out;
    if (std::string(format) == "jsonl") {
      auto row = nlohmann::json::parse(r.out);
      EXPECT_EQ(row["player_lookup"], "a\xef\xbf\xbd");
    }
  }
}

// Any stored cell, of any type in any column, is written without failing:
// a boolean column holding NaN (the first jsonl_export_fuzz finding: an
// undefined double-to-integer cast), text that is not UTF-8 in a number
// column, a JSON column nested too deep to write back.
TEST(TableIoTest, ExportWritesAnyStoredCellWithoutFailing) {
  const TableSchema& t = processors::TeamDefenseZoneAnalysisSchema();
  Row r(t.size());
  auto set = [&](const char* column, Value v) {
    ASSERT_GE(t.ColumnIndex(column), 0) << column;
    r[static_cast<size_t>(t.ColumnIndex(column))] = std::move(v);
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].type == ColumnType::kBool) r[i] = nan;
  set("team_abbr", std::string("B\xffS"));
  set("analysis_date", 1e300);
  set("data_quality_issues", std::string(100, '[') + std::string(100, ']'));
  for (ExportFormat f : {ExportFormat::kJsonl, ExportFormat::kCsv}) {
    std::string out;
    AppendExportRow(t, r, f, &out);
    EXPECT_EQ(InvalidUtf8Offset(out), std::string::npos) << out;
    if (f == ExportFormat::kJsonl) {
      auto j = nlohmann::json::parse(out);
      EXPECT_EQ(j["team_abbr"], "B\xef\xbf\xbdS");
      EXPECT_TRUE(j["data_quality_issues"].is_string());
    }
  }
  EXPECT_EQ(AsInt(Value{nan}), std::nullopt);
  EXPECT_EQ(AsInt(Value{1e300}), std::nullopt);
  EXPECT_EQ(AsInt(Value{-1e19}), std::nullopt);
  EXPECT_EQ(AsInt(Value{-3.9}), -3);
}

}  // namespace
}  // namespace phase4::tableio
