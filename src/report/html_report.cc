#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/svg.h"

namespace phase4::report {

namespace {

// Unit states share their colour between the SVG cells (fill) and the
// legend's swatches (background); "missing" is an outlined white cell.
constexpr std::string_view kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; color: #212121; margin: 24px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #e0e0e0; }
.meta, .note { color: #616161; }
.empty { font-weight: 600; }
.months { display: flex; flex-wrap: wrap; gap: 8px 24px; }
figure.month { margin: 0; }
figcaption { font-size: 12px; font-weight: 600; }
svg text { font: 10px system-ui, sans-serif; fill: #424242; }
svg text.day { text-anchor: middle; fill: #9e9e9e; }
.state-succeeded { fill: #2e7d32; background: #2e7d32; }
.state-failed { fill: #c62828; background: #c62828; }
.state-blocked { fill: #ef6c00; background: #ef6c00; }
.state-stale { fill: #fbc02d; background: #fbc02d; }
.state-skipped { fill: #bdbdbd; background: #bdbdbd; }
.state-missing { fill: #ffffff; background: #ffffff; stroke: #757575; }
.rows-none { fill: #e53935; background: #e53935; }
.rows-skipped { fill: #bdbdbd; background: #bdbdbd; }
.rows-low { background: #deebf7; }
.rows-high { background: #08519c; }
.swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #757575;
          vertical-align: -2px; margin-right: 4px; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
table { border-collapse: collapse; }
th, td { border: 1px solid #e0e0e0; padding: 3px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.reason { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap;
            word-break: break-word; max-width: 900px; }
svg.chart .grid { stroke: #eeeeee; }
svg.chart .line { fill: none; stroke-width: 1.5; }
.quality { stroke: #1565c0; fill: #1565c0; }
.last10 { stroke: #2e7d32; fill: #2e7d32; }
.season { stroke: #8e24aa; fill: #8e24aa; }
)";

std::string Section(std::string_view id, const std::string& title, const std::string& body) {
  return fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", id, HtmlEscape(title),
                     body);
}

std::string Empty(std::string_view text) {
  return fmt::format("<p class=\"empty\">{}</p>\n", HtmlEscape(text));
}

std::string Th(std::initializer_list<std::string_view> cells) {
  std::string out = "<tr>";
  for (std::string_view c : cells) out += "<th>" + HtmlEscape(c) + "</th>";
  return out + "</tr>\n";
}

// A blue between light (few rows) and dark (the most rows of the table).
std::string HeatFill(int64_t rows, int64_t max_rows) {
  const double t = max_rows > 0 ? static_cast<double>(rows) / static_cast<double>(max_rows) : 1;
  auto mix = [t](int light, int dark) {
    return static_cast<int>(std::lround(light + (dark - light) * std::clamp(t, 0.0, 1.0)));
  };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(0xde, 0x08), mix(0xeb, 0x51), mix(0xf7, 0x9c));
}

int64_t RowsOn(const TableRows& t, Date d) {
  auto it = t.per_date.find(d);
  return it == t.per_date.end() ? 0 : it->second;
}

std::string UnitTitle(const processors::ProcessorInfo& job, const ledger::UnitPlan& u) {
  std::string title =
      fmt::format("#{} {}, {}: {}", job.order, job.name, FormatDate(u.date), StateName(u.action));
  if (!u.reason.empty()) title += "\n" + u.reason;
  if (u.record)
    title += fmt::format("\n{} rows written, {} attempts, last {}", u.record->rows_written,
                         u.record->attempts, u.record->updated_at);
  return title;
}

std::string UnitsSection(const PipelineReport& r) {
  std::map<ledger::UnitAction, int> counts;
  for (const ledger::JobPlan& jp : r.plan.jobs)
    for (const ledger::UnitPlan& u : jp.units) ++counts[u.action];
  std::string body =
      "<p class=\"note\">One cell per job and game date, by the ledger's plan (what "
      "<code>phase4 plan</code> and <code>phase4 status</code> read); hover a cell for its "
      "reason.</p>\n<ul class=\"legend\">";
  for (ledger::UnitAction a : LegendOrder())
    body += fmt::format(R"(<li><span class="swatch state-{}"></span>{} {}</li>)", StateName(a),
                        StateName(a), counts[a]);
  body += "</ul>\n<div class=\"months\" id=\"unit-grid\">\n";
  std::vector<std::string> labels;
  for (const ledger::JobPlan& jp : r.plan.jobs)
    labels.push_back(fmt::format("#{} {}", jp.job->order, jp.job->name));
  body += MonthGrids(labels, r.game_dates, [&](size_t row, Date d) {
    const ledger::JobPlan& jp = r.plan.jobs[row];
    GridCell c;
    const ledger::UnitPlan* u = jp.Find(d);
    const std::string state(StateName(u ? u->action : ledger::UnitAction::kMissing));
    c.css_class = "unit state-" + state;
    c.data = {{"job", jp.job->name}, {"date", FormatDate(d)}, {"state", state}};
    c.title = u ? UnitTitle(*jp.job, *u) : jp.job->name + " " + FormatDate(d) + ": missing";
    return c;
  });
  return Section("units", "Units by game date and job", body + "</div>\n");
}

// The rows of `tables` per game date: a heat strip per month, then the
// totals. `skipped(row, d)`: a date the row's job has nothing to write.
std::string RowsSection(std::string_view id, const std::string& title, std::string_view kind,
                        const std::vector<const TableRows*>& tables, const PipelineReport& r,
                        const std::function<bool(size_t, Date)>& skipped) {
  std::string body = fmt::format(
      R"(<p class="note">Rows per game date; darker is more (<span class="swatch rows-low">)"
      R"(</span>few to <span class="swatch rows-high"></span>the table's most), )"
      R"(<span class="swatch rows-none"></span>no rows{}.</p>)"
      "\n<div class=\"months\">\n",
      kind == "p4" ? R"(, <span class="swatch rows-skipped"></span>none to write (bootstrap))"
                   : "");
  std::vector<std::string> labels;
  std::vector<int64_t> max_rows;
  for (const TableRows* t : tables) {
    labels.push_back(t->table->name);
    int64_t m = 0;
    for (const auto& [d, n] : t->per_date) m = std::max(m, n);
    max_rows.push_back(m);
  }
  body += MonthGrids(labels, r.game_dates, [&](size_t row, Date d) {
    const TableRows& t = *tables[row];
    const int64_t n = RowsOn(t, d);
    GridCell c;
    c.css_class = std::string("rows ") + std::string(kind);
    if (n == 0)
      c.css_class += skipped(row, d) ? " rows-skipped" : " rows-none";
    else
      c.fill = HeatFill(n, max_rows[row]);
    c.data = {{"table", t.table->FullName()}, {"date", FormatDate(d)}, {"rows", std::to_string(n)}};
    c.title = fmt::format("{}, {}: {} rows", t.table->FullName(), FormatDate(d), n);
    return c;
  });
  body += "</div>\n<table class=\"totals\">\n" +
          Th({"table", "rows in the range", "game dates with rows"});
  for (const TableRows* t : tables) {
    const auto with_rows = std::count_if(r.game_dates.begin(), r.game_dates.end(),
                                         [&](Date d) { return RowsOn(*t, d) > 0; });
    body +=
        fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} of {}</td></tr>\n",
                    HtmlEscape(t->table->FullName()), t->total, with_rows, r.game_dates.size());
  }
  return Section(id, title, body + "</table>\n");
}

std::string Phase3Section(const PipelineReport& r) {
  std::vector<const TableRows*> tables;
  for (const TableRows& t : r.phase3) tables.push_back(&t);
  return RowsSection("phase3", "Phase 3 coverage: rows per game date", "p3", tables, r,
                     [](size_t, Date) { return false; });
}

std::string Phase4Section(const PipelineReport& r) {
  // In the jobs' order, each job beside its output table.
  std::vector<const TableRows*> tables;
  for (const ledger::JobPlan& jp : r.plan.jobs)
    for (const TableRows& t : r.phase4)
      if (t.table == jp.job->output) tables.push_back(&t);
  return RowsSection("phase4", "Phase 4 rows written per game date", "p4", tables, r,
                     [&](size_t row, Date d) {
                       const ledger::UnitPlan* u = r.plan.jobs[row].Find(d);
                       return u && u->action == ledger::UnitAction::kSkipped;
                     });
}

std::string QualitySection(const PipelineReport& r) {
  const std::string title = "Feature quality per game date";
  if (r.scored_feature_rows == 0)
    return Section("quality", title, Empty("No feature rows in range."));
  LineChart chart;
  chart.title = "Mean feature_quality_score per game date";
  chart.y_min = 0;
  chart.y_max = 100;
  Series s{"mean feature_quality_score", "quality", {}};
  auto day = r.quality.begin();
  for (Date d : r.game_dates) {
    chart.x_labels.push_back(FormatDate(d));
    while (day != r.quality.end() && day->date < d) ++day;
    s.values.push_back(day != r.quality.end() && day->date == d && day->scored > 0
                           ? std::optional<double>(day->mean)
                           : std::nullopt);
  }
  chart.series.push_back(std::move(s));
  return Section(
      "quality", title,
      fmt::format(
          "<p>Mean <code>feature_quality_score</code> of ml_feature_store_v2: <b>{:.2f}</b> "
          "over {} feature rows ({} scored).</p>\n",
          r.mean_feature_quality, r.feature_rows, r.scored_feature_rows) +
          RenderLineChart(chart));
}

std::string SignalSection(const PipelineReport& r) {
  const SignalCheck& s = r.signal;
  const std::string title =
      fmt::format("Signal check by month, {} to {}", FormatDate(s.start), FormatDate(s.end));
  if (s.all.samples == 0)
    return Section("signal", title, Empty("No player-games in range; no signal check."));
  std::string body = fmt::format(
      "<p>Mean absolute error of <code>points_avg_last_10</code> and of "
      "<code>points_avg_season</code> as predictions of the points scored, over {} player-games: "
      "<b>{:.3f}</b> and <b>{:.3f}</b>",
      s.all.samples, s.all.mae_last_10, s.all.mae_season);
  if (auto gain = LastTenGainPct(s.all))
    body += fmt::format("; the last 10 games are {:.1f}% {} than the season average",
                        std::abs(*gain), *gain >= 0 ? "better" : "worse");
  body += ".</p>\n<table class=\"signal\">\n" +
          Th({"month", "player-games", "MAE points_avg_last_10", "MAE points_avg_season"});
  LineChart chart;
  chart.title = "MAE by month";
  chart.value_decimals = 3;
  Series last10{"points_avg_last_10", "last10", {}}, season{"points_avg_season", "season", {}};
  double top = 0;
  for (const SignalMonth& m : s.months) {
    chart.x_labels.push_back(MonthLabel(m));
    if (m.error.samples == 0) {
      body += fmt::format("<tr><td>{}</td><td colspan=\"3\">no player-games</td></tr>\n",
                          MonthLabel(m));
      last10.values.push_back(std::nullopt);
      season.values.push_back(std::nullopt);
      continue;
    }
    body += fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.3f}</td><td "
        "class=\"n\">{:.3f}</td></tr>\n",
        MonthLabel(m), m.error.samples, m.error.mae_last_10, m.error.mae_season);
    last10.values.push_back(m.error.mae_last_10);
    season.values.push_back(m.error.mae_season);
    top = std::max({top, m.error.mae_last_10, m.error.mae_season});
  }
  chart.y_max = std::max(1.0, std::ceil(top));
  chart.series = {std::move(last10), std::move(season)};
  return Section("signal", title, body + "</table>\n" + RenderLineChart(chart));
}

std::string ProblemsSection(const PipelineReport& r) {
  const std::vector<Problem> problems = FailedAndBlocked(r);
  const std::string title = fmt::format("Failed and blocked units ({})", problems.size());
  if (problems.empty()) return Section("problems", title, "<p>None.</p>\n");
  std::string body = "<table class=\"problems\">\n" + Th({"job", "game date", "state", "reason"});
  for (const Problem& p : problems) {
    const std::string state(StateName(p.unit->action));
    body += fmt::format(
        "<tr class=\"problem\" data-job=\"{}\" data-date=\"{}\" data-state=\"{}\"><td>#{} {}</td>"
        "<td>{}</td><td><span class=\"swatch state-{}\"></span>{}</td><td "
        "class=\"reason\">{}</td></tr>\n",
        HtmlEscape(p.job->name), FormatDate(p.unit->date), state, p.job->order,
        HtmlEscape(p.job->name), FormatDate(p.unit->date), state, state,
        HtmlEscape(p.unit->reason));
  }
  return Section("problems", title, body + "</table>\n");
}

}  // namespace

std::string RenderHtmlReport(const PipelineReport& r, std::string_view written_at) {
  const std::string range = FormatDate(r.start) + " to " + FormatDate(r.end);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // Nothing but this file: no script, no font, no image, no request.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Phase 4 report, {}</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<header><h1>Phase 4 pipeline report</h1>\n<p class=\"meta\">{} &middot; {} game dates "
      "&middot; warehouse <code>{}</code> &middot; written {}</p></header>\n",
      range, kStyle, range, r.game_dates.size(), HtmlEscape(r.warehouse), HtmlEscape(written_at));
  if (r.game_dates.empty()) {
    out +=
        "<p class=\"empty\" id=\"no-game-dates\">No game dates in range: no game is scheduled "
        "from " +
        range + ", so there is nothing to report.</p>\n";
  } else {
    out += UnitsSection(r) + Phase3Section(r) + Phase4Section(r) + QualitySection(r) +
           SignalSection(r) + ProblemsSection(r);
  }
  return out + "</body>\n</html>\n";
}

}  // namespace phase4::report
