// The pieces the HTML report is drawn with: escaping, a month-by-month grid
// of cells (one per row label and game date) and a line chart, all as
// inline SVG markup with no script and nothing loaded from elsewhere.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "calendar/date.h"

namespace phase4::report {

// `text` safe inside HTML text and quoted attributes: ill-formed UTF-8 and
// control characters (tab and newline aside) become \xHH, and & < > " '
// character references. Stored errors may hold any bytes.
std::string HtmlEscape(std::string_view text);

// One cell of a grid: its classes, its fill when not the classes' own,
// data-* attributes (names without the prefix) and the text shown on hover.
struct GridCell {
  std::string css_class;
  std::string fill;
  std::vector<std::pair<std::string, std::string>> data;
  std::string title;
};
using GridCellFn = std::function<GridCell(size_t row, Date date)>;

// One <figure class="month"> per calendar month of `dates` (ascending),
// each an SVG with a row per label and a column per day of the month; a
// cell for each date of `dates` in the month, none for the other days.
std::string MonthGrids(const std::vector<std::string>& row_labels, const std::vector<Date>& dates,
                       const GridCellFn& cell);

// A line per series over the same x points; a missing value breaks the
// line. Each point shows "label: value" on hover.
struct Series {
  std::string name;
  std::string css_class;                      // the line's colour
  std::vector<std::optional<double>> values;  // one per x label
};
struct LineChart {
  std::string title;  // aria-label of the SVG
  std::vector<std::string> x_labels;
  std::vector<Series> series;
  double y_min = 0, y_max = 1;
  int value_decimals = 2;
};
std::string RenderLineChart(const LineChart& chart);

}  // namespace phase4::report
