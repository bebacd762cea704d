// report: the pipeline report of a range, as text (the end of the demo),
// JSON or a self-contained HTML page (src/report/, doc/report.md).
#include <fmt/format.h>

#include "cli/cli_support.h"
#include "common/exit_codes.h"
#include "env/env.h"
#include "phase3/schedule_store.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/pipeline_report.h"
#include "report/text_report.h"
#include "warehouse/integrity.h"

namespace phase4::cli {

namespace {

int Fail(const Status& s) {
  ReportError(s.message());
  return s.code() == Status::Code::kStorage ? kExitStorage : kExitFatal;
}

}  // namespace

void AddReportCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "report",
      "Report a range: units per job, rows per table and date, feature quality, signal by month");
  struct Opts {
    std::string start, end, signal_start, signal_end, html;
    int bootstrap_days = kDefaultBootstrapDays;
    bool json = false, quiet = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--start-date", o->start, "First date of the range")
      ->required()
      ->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Last date of the range")
      ->required()
      ->check(DateValidator());
  cmd->add_option("--signal-start", o->signal_start,
                  "First date of the signal check (default: --start-date)")
      ->check(DateValidator());
  cmd->add_option("--signal-end", o->signal_end,
                  "Last date of the signal check (default: --end-date)")
      ->check(DateValidator());
  cmd->add_option("--bootstrap-days", o->bootstrap_days, "Bootstrap period in days")
      ->check(CLI::Range(0, 60));
  cmd->add_option("--html", o->html,
                  "Also write the report as one self-contained HTML page to FILE");
  auto* json = cmd->add_flag("--json", o->json, "Print one JSON object on stdout instead of text");
  cmd->add_flag("--quiet", o->quiet, "Print nothing but errors (with --html: just write the file)")
      ->excludes(json);
  cmd->footer(
      "Every figure is for the range asked: the ledger's plan of each job's units (what\n"
      "`phase4 status` reads), rows per Phase 3 and Phase 4 table and game date, the mean\n"
      "feature_quality_score, and the MAE of points_avg_last_10 and points_avg_season against\n"
      "the points scored, by month. An empty sample is said in words, never printed as 0.\n"
      "\n"
      "Examples:\n"
      "  phase4 report --start-date 2024-01-01 --end-date 2024-01-31\n"
      "  phase4 report --start-date 2021-10-19 --end-date 2025-06-22 --quiet --html report.html\n"
      "\n"
      "Exit status: 0 ok (also when units failed: the report shows them), 1 error, 64 usage "
      "error,\n74 the warehouse's storage failed or a file is damaged.");
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      const Date start = *ParseDate(o->start), end = *ParseDate(o->end);
      const Date signal_start = OptionalDate(o->signal_start).value_or(start);
      const Date signal_end = OptionalDate(o->signal_end).value_or(end);
      if (start > end || signal_start > signal_end) {
        ReportError("Start date must be before end date");
        return kExitUsage;
      }
      // Counting rows of a damaged file would report it as fine.
      if (Status sound = RequireSoundWarehouse(ResolveWarehouseDir(g.warehouse)); !sound.ok()) {
        ReportError(sound.message());
        return kExitStorage;
      }
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return kExitFatal;
      auto calendar = phase3::ReadCalendar(*wh, o->bootstrap_days);
      if (!calendar.ok()) return Fail(calendar.status());
      auto r = report::BuildPipelineReport(*wh, *calendar, start, end, signal_start, signal_end);
      if (!r.ok()) return Fail(r.status());
      if (!o->html.empty()) {
        if (Status s = Env::Default()->WriteFileAtomically(
                o->html, report::RenderHtmlReport(*r, NowTimestampUtc()), "HTML report");
            !s.ok()) {
          ReportError(fmt::format("cannot write the HTML report {}: {}", o->html, s.message()));
          return kExitFatal;
        }
      }
      if (o->json)
        fmt::print("{}\n", report::FormatJsonReport(*r));
      else if (!o->quiet)
        fmt::print("{}{}", report::FormatTextReport(*r),
                   o->html.empty() ? "" : fmt::format("HTML report: {}\n", o->html));
      return kExitOk;
    };
  });
}

}  // namespace phase4::cli
