// report: the demo's closing summary (src/backfill/pipeline_report.h).
#include <fmt/format.h>

#include "backfill/backfill_job.h"
#include "backfill/pipeline_report.h"
#include "cli/cli_support.h"
#include "warehouse/integrity.h"

namespace phase4::cli {

void AddReportCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd =
      app.add_subcommand("report", "Rows per table, dates per job, feature quality and signal");
  struct Opts {
    std::string start, end, signal_start = "2024-10-22", signal_end = "2025-06-22";
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--start-date", o->start, "Backfill range start")
      ->required()
      ->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Backfill range end")->required()->check(DateValidator());
  cmd->add_option("--signal-start", o->signal_start,
                  "First date of the MAE check (default 2024-10-22)")
      ->check(DateValidator());
  cmd->add_option("--signal-end", o->signal_end, "Last date of the MAE check (default 2025-06-22)")
      ->check(DateValidator());
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      // Counting rows of a damaged file would report it as fine.
      if (Status sound = RequireSoundWarehouse(ResolveWarehouseDir(g.warehouse)); !sound.ok()) {
        ReportError(sound.message());
        return kExitStorage;
      }
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return 1;
      auto r = BuildPipelineReport(*wh, *ParseDate(o->start), *ParseDate(o->end),
                                   *ParseDate(o->signal_start), *ParseDate(o->signal_end));
      if (!r.ok()) {
        ReportError(r.status().message());
        return 1;
      }
      fmt::print("{}", FormatPipelineReport(*r));
      return 0;
    };
  });
}

}  // namespace phase4::cli
