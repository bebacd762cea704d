// The HTML report in a real browser: headless Chromium (Debian package
// `chromium`, installed by scripts/install-deps.sh) loads the page from
// disk, and the test reads the DOM it built, takes a screenshot and checks
// the page logged nothing to the console. The page's Content-Security-Policy
// blocks every load from elsewhere, and a blocked load, an SVG attribute
// Chromium cannot parse or a script error each log a console line.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "processors/registry.h"
#include "report/report_fixture.h"

namespace phase4::report {
namespace {

namespace fs = std::filesystem;
using testing::ReportFixture;

constexpr const char* kChromium = "/usr/bin/chromium";

// Chromium's stderr lines that come from the page: console messages
// ("INFO:CONSOLE(1)]" or ":CONSOLE:1]" by version) and uncaught errors.
std::vector<std::string> ConsoleLines(const std::string& err) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < err.size()) {
    size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    const std::string line = err.substr(start, end - start);
    if (line.find("CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos)
      lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// Runs headless Chromium on the file with `args`, its profile and HOME in
// `scratch`, killed after a minute.
testing::CommandResult Chromium(const fs::path& page, const fs::path& scratch,
                                const std::vector<std::string>& args) {
  std::vector<std::string> a{"-k",
                             "5",
                             "60",
                             kChromium,
                             "--headless=new",
                             "--no-sandbox",  // the tests may run as root
                             "--disable-gpu",
                             "--disable-dev-shm-usage",
                             "--no-first-run",
                             "--user-data-dir=" + (scratch / "profile").string(),
                             "--enable-logging=stderr",
                             "--v=0"};
  a.insert(a.end(), args.begin(), args.end());
  a.push_back("file://" + fs::absolute(page).string());
  return testing::RunProgram("/usr/bin/timeout", a, "", {"HOME=" + (scratch / "home").string()});
}

// A tag's attributes, as the browser serialised them.
std::map<std::string, std::string> Attributes(const std::string& tag) {
  std::map<std::string, std::string> out;
  static const std::regex attr(R"rx(([a-zA-Z][\w-]*)="([^"]*)")rx");
  for (auto it = std::sregex_iterator(tag.begin(), tag.end(), attr); it != std::sregex_iterator();
       ++it)
    out[(*it)[1]] = (*it)[2];
  return out;
}

// Every element `<name ...>` of `dom` whose class attribute starts with
// `class_prefix`.
std::vector<std::map<std::string, std::string>> Elements(const std::string& dom,
                                                         const std::string& name,
                                                         const std::string& class_prefix) {
  std::vector<std::map<std::string, std::string>> out;
  const std::regex tag("<" + name + R"rx(\s[^>]*>)rx");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), tag); it != std::sregex_iterator();
       ++it) {
    auto attrs = Attributes(it->str());
    if (attrs["class"].rfind(class_prefix, 0) == 0) out.push_back(std::move(attrs));
  }
  return out;
}

class HtmlReportBrowserTest : public ReportFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(kChromium))
        << kChromium
        << " is missing: the HTML report is tested in a real browser. Install the Debian "
           "package `chromium` (scripts/install-deps.sh does).";
    ReportFixture::SetUp();
  }

  // `phase4 report --html` over the range; returns the page's path.
  fs::path WriteReport(const std::string& start, const std::string& end) {
    const fs::path page = Path("report.html");
    auto r = Phase4(
        {"report", "--start-date", start, "--end-date", end, "--quiet", "--html", page.string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    return page;
  }

  // The DOM Chromium built from the page; fails on any console line.
  std::string LoadedDom(const fs::path& page) {
    auto r = Chromium(page, Path("chromium"), {"--dump-dom"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ConsoleLines(r.err), std::vector<std::string>{});
    EXPECT_NE(r.out.find("</html>"), std::string::npos) << r.out;
    return r.out;
  }

  void ExpectScreenshot(const fs::path& page) {
    const fs::path png = Path("report.png");
    auto r = Chromium(page, Path("chromium"),
                      {"--screenshot=" + png.string(), "--window-size=1400,2000"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ConsoleLines(r.err), std::vector<std::string>{});
    ASSERT_TRUE(fs::exists(png)) << r.err;
    const std::string bytes = testing::ReadFile(png);
    ASSERT_GT(bytes.size(), 24u);
    EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n");
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    auto be32 = [&](size_t at) {
      uint32_t v = 0;
      for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
      return v;
    };
    EXPECT_EQ(be32(16), 1400u);
    EXPECT_EQ(be32(20), 2000u);
  }
};

// The detector itself: a page that breaks the rules logs console lines this
// Chromium prints, so a clean run of the report means something.
TEST_F(HtmlReportBrowserTest, ConsoleCheckSeesABlockedLoadAndABadSvgAttribute) {
  const fs::path page = Path("bad.html");
  testing::WriteFile(page,
                     "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
                     "content=\"default-src 'none'\"></head><body><img src=\"x.png\">"
                     "<svg><rect width=\"-1\"/></svg></body></html>");
  auto r = Chromium(page, Path("chromium"), {"--dump-dom"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ConsoleLines(r.err).size(), 2u) << r.err;
}

TEST_F(HtmlReportBrowserTest, TheGridShowsEveryUnitInItsStateWithItsReason) {
  RunAllWithGap();
  // A unit whose last attempt failed with an error of any bytes: markup, a
  // byte that is not UTF-8, a second line.
  Exec("nba_precompute",
       "UPDATE phase4_units SET state = 'failed', last_error = CAST(X'" +
           std::string("3c7363726970743e616c6572742831293c2f7363726970743e20ff0a6c696e652074776f") +
           "' AS TEXT) WHERE job = 'player_daily_cache' AND game_date = '2023-11-08'");
  const fs::path page = WriteReport(kStart, kEnd);
  const std::string html = testing::ReadFile(page);
  // Self-contained: nothing to fetch, nothing to run.
  for (const char* outside : {"http:", "https:", "<script", "src=", "<link", "url(", "@import"})
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;

  const std::string dom = LoadedDom(page);
  EXPECT_EQ(dom.find("<script"), std::string::npos);  // the error stayed text
  // The expected units: the game dates and states `phase4 status` gives.
  auto status = Json({"status", "--start-date", kStart, "--end-date", kEnd, "--json"});
  const size_t game_dates = status["game_dates"].get<size_t>();
  ASSERT_GT(game_dates, 20u);
  const auto cells = Elements(dom, "rect", "unit ");
  ASSERT_EQ(cells.size(), processors::AllProcessors().size() * game_dates);
  std::map<std::pair<std::string, std::string>, std::string> state;  // (job, date) -> state
  std::map<std::string, std::map<std::string, int>> per_job;         // job -> state -> units
  for (const auto& c : cells) {
    const std::string& s = c.at("data-state");
    EXPECT_EQ(c.at("class"), "unit state-" + s);
    EXPECT_TRUE(state.emplace(std::make_pair(c.at("data-job"), c.at("data-date")), s).second)
        << "two cells for " << c.at("data-job") << " " << c.at("data-date");
    ++per_job[c.at("data-job")][s];
  }
  for (const auto& job : status["jobs"]) {
    const std::string name = job["job"];
    SCOPED_TRACE(name);
    EXPECT_EQ(per_job[name]["succeeded"], job["up_to_date"].get<int>());
    EXPECT_EQ(per_job[name]["stale"], job["stale"].get<int>());
    EXPECT_EQ(per_job[name]["skipped"], job["skipped"].get<int>());
    for (const auto& u : job["failed_units"]) EXPECT_EQ((state[{name, u["date"]}]), "failed") << u;
    for (const auto& u : job["blocked_units"])
      EXPECT_EQ((state[{name, u["date"]}]), "blocked") << u;
  }
  EXPECT_EQ((state[{"team_defense_zone_analysis", kBlocked}]), "succeeded");
  EXPECT_EQ((state[{"player_shot_zone_analysis", kBlocked}]), "blocked");
  EXPECT_EQ((state[{"ml_feature_store", kBlocked}]), "blocked");
  EXPECT_EQ((state[{"player_daily_cache", "2023-11-08"}]), "failed");
  EXPECT_EQ((state[{"ml_feature_store", "2023-11-08"}]), "blocked");    // its upstream failed
  EXPECT_EQ((state[{"player_composite_factors", kStart}]), "skipped");  // bootstrap
  // The failed unit's reason on hover, escaped, its bad byte shown as \xff.
  const std::string cell =
      R"(data-job="player_daily_cache" data-date="2023-11-08" data-state="failed"><title>)";
  const size_t at = dom.find(cell);
  ASSERT_NE(at, std::string::npos);
  const std::string title =
      dom.substr(at + cell.size(), dom.find("</title>", at) - at - cell.size());
  EXPECT_NE(title.find("failed\n&lt;script&gt;alert(1)&lt;/script&gt; \\xff\nline two\n"),
            std::string::npos)
      << title;
  // The list of failed and blocked units: one row per such cell.
  const auto problems = Elements(dom, "tr", "problem");
  size_t bad_cells = 0;
  for (const auto& [key, s] : state) bad_cells += s == "failed" || s == "blocked";
  EXPECT_EQ(problems.size(), bad_cells);
  // Phase 3 coverage shows the gap; Phase 4 rows per date are the ledger's.
  const auto p3 = Elements(dom, "rect", "rows p3");
  EXPECT_EQ(p3.size(), 5 * game_dates);
  for (const auto& c : p3)
    if (c.at("data-table") == "nba_analytics.player_game_summary") {
      EXPECT_EQ(c.at("data-rows") == "0", c.at("data-date") == kGap) << c.at("data-date");
      EXPECT_EQ(c.at("class") == "rows p3 rows-none", c.at("data-date") == kGap);
    }
  const auto p4 = Elements(dom, "rect", "rows p4");
  EXPECT_EQ(p4.size(), 5 * game_dates);
  for (const auto& c : p4) {
    if (c.at("data-table") != "nba_precompute.player_shot_zone_analysis" ||
        c.at("data-date") != "2023-11-10")
      continue;
    EXPECT_EQ(c.at("data-rows"), Query("nba_precompute",
                                       "SELECT rows_written FROM phase4_units WHERE job = "
                                       "'player_shot_zone_analysis' AND game_date = '2023-11-10'"));
  }
  // Feature quality and the signal by month are drawn.
  EXPECT_GT(Elements(dom, "circle", "point quality").size(), 10u);
  EXPECT_EQ(Elements(dom, "circle", "point last10").size(), 2u);  // October, November
  EXPECT_NE(dom.find("<td>2023-10</td>"), std::string::npos);
  ExpectScreenshot(page);
}

TEST_F(HtmlReportBrowserTest, ARangeWithoutGameDatesLoadsAndSaysSo) {
  const fs::path page = WriteReport("2023-07-01", "2023-07-31");
  const std::string dom = LoadedDom(page);
  EXPECT_NE(dom.find("id=\"no-game-dates\">No game dates in range"), std::string::npos) << dom;
  EXPECT_TRUE(Elements(dom, "rect", "unit ").empty());
  EXPECT_EQ(dom.find("<section"), std::string::npos);
  ExpectScreenshot(page);
}

}  // namespace
}  // namespace phase4::report
