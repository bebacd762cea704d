// init, load-schedule, import and export: moving data in and out.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "backfill/backfill_job.h"
#include "cli/cli_support.h"
#include "common/exit_codes.h"
#include "ledger/phase3_digests.h"
#include "ledger/verify.h"
#include "live/run_history.h"
#include "phase3/schedule_files.h"
#include "phase3/schedule_store.h"
#include "processors/ml_feature_store/ml_feature_store.h"
#include "tableio/csv.h"
#include "tableio/table_io.h"
#include "tableio/training_export.h"
#include "warehouse/integrity.h"

namespace phase4::cli {

void AddInitCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand("init", "Create the warehouse datasets and tables (idempotent)");
  cmd->footer(
      "Creates the SQLite files of a directory, or the schemas of a PostgreSQL database, and "
      "names the warehouse with an id its checkpoints carry; on an existing warehouse it only "
      "adds what is missing.\n"
      "Examples:\n"
      "  phase4 --warehouse ./warehouse init\n"
      "  phase4 --warehouse postgresql://phase4@db.example/nba init\n"
      "Exit status: 0 ready, 64 usage error, 1 any error (named on stderr).");
  cmd->callback([&g, action] {
    *action = [&g] {
      auto wh = OpenWarehouseOrReport(g, /*create=*/true);
      if (!wh) return 1;
      // The id that ties checkpoint files to this warehouse (doc/ledger.md).
      auto id = wh->Id();
      if (!id.ok()) {
        ReportError(id.status().message());
        return 1;
      }
      fmt::print("warehouse ready at {} (schema version {}, {} tables in {} datasets, id {})\n",
                 wh->location(), kSchemaVersion, AllTables().size(), AllDatasets().size(), *id);
      return 0;
    };
  });
}

// The ledger part of `check`: every unit against the rows it vouches for.
// Returns false when they disagree.
static bool ReportLedgerCheck(Warehouse& wh, bool quick, int* exit_code) {
  auto check = ledger::CheckLedger(wh, /*deep=*/!quick);
  if (!check.ok()) {
    ReportError(check.status().message());
    *exit_code = check.status().code() == Status::Code::kStorage ? kExitStorage : kExitFatal;
    return false;
  }
  if (check->problems.empty()) {
    fmt::print("  ledger                 ok       ({} units agree with their rows{})\n",
               check->units,
               quick ? "; row counts"
                     : fmt::format("; {} output fingerprints compared", check->units_compared));
    return true;
  }
  fmt::print("  ledger                 DISAGREES with the rows\n");
  for (const auto& p : check->problems) fmt::print("      {}\n", tableio::EscapeInvalidUtf8(p));
  if (check->more_problems) fmt::print("      ... and {} more\n", check->more_problems);
  fmt::print(
      "❌ Phase 4 rows were written or deleted outside phase4. A date whose row count differs "
      "is missing to `phase4 plan` and the next run-all recomputes it; a date whose rows were "
      "changed in place is recomputed by a run with --no-resume over it\n");
  *exit_code = kExitStorage;
  return false;
}

void AddCheckCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "check",
      "Integrity and schema version of every dataset file (SQLite), and the unit ledger against "
      "the rows it records (both backends)");
  auto quick = std::make_shared<bool>(false);
  cmd->add_flag("--quick", *quick,
                "quick_check instead of integrity_check, and the ledger by row counts only "
                "(without comparing output fingerprints)");
  cmd->footer(
      "Examples:\n"
      "  phase4 check                 every file and every unit's rows in full\n"
      "  phase4 check --quick         what run-all and report check before they start\n"
      "Exit codes: 0 sound, 74 a damaged file or a ledger that disagrees with the rows, "
      "1 no warehouse or another error.");
  cmd->callback([&g, action, quick] {
    *action = [&g, quick] {
      const std::string dir = ResolveWarehouseDir(g.warehouse);
      if (IsPostgresUri(dir)) {
        // The server checksums and guards its own pages (pg_amcheck checks
        // them); the schema version is checked by opening.
        auto wh = OpenWarehouseOrReport(g, /*create=*/false);
        if (!wh) return 1;
        fmt::print("Checking warehouse {} (files: the server's own; use pg_amcheck)\n", dir);
        fmt::print("  {:<22} ok       (schema version {})\n", "schemas", kSchemaVersion);
        int code = 0;
        if (!ReportLedgerCheck(*wh, *quick, &code)) return code;
        fmt::print("✅ The warehouse is sound (schema version {})\n", kSchemaVersion);
        return 0;
      }
      std::error_code ec;
      if (!std::filesystem::is_directory(dir, ec)) {
        ReportError(fmt::format("no warehouse at {}; {}", dir, WarehouseLookup(g)));
        return 1;
      }
      fmt::print("Checking warehouse {} ({})\n", dir,
                 *quick ? "PRAGMA quick_check" : "PRAGMA integrity_check");
      int damaged = 0;
      const auto checks = CheckWarehouseFiles(dir, *quick);
      for (const auto& c : checks) {
        std::string version = c.schema_version < 0
                                  ? "schema version unreadable"
                                  : fmt::format("schema version {}", c.schema_version);
        fmt::print("  {:<22} {:<8} ({})\n", c.dataset + ".db",
                   c.problems.empty() ? "ok" : "DAMAGED", version);
        if (c.problems.empty()) continue;
        ++damaged;
        fmt::print("      {}\n", c.file);
        for (const auto& p : c.problems) fmt::print("      {}\n", tableio::EscapeInvalidUtf8(p));
      }
      if (damaged) {
        fmt::print(
            "❌ {} of {} dataset files damaged: restore them from a backup, or rebuild them "
            "(init, load-schedule/generate, run-all)\n",
            damaged, checks.size());
        return kExitStorage;
      }
      // Sound files: now what they hold. An older schema version is left
      // as it is (check changes nothing; the next run migrates it).
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return 1;
      int code = 0;
      if (!ReportLedgerCheck(*wh, *quick, &code)) return code;
      fmt::print("✅ Every dataset file is sound (schema version {})\n", kSchemaVersion);
      return 0;
    };
  });
}

void AddLoadScheduleCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "load-schedule",
      "Load schedule files (game-id CSV or NBA schedule JSON) into nba_raw.nbac_schedule");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("FILE", *files, "Schedule files")->required()->check(CLI::ExistingFile);
  cmd->footer(
      "A bad file (an ill-formed byte, an unknown team, a malformed date) is refused naming the "
      "file, line and field, and nothing of it is loaded.\n"
      "Examples:\n"
      "  phase4 load-schedule ../shared/data/schedule/*.json\n"
      "  phase4 --warehouse /data/wh load-schedule games_2024.csv\n"
      "Exit status: 0 loaded, 64 usage error, 1 a bad file or any other error.");
  cmd->callback([&g, action, files] {
    *action = [&g, files] {
      // Parse every file first: a bad file loads nothing.
      std::vector<ScheduleGame> games;
      for (const auto& f : *files) {
        auto parsed = phase3::ParseScheduleFile(f);
        if (!parsed.ok()) {
          ReportError(parsed.status().message());
          return 1;
        }
        fmt::print("{}: {} games ({} preseason/All-Star/Cup-final games skipped)\n", f,
                   parsed->games.size(), parsed->skipped);
        games.insert(games.end(), parsed->games.begin(), parsed->games.end());
      }
      auto wh = OpenWarehouseOrReport(g, /*create=*/true);
      if (!wh) return 1;
      auto merged = phase3::MergeSchedule(*wh, games);
      if (!merged.ok()) {
        ReportError(merged.status().message());
        return 1;
      }
      if (Status s = ledger::RefreshPhase3Digests(*wh).status(); !s.ok()) {
        ReportError(s.message());
        return 1;
      }
      auto total = wh->CountRows(ScheduleSchema());
      fmt::print("nba_raw.nbac_schedule: {} rows written, {} games in the schedule\n", *merged,
                 total.ok() ? *total : -1);
      return 0;
    };
  });
}

void AddImportCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "import", "Load a table from a CSV file whose header names the columns (all rows or none)");
  auto table = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  cmd->add_option("TABLE", *table, "Table, e.g. nba_analytics.player_game_summary")->required();
  cmd->add_option("FILE", *file, "CSV file")->required();
  cmd->footer(
      "A bad row is refused naming the file, line and column, and none of the file's rows is "
      "loaded; rows already present (same key) are replaced. Phase 4 units that read the changed "
      "dates become stale (see `phase4 plan`).\n"
      "Examples:\n"
      "  phase4 import nba_analytics.player_game_summary pgs_2024-01.csv\n"
      "  phase4 import nba_analytics.team_offense_game_summary tog.csv\n"
      "Exit status: 0 loaded, 64 usage error, 1 a bad file or any other error.");
  cmd->callback([&g, action, table, file] {
    *action = [&g, table, file] {
      const TableSchema* t = FindTable(*table);
      if (!t) {
        ReportError(fmt::format("unknown table '{}'", *table));
        return 1;
      }
      auto wh = OpenWarehouseOrReport(g, /*create=*/true);
      if (!wh) return 1;
      auto report = tableio::ImportCsvFile(*wh, *t, *file);
      if (!report.ok()) {
        ReportError(report.status().message());
        fmt::print(stderr, "nothing was written to {}\n", t->FullName());
        return 1;
      }
      fmt::print("{}: {} rows imported ({} dates replaced)\n", t->FullName(), report->rows,
                 report->dates);
      // Decision 24: a Phase 3 load of a date is a run of that table's loader.
      if (t->dataset == "nba_analytics") {
        std::vector<live::RunInfo> runs;
        for (Date d : report->date_list)
          runs.push_back({t->name, "phase_3_analytics", d, "import", "{}"});
        if (Status s = live::RunHistory(*wh).RecordFinished(runs, {"success", report->rows, ""});
            !s.ok()) {
          ReportError(s.message());
          return 1;
        }
      }
      // The digests of the dates written (doc/ledger.md, "Fingerprints").
      if (Status s = ledger::RefreshPhase3Digests(*wh).status(); !s.ok()) {
        ReportError(s.message());
        return 1;
      }
      return 0;
    };
  });
}

void AddExportCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand("export", "Write a table to stdout as CSV or JSONL");
  cmd->footer(
      "Examples:\n"
      "  phase4 export nba_precompute.team_defense_zone_analysis --start-date 2024-01-01 "
      "--end-date 2024-01-31 > tdza.csv\n"
      "  phase4 export nba_predictions.ml_feature_store_v2 --format jsonl | head\n"
      "Exit status: 0 written, 64 usage error, 1 any error (unknown table, unreadable warehouse).");
  struct Opts {
    std::string table, start, end, format = "csv";
    bool raw = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("TABLE", o->table, "Table, e.g. nba_precompute.team_defense_zone_analysis")
      ->required();
  cmd->add_option("--start-date", o->start, "First date (inclusive)")->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Last date (inclusive)")->check(DateValidator());
  cmd->add_option("--format", o->format, "csv or jsonl")->check(CLI::IsMember({"csv", "jsonl"}));
  cmd->add_flag(
      "--raw", o->raw,
      "nba_predictions.ml_feature_store_v2: export the stored table as it is (what import "
      "reads back) instead of the training set");
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      const TableSchema* t = FindTable(o->table);
      if (!t) {
        ReportError(fmt::format("unknown table '{}'", o->table));
        return 1;
      }
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return 1;
      std::ios::sync_with_stdio(false);
      const tableio::ExportFormat format =
          o->format == "csv" ? tableio::ExportFormat::kCsv : tableio::ExportFormat::kJsonl;
      // The feature store exports as a training set (doc/training-export.md)
      // unless --raw asks for the stored table.
      Status s = t == &processors::MlFeatureStoreSchema() && !o->raw
                     ? tableio::ExportTrainingSet(*wh, OptionalDate(o->start), OptionalDate(o->end),
                                                  format, std::cout)
                     : tableio::ExportTable(*wh, *t, OptionalDate(o->start), OptionalDate(o->end),
                                            format, std::cout);
      if (!s.ok()) {
        ReportError(s.message());
        return 1;
      }
      return 0;
    };
  });
}

}  // namespace phase4::cli
