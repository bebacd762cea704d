// verify-phase3: is Phase 3 complete enough to run Phase 4 over a range?
#include <fmt/format.h>

#include "backfill/phase3_verifier.h"
#include "cli/cli_support.h"
#include "common/exit_codes.h"
#include "phase3/schedule_store.h"

namespace phase4::cli {

void AddVerifyPhase3Command(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "verify-phase3", "Report Phase 3 coverage of the non-bootstrap game dates of a range");
  struct Opts {
    std::string start, end;
    bool verbose = false, json = false, quiet = false;
    int bootstrap_days = kDefaultBootstrapDays;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--start-date", o->start, "First date")->required()->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Last date")->required()->check(DateValidator());
  cmd->add_flag("--verbose,-v", o->verbose,
                "List missing dates and the Phase 4 units each gap blocks");
  cmd->add_flag("--quiet,-q", o->quiet, "Print nothing but errors; the exit code says the rest");
  cmd->add_flag("--json", o->json, "Print one JSON object on stdout");
  cmd->footer(
      "Coverage of the five Phase 3 tables over the non-bootstrap game dates of the range; "
      "ready when every table covers at least 95%.\n"
      "Examples:\n"
      "  phase4 verify-phase3 --start-date 2021-10-19 --end-date 2025-06-22\n"
      "  phase4 verify-phase3 --start-date 2024-01-01 --end-date 2024-01-31 --verbose\n"
      "Exit status: 0 ready (or no game dates in range), 1 gaps or an error, 64 usage error.");
  cmd->add_option("--bootstrap-days", o->bootstrap_days, "Bootstrap period length in days")
      ->check(CLI::Range(0, 60));
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      Date start = *ParseDate(o->start), end = *ParseDate(o->end);
      if (start > end) {
        ReportError("Start date must be before end date");
        return kExitUsage;
      }
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return 1;
      auto calendar = phase3::ReadCalendar(*wh, o->bootstrap_days);
      if (!calendar.ok()) {
        ReportError(calendar.status().message());
        return 1;
      }
      auto coverage = backfill::VerifyPhase3(*wh, *calendar, start, end);
      if (!coverage.ok()) {
        ReportError(coverage.status().message());
        return 1;
      }
      if (o->json)
        fmt::print("{}\n", backfill::Phase3CoverageJson(*coverage));
      else if (!o->quiet)
        fmt::print("{}", backfill::FormatPhase3Report(*coverage, o->verbose));
      return coverage->all_ready ? 0 : 1;
    };
  });
}

}  // namespace phase4::cli
