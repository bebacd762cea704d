// `phase4 report` through the binary: every figure is for the range asked
// (before, the row counts were whole tables and the signal check a fixed
// 2024-25 window), an empty sample is said in words, and --json, --quiet,
// --html and --help do what they say.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "processors/registry.h"
#include "report/report_fixture.h"
#include "warehouse/schema.h"

namespace phase4::report {
namespace {

namespace fs = std::filesystem;
using testing::ReportFixture;

class ReportCliTest : public ReportFixture {};

TEST_F(ReportCliTest, EveryFigureIsForTheRangeAsked) {
  RunAllWithGap();
  const std::string from = "2023-11-06", to = "2023-11-10";
  auto j = Json({"report", "--start-date", from, "--end-date", to, "--json"});
  const int game_dates = j["game_dates"].get<int>();
  ASSERT_GT(game_dates, 0);
  // Rows of each table whose date column is within the range.
  std::vector<const TableSchema*> tables = Phase3Tables();
  tables.insert(tables.end(), Phase4Tables().begin(), Phase4Tables().end());
  ASSERT_EQ(j["tables"].size(), tables.size());
  for (size_t i = 0; i < tables.size(); ++i) {
    const TableSchema& t = *tables[i];
    EXPECT_EQ(j["tables"][i]["table"], t.FullName());
    const std::string in_range =
        Query(t.dataset, "SELECT COUNT(*) FROM " + t.name + " WHERE " + t.date_column +
                             " BETWEEN '" + from + "' AND '" + to + "'");
    EXPECT_EQ(j["tables"][i]["rows"].get<int64_t>(), std::stoll(in_range)) << t.FullName();
    EXPECT_LT(j["tables"][i]["rows"].get<int64_t>(),
              std::stoll(Query(t.dataset, "SELECT COUNT(*) FROM " + t.name)))
        << t.FullName();
  }
  for (const auto& job : j["jobs"]) {
    EXPECT_EQ(job["up_to_date"], game_dates) << job;
    EXPECT_EQ(job["recorded"]["succeeded"], game_dates) << job;
  }
  EXPECT_TRUE(j["problems"].empty()) << j["problems"];  // the gap's units are later
  // The signal check covers the report's range unless asked otherwise.
  EXPECT_EQ(j["signal"]["start_date"], from);
  EXPECT_EQ(j["signal"]["end_date"], to);
  ASSERT_EQ(j["signal"]["months"].size(), 1u);
  EXPECT_EQ(j["signal"]["months"][0]["month"], "2023-11");
  const int64_t samples = j["signal"]["samples"].get<int64_t>();
  EXPECT_GT(samples, 0);
  EXPECT_EQ(j["signal"]["months"][0]["samples"], samples);
  EXPECT_GT(j["signal"]["mae_points_avg_last_10"].get<double>(), 0);
  // A wider signal window, by month; its months add up.
  auto wide = Json({"report", "--start-date", from, "--end-date", to, "--signal-start", kStart,
                    "--signal-end", kEnd, "--json"});
  ASSERT_EQ(wide["signal"]["months"].size(), 2u);
  EXPECT_EQ(wide["signal"]["months"][0]["month"], "2023-10");
  EXPECT_EQ(wide["signal"]["months"][0]["samples"].get<int64_t>() +
                wide["signal"]["months"][1]["samples"].get<int64_t>(),
            wide["signal"]["samples"].get<int64_t>());
  EXPECT_GT(wide["signal"]["samples"].get<int64_t>(), samples);
  // The text says the same.
  auto text = Phase4({"report", "--start-date", from, "--end-date", to});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(
      text.out.find(fmt::format("Signal check, {} to {} ({} player-games):", from, to, samples)),
      std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(fmt::format("  {:<48} {:>10}\n", "nba_analytics.player_game_summary",
                                      j["tables"][0]["rows"].get<int64_t>())),
            std::string::npos)
      << text.out;
}

TEST_F(ReportCliTest, TheFailedAndBlockedUnitsAreListedWithTheirReasons) {
  RunAllWithGap();
  auto j = Json({"report", "--start-date", kStart, "--end-date", kEnd, "--json"});
  std::set<std::string> blocked;
  for (const auto& p : j["problems"]) {
    EXPECT_EQ(p["date"], kBlocked) << p;
    EXPECT_EQ(p["state"], "blocked") << p;
    EXPECT_FALSE(p["reason"].get<std::string>().empty()) << p;
    blocked.insert(p["job"].get<std::string>());
  }
  // Every job but team_defense_zone_analysis reads player_game_summary,
  // directly or through an upstream job.
  EXPECT_EQ(blocked.size(), processors::AllProcessors().size() - 1);
  EXPECT_FALSE(blocked.count("team_defense_zone_analysis"));
  auto text = Phase4({"report", "--start-date", kStart, "--end-date", kEnd});
  EXPECT_NE(text.out.find(fmt::format("Failed and blocked units ({}):", blocked.size())),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(std::string("#2 player_shot_zone_analysis ") + kBlocked +
                          " blocked: No data for date"),
            std::string::npos)
      << text.out;
}

// Phase 4 never ran: nothing to average, and the report says so instead of
// printing 0.000.
TEST_F(ReportCliTest, AnEmptySampleIsSaidInWords) {
  auto text = Phase4({"report", "--start-date", "2023-11-06", "--end-date", "2023-11-10"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(
      text.out.find(
          "Signal check, 2023-11-06 to 2023-11-10: no player-games in range; no signal check"),
      std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("Feature quality: no scored feature rows in range"), std::string::npos)
      << text.out;
  EXPECT_EQ(text.out.find("0.000"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(fmt::format("  {:<30} {:>10}\n", "ml_feature_store", "not run")),
            std::string::npos)
      << text.out;
  auto j = Json({"report", "--start-date", "2023-11-06", "--end-date", "2023-11-10", "--json"});
  EXPECT_EQ(j["signal"]["samples"], 0);
  EXPECT_TRUE(j["signal"]["mae_points_avg_last_10"].is_null()) << j["signal"];
  EXPECT_TRUE(j["signal"]["months"][0]["mae_points_avg_season"].is_null()) << j["signal"];
  EXPECT_TRUE(j["feature_quality"]["mean"].is_null()) << j["feature_quality"];
  EXPECT_TRUE(j["jobs"][0]["recorded"].is_null()) << j["jobs"][0];
}

TEST_F(ReportCliTest, ARangeWithoutGameDatesSaysSoAndClaimsNothing) {
  auto text = Phase4({"report", "--start-date", "2023-07-01", "--end-date", "2023-07-31"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("2023-07-01 to 2023-07-31: no game dates in range"), std::string::npos)
      << text.out;
  for (const char* claim : {"processed", "Rows per table", "Signal check", "feature"})
    EXPECT_EQ(text.out.find(claim), std::string::npos) << claim << "\n" << text.out;
  auto j = Json({"report", "--start-date", "2023-07-01", "--end-date", "2023-07-31", "--json"});
  EXPECT_EQ(j["game_dates"], 0);
  EXPECT_FALSE(j.contains("jobs")) << j;
}

TEST_F(ReportCliTest, QuietPrintsNothingAndJsonIsOneObject) {
  const fs::path html = Path("r.html");
  auto quiet = Phase4(
      {"report", "--start-date", kStart, "--end-date", kEnd, "--quiet", "--html", html.string()});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out, "");
  EXPECT_EQ(quiet.err, "");
  EXPECT_NE(testing::ReadFile(html).find("</html>"), std::string::npos);
  EXPECT_FALSE(fs::exists(html.string() + ".tmp"));
  // --json with --html: still nothing but the object on stdout.
  auto json = Phase4(
      {"report", "--start-date", kStart, "--end-date", kEnd, "--json", "--html", html.string()});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_FALSE(nlohmann::json::parse(json.out, nullptr, false).is_discarded()) << json.out;
  // Without --quiet, the text names the file.
  auto text =
      Phase4({"report", "--start-date", kStart, "--end-date", kEnd, "--html", html.string()});
  EXPECT_NE(text.out.find("HTML report: " + html.string() + "\n"), std::string::npos) << text.out;
}

TEST_F(ReportCliTest, UsageErrorsExit64AndAnUnwritableFileExits1) {
  EXPECT_EQ(Phase4({"report", "--start-date", kEnd, "--end-date", kStart}).exit_code, 64);
  EXPECT_EQ(Phase4({"report", "--start-date", kStart, "--end-date", kEnd, "--signal-start", kEnd,
                    "--signal-end", kStart})
                .exit_code,
            64);
  EXPECT_EQ(
      Phase4({"report", "--start-date", kStart, "--end-date", kEnd, "--quiet", "--json"}).exit_code,
      64);
  auto unwritable = Phase4({"report", "--start-date", kStart, "--end-date", kEnd, "--quiet",
                            "--html", Path("no/such/dir/r.html").string()});
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_NE(unwritable.err.find("cannot write the HTML report"), std::string::npos)
      << unwritable.err;
}

TEST(ReportHelpTest, SaysWhatItDoesWithExamplesAndExitCodes) {
  auto help = testing::RunPhase4({"report", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* text : {"--html", "--json", "--quiet", "Examples:",
                           "phase4 report --start-date 2024-01-01 --end-date 2024-01-31",
                           "Exit status: 0 ok", "1 error", "64 usage", "74 the warehouse"})
    EXPECT_NE(help.out.find(text), std::string::npos) << text << "\n" << help.out;
}

}  // namespace
}  // namespace phase4::report
