#include "report/svg.h"

#include <fmt/format.h>

#include <algorithm>

#include "tableio/csv.h"

namespace phase4::report {

namespace {

constexpr int kCell = 12;         // grid pitch; a cell is one pixel smaller
constexpr int kLabelWidth = 200;  // row labels left of the grid
constexpr int kDayHeader = 14;    // day-of-month numbers above the grid

// Chart geometry.
constexpr double kWidth = 960, kHeight = 260, kLeft = 56, kRight = 40, kTop = 30, kBottom = 36;

// SVG numbers: two decimals at most, never an exponent.
std::string Num(double v) {
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

void AppendCell(const GridCell& c, int x, int y, std::string* out) {
  *out += fmt::format(R"(<rect class="{}" x="{}" y="{}" width="{}" height="{}")",
                      HtmlEscape(c.css_class), x, y, kCell - 1, kCell - 1);
  if (!c.fill.empty()) *out += fmt::format(R"( fill="{}")", HtmlEscape(c.fill));
  for (const auto& [name, value] : c.data)
    *out += fmt::format(R"( data-{}="{}")", name, HtmlEscape(value));
  *out += "><title>" + HtmlEscape(c.title) + "</title></rect>";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  const std::string clean = tableio::EscapeInvalidUtf8(text);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string MonthGrids(const std::vector<std::string>& row_labels, const std::vector<Date>& dates,
                       const GridCellFn& cell) {
  std::string out;
  const int width = kLabelWidth + 31 * kCell;
  const int height = kDayHeader + static_cast<int>(row_labels.size()) * kCell;
  for (size_t first = 0; first < dates.size();) {
    const int year = YearOf(dates[first]);
    const unsigned month = MonthOf(dates[first]);
    size_t last = first;
    while (last < dates.size() && YearOf(dates[last]) == year && MonthOf(dates[last]) == month)
      ++last;
    out += fmt::format(R"(<figure class="month"><figcaption>{:04}-{:02}</figcaption>)"
                       R"(<svg width="{}" height="{}" viewBox="0 0 {} {}" )"
                       R"(role="img" aria-label="{:04}-{:02}">)",
                       year, month, width, height, width, height, year, month);
    for (unsigned day : {1u, 5u, 10u, 15u, 20u, 25u, 30u})
      out += fmt::format(R"(<text class="day" x="{}" y="10">{}</text>)",
                         kLabelWidth + static_cast<int>(day - 1) * kCell + kCell / 2, day);
    for (size_t row = 0; row < row_labels.size(); ++row) {
      const int y = kDayHeader + static_cast<int>(row) * kCell;
      out += fmt::format(R"(<text class="label" x="0" y="{}">{}</text>)", y + kCell - 2,
                         HtmlEscape(row_labels[row]));
      for (size_t i = first; i < last; ++i)
        AppendCell(cell(row, dates[i]), kLabelWidth + static_cast<int>(DayOf(dates[i]) - 1) * kCell,
                   y, &out);
    }
    out += "</svg></figure>\n";
    first = last;
  }
  return out;
}

std::string RenderLineChart(const LineChart& chart) {
  const size_t n = chart.x_labels.size();
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double span = chart.y_max > chart.y_min ? chart.y_max - chart.y_min : 1;
  auto x_of = [&](size_t i) {
    return n <= 1 ? kLeft + plot_w / 2 : kLeft + plot_w * static_cast<double>(i) / (n - 1);
  };
  auto y_of = [&](double v) {
    return kTop + plot_h * (1 - std::clamp((v - chart.y_min) / span, 0.0, 1.0));
  };
  std::string out =
      fmt::format(R"(<svg class="chart" width="{}" height="{}" )"
                  R"(viewBox="0 0 {} {}" role="img" aria-label="{}">)",
                  Num(kWidth), Num(kHeight), Num(kWidth), Num(kHeight), HtmlEscape(chart.title));
  for (int k = 0; k <= 4; ++k) {
    const double v = chart.y_min + span * k / 4;
    out += fmt::format(R"(<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>)", Num(kLeft),
                       Num(kWidth - kRight), Num(y_of(v)), Num(y_of(v)));
    out += fmt::format(R"(<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>)",
                       Num(kLeft - 6), Num(y_of(v) + 4), Num(v));
  }
  const size_t step = std::max<size_t>(1, (n + 9) / 10);  // at most ten x labels
  for (size_t i = 0; i < n; i += step)
    out += fmt::format(R"(<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>)",
                       Num(x_of(i)), Num(kHeight - kBottom + 16), HtmlEscape(chart.x_labels[i]));
  double legend_x = kLeft;
  for (const Series& s : chart.series) {
    out += fmt::format(R"(<line class="line {}" x1="{}" x2="{}" y1="12" y2="12"/>)",
                       HtmlEscape(s.css_class), Num(legend_x), Num(legend_x + 20));
    out += fmt::format(R"(<text class="legend" x="{}" y="16">{}</text>)", Num(legend_x + 26),
                       HtmlEscape(s.name));
    legend_x += 40 + 7.0 * static_cast<double>(s.name.size());
  }
  for (const Series& s : chart.series) {
    // One polyline per run of consecutive values.
    std::string points;
    auto flush = [&] {
      if (!points.empty())
        out += fmt::format(R"(<polyline class="line {}" points="{}"/>)", HtmlEscape(s.css_class),
                           points);
      points.clear();
    };
    for (size_t i = 0; i < n && i < s.values.size(); ++i) {
      if (!s.values[i]) {
        flush();
        continue;
      }
      points += (points.empty() ? "" : " ") + Num(x_of(i)) + "," + Num(y_of(*s.values[i]));
    }
    flush();
    for (size_t i = 0; i < n && i < s.values.size(); ++i)
      if (s.values[i])
        out += fmt::format(
            R"(<circle class="point {}" cx="{}" cy="{}" r="2.5"><title>{} {}: {:.{}f}</title></circle>)",
            HtmlEscape(s.css_class), Num(x_of(i)), Num(y_of(*s.values[i])), HtmlEscape(s.name),
            HtmlEscape(chart.x_labels[i]), *s.values[i], chart.value_decimals);
  }
  out += "</svg>\n";
  return out;
}

}  // namespace phase4::report
