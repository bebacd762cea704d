// The training-set export of nba_predictions.ml_feature_store_v2
// (doc/training-export.md): header, one row per (player, date), the join
// with the actual points, no leakage, JSONL, and `export --raw` round trip.
#include "tableio/training_export.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "execution/run_date.h"
#include "processors/common/writer.h"
#include "processors/ml_feature_store/ml_feature_store.h"
#include "processors/processor_test_util.h"
#include "tableio/csv.h"
#include "test_support.h"

namespace phase4::tableio {
namespace {

using processors::test::D;

const Date kD1 = D("2025-01-13");
const Date kD2 = D("2025-01-15");

Row Pgs(const std::string& player, Date date, int64_t points) {
  processors::test::PlayerGame g;
  g.player = player;
  g.upid = player + "_001";
  g.date = date;
  g.team = "LAL";
  g.opponent = "GSW";
  Row r = processors::test::PlayerRow(g);
  r[static_cast<size_t>(PlayerGameSummarySchema().ColumnIndex("points"))] = points;
  r[static_cast<size_t>(PlayerGameSummarySchema().ColumnIndex("ft_makes"))] = points / 5;
  return r;
}

Row Context(const std::string& player, Date d) {
  RowBuilder b(UpcomingPlayerGameContextSchema());
  b.Set("player_lookup", player)
      .Set("game_id", FormatCompactDate(d) + "_GSW_LAL")
      .Set("game_date", FormatDate(d))
      .Set("team_abbr", std::string("LAL"))
      .Set("opponent_team_abbr", std::string("GSW"))
      .Set("home_game", int64_t{1})
      .Set("back_to_back", int64_t{0})
      .Set("days_rest", int64_t{1})
      .Set("opponent_days_rest", int64_t{1});
  return b.Build();
}

std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  CsvReader reader("export", text);
  std::vector<std::vector<std::string>> out;
  while (true) {
    CsvRecord rec;
    Status s = reader.Next(&rec);
    EXPECT_TRUE(s.ok()) << s.message();
    if (!s.ok() || reader.done()) break;
    std::vector<std::string> fields;
    for (auto& f : rec.fields) fields.push_back(f.text);
    out.push_back(std::move(fields));
  }
  return out;
}

// Two game dates; alice and bob play 8 games before and on both dates;
// carol is in the context of both dates but never plays (actual_points
// empty).
class TrainingExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto wh = Warehouse::Open(dir_.str(), true);
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    wh_ = std::move(wh).value();
    schedule_.Game(D("2024-10-22"), "NYK", "BOS");
    for (int i = 0; i < 10; ++i) {
      const Date g = AddDays(kD1, -2 * (i + 1));
      schedule_.Game(g, "LAL", "GSW");
      pgs_.push_back(Pgs("alice", g, 20 + i));
      pgs_.push_back(Pgs("bob", g, 10 + i));
    }
    for (Date d : {kD1, kD2}) {
      schedule_.Game(d, "LAL", "GSW");
      pgs_.push_back(Pgs("alice", d, d == kD1 ? 31 : 33));
      pgs_.push_back(Pgs("bob", d, d == kD1 ? 11 : 13));
    }
    WriteAll();
  }

  // Computes #5 for both dates from the in-memory Phase 3 rows and writes
  // it and the player summaries into the warehouse.
  void WriteAll() {
    std::vector<Row> context;
    for (Date d : {kD1, kD2})
      for (const char* p : {"alice", "bob", "carol"}) context.push_back(Context(p, d));
    auto in = processors::test::MakeInputs(
        schedule_, 2024,
        {{std::string(processors::kPlayerGameSummary), pgs_},
         {std::string(processors::kTeamOffenseGameSummary), {}},
         {std::string(processors::kUpcomingPlayerGameContext), context}});
    for (Date d : {kD1, kD2}) {
      auto rows = processors::ComputeMlFeatureStore(d, in.For(d));
      ASSERT_TRUE(rows.ok()) << rows.status().message();
      auto n = execution::WriteDate(*wh_, processors::MlFeatureStoreInfo(), d, *rows,
                                     "2025-01-20T00:00:00.000000Z");
      ASSERT_TRUE(n.ok()) << n.status().message();
    }
    std::set<Date> dates;
    for (const Row& r : pgs_)
      dates.insert(*ParseDate(
          *AsText(r[static_cast<size_t>(PlayerGameSummarySchema().ColumnIndex("game_date"))])));
    Status s = wh_->ReplaceDates(PlayerGameSummarySchema(),
                                 std::vector<Date>(dates.begin(), dates.end()), pgs_);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  std::string Export(ExportFormat f, std::optional<Date> start = kD1,
                     std::optional<Date> end = kD2) {
    std::ostringstream out;
    Status s = ExportTrainingSet(*wh_, start, end, f, out);
    EXPECT_TRUE(s.ok()) << s.message();
    return out.str();
  }

  testing::TempDir dir_;
  std::unique_ptr<Warehouse> wh_;
  processors::test::ScheduleBuilder schedule_;
  std::vector<Row> pgs_;
};

TEST_F(TrainingExportTest, CsvHasTheFeatureColumnsAndOneRowPerPlayerAndDate) {
  auto csv = ParseCsv(Export(ExportFormat::kCsv));
  ASSERT_EQ(csv.size(), 1u + 6u);
  const auto& header = csv[0];
  EXPECT_EQ(header, TrainingCsvColumns());
  ASSERT_EQ(header.size(), 5u + 25u + 1u);
  for (size_t i = 0; i < 25; ++i) EXPECT_EQ(header[5 + i], processors::FeatureNames()[i]) << i;
  EXPECT_EQ(header.back(), "actual_points");
  std::map<std::pair<std::string, std::string>, std::string> actual;
  for (size_t r = 1; r < csv.size(); ++r) {
    ASSERT_EQ(csv[r].size(), header.size());
    EXPECT_EQ(csv[r][3], "v1_baseline_25");
    EXPECT_EQ(csv[r][2], "GSW");
    for (size_t i = 5; i < 30; ++i) EXPECT_FALSE(csv[r][i].empty()) << header[i];
    EXPECT_TRUE(actual.emplace(std::make_pair(csv[r][0], csv[r][1]), csv[r].back()).second)
        << "duplicate " << csv[r][0] << " " << csv[r][1];
  }
  EXPECT_EQ(actual.at({"alice", "2025-01-13"}), "31");
  EXPECT_EQ(actual.at({"alice", "2025-01-15"}), "33");
  EXPECT_EQ(actual.at({"bob", "2025-01-15"}), "13");
  EXPECT_EQ(actual.at({"carol", "2025-01-13"}), "");  // did not play
  // A date range selects its dates only.
  EXPECT_EQ(ParseCsv(Export(ExportFormat::kCsv, kD2, kD2)).size(), 1u + 3u);
}

// Decision 5: a different result on D changes the label, nothing else.
TEST_F(TrainingExportTest, NoLeakageChangingTheGameOnD) {
  const auto before = ParseCsv(Export(ExportFormat::kCsv));
  for (Row& r : pgs_)
    if (AsText(r[static_cast<size_t>(PlayerGameSummarySchema().ColumnIndex("game_date"))]) ==
        FormatDate(kD2))
      r[static_cast<size_t>(PlayerGameSummarySchema().ColumnIndex("points"))] = int64_t{55};
  WriteAll();  // recompute the features from the changed box scores too
  const auto after = ParseCsv(Export(ExportFormat::kCsv));
  ASSERT_EQ(before.size(), after.size());
  int changed = 0;
  for (size_t r = 0; r < before.size(); ++r) {
    ASSERT_EQ(before[r].size(), after[r].size());
    for (size_t c = 0; c + 1 < before[r].size(); ++c)
      EXPECT_EQ(before[r][c], after[r][c]) << before[0][c] << " row " << r;
    if (before[r].back() != after[r].back()) {
      ++changed;
      EXPECT_EQ(after[r][1], "2025-01-15");
      EXPECT_EQ(after[r].back(), "55");
    }
  }
  EXPECT_EQ(changed, 2);  // alice and bob on D2
}

TEST_F(TrainingExportTest, JsonlKeepsTheArrayForm) {
  std::istringstream in(Export(ExportFormat::kJsonl));
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    ++rows;
    ASSERT_TRUE(j["features"].is_array());
    EXPECT_EQ(j["features"].size(), 25u);
    EXPECT_EQ(j["feature_names"].size(), 25u);
    EXPECT_EQ(j["feature_names"][11], "recent_trend");
    EXPECT_EQ(j["feature_version"], "v1_baseline_25");
    for (const auto& v : j["features"]) EXPECT_TRUE(v.is_number());
    if (j["player_lookup"] == "carol")
      EXPECT_TRUE(j["actual_points"].is_null());
    else
      EXPECT_TRUE(j["actual_points"].is_number_integer());
  }
  EXPECT_EQ(rows, 6);
}

// Through the binary: `export` of the feature store is the training set;
// `export --raw` is the stored table, and import(export --raw) round-trips.
TEST_F(TrainingExportTest, CliTrainingAndRawExports) {
  wh_.reset();
  auto training = testing::RunPhase4({"--warehouse", dir_.str(), "export",
                                      "nba_predictions.ml_feature_store_v2", "--start-date",
                                      "2025-01-13", "--end-date", "2025-01-15", "--format", "csv"});
  ASSERT_EQ(training.exit_code, 0) << training.err;
  auto csv = ParseCsv(training.out);
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(csv[0], TrainingCsvColumns());
  EXPECT_EQ(csv.size(), 7u);

  auto raw = testing::RunPhase4(
      {"--warehouse", dir_.str(), "export", "nba_predictions.ml_feature_store_v2", "--raw"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  auto raw_csv = ParseCsv(raw.out);
  ASSERT_FALSE(raw_csv.empty());
  EXPECT_EQ(raw_csv[0].size(), processors::MlFeatureStoreSchema().columns.size());
  testing::TempDir other;
  const auto file = other.path() / "fs.csv";
  testing::WriteFile(file, raw.out);
  const std::string other_wh = (other.path() / "wh").string();
  ASSERT_EQ(testing::RunPhase4({"--warehouse", other_wh, "init"}).exit_code, 0);
  auto imp = testing::RunPhase4(
      {"--warehouse", other_wh, "import", "nba_predictions.ml_feature_store_v2", file.string()});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  auto again = testing::RunPhase4(
      {"--warehouse", other_wh, "export", "nba_predictions.ml_feature_store_v2", "--raw"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, raw.out);
}

// Bytes that are not UTF-8 in the feature store (written by another tool)
// are replaced with U+FFFD; the training export never aborts on them.
TEST_F(TrainingExportTest, InvalidUtf8InTheFeatureStoreIsReplacedNotFatal) {
  wh_.reset();
  testing::ExecSql(dir_.path() / "nba_predictions.db",
                   "UPDATE ml_feature_store_v2 SET player_lookup = 'al' || CAST(x'ff' AS TEXT) || "
                   "'ice' WHERE player_lookup = 'alice'");
  for (const char* format : {"jsonl", "csv"}) {
    auto r = testing::RunPhase4({"--warehouse", dir_.str(), "export",
                                 "nba_predictions.ml_feature_store_v2", "--start-date",
                                 "2025-01-13", "--end-date", "2025-01-15", "--format", format});
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_EQ(InvalidUtf8Offset(r.out), std::string::npos) << format;
    EXPECT_NE(r.out.find("al\xef\xbf\xbdice"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace phase4::tableio
