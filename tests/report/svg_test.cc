// The drawing pieces of the HTML report: escaping of stored text, the
// month grids and the line chart.
#include "report/svg.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace phase4::report {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HtmlEscapeTest, MarkupQuotesAndBadBytesCannotEscapeTheirPlace) {
  EXPECT_EQ(HtmlEscape(R"(<b a="1" b='2'>&</b>)"),
            "&lt;b a=&quot;1&quot; b=&#39;2&#39;&gt;&amp;&lt;/b&gt;");
  EXPECT_EQ(HtmlEscape("bad \xff byte, bell \x07, tab\tand\nnewline"),
            "bad \\xff byte, bell \\x07, tab\tand\nnewline");
  EXPECT_EQ(HtmlEscape("caf\xc3\xa9"), "caf\xc3\xa9");  // valid UTF-8 kept
}

TEST(MonthGridsTest, OneFigurePerMonthAndOneCellPerRowAndDate) {
  const std::vector<Date> dates{MakeDate(2024, 1, 30), MakeDate(2024, 1, 31), MakeDate(2024, 2, 2)};
  const std::string svg = MonthGrids({"a", "b<c"}, dates, [](size_t row, Date d) {
    GridCell c;
    c.css_class = "unit";
    c.fill = row == 0 ? "#123456" : "";
    c.data = {{"date", FormatDate(d)}, {"row", std::to_string(row)}};
    c.title = "t\"" + FormatDate(d);
    return c;
  });
  EXPECT_EQ(Count(svg, "<figure class=\"month\">"), 2u);
  EXPECT_NE(svg.find("<figcaption>2024-01</figcaption>"), std::string::npos);
  EXPECT_NE(svg.find("<figcaption>2024-02</figcaption>"), std::string::npos);
  EXPECT_EQ(Count(svg, "<rect class=\"unit\""), 6u);
  EXPECT_EQ(Count(svg, "fill=\"#123456\""), 3u);
  EXPECT_NE(svg.find("b&lt;c"), std::string::npos);
  EXPECT_NE(svg.find("<title>t&quot;2024-02-02</title>"), std::string::npos);
  // The column is the day of the month: day 31 sits one pitch right of 30.
  std::smatch m30, m31;
  ASSERT_TRUE(std::regex_search(svg, m30,
                                std::regex(R"rx(x="(\d+)" y="14"[^>]*data-date="2024-01-30")rx")));
  ASSERT_TRUE(std::regex_search(svg, m31,
                                std::regex(R"rx(x="(\d+)" y="14"[^>]*data-date="2024-01-31")rx")));
  EXPECT_EQ(std::stoi(m31[1]) - std::stoi(m30[1]), 12);
  EXPECT_EQ(MonthGrids({"a"}, {}, [](size_t, Date) { return GridCell{}; }), "");
}

TEST(LineChartTest, AMissingValueBreaksTheLine) {
  LineChart chart;
  chart.x_labels = {"a", "b", "c", "d", "e"};
  chart.y_min = 0;
  chart.y_max = 10;
  chart.series.push_back({"s", "cls", {1.0, 2.0, std::nullopt, 4.0, 5.0}});
  const std::string svg = RenderLineChart(chart);
  EXPECT_EQ(Count(svg, "<polyline"), 2u);
  EXPECT_EQ(Count(svg, "<circle"), 4u);
  EXPECT_NE(svg.find("<title>s d: 4.00</title>"), std::string::npos);
  EXPECT_EQ(svg.find("e+"), std::string::npos);  // no exponent in coordinates
  // y is flipped: the highest value is drawn highest (smallest y).
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(svg, m, std::regex(R"rx(points="([\d.]+),([\d.]+) ([\d.]+),([\d.]+)")rx")));
  EXPECT_LT(std::stod(m[4]), std::stod(m[2]));
}

}  // namespace
}  // namespace phase4::report
