// The processor interface: what a Phase 4 processor declares about itself and
// the pure function that computes its rows for one date.
//
// A processor never reads the warehouse, the clock or global state: the run
// layer (execution/run_date.h) loads its inputs once per season (InputReader),
// hands it an in-memory ProcessorInputs for date D and writes what it returns
// (processors/common/writer.h stamps processed_at, data_hash and the declared
// rounding). doc/processors.md describes the framework.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.h"
#include "calendar/season_calendar.h"
#include "common/status.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4::processors {

class SeasonInputs;

// The rows of one upstream Phase 4 table for D, immutable and shared: an
// in-process run-all hands one copy to every downstream job of the run
// (backfill/upstream_rows.h).
class UpstreamRowSet {
 public:
  UpstreamRowSet() = default;
  UpstreamRowSet(std::vector<Row> rows)  // NOLINT: implicit, rows are the set
      : rows_(std::make_shared<const std::vector<Row>>(std::move(rows))) {}
  UpstreamRowSet(std::shared_ptr<const std::vector<Row>> rows) : rows_(std::move(rows)) {}

  const std::vector<Row>& rows() const {
    static const std::vector<Row> kEmpty;
    return rows_ ? *rows_ : kEmpty;
  }

 private:
  std::shared_ptr<const std::vector<Row>> rows_;
};

// Everything compute(D) may read. Windows are taken from `season`, which
// holds D's season only (decision 7); `upstream` holds the rows of the
// upstream Phase 4 tables for D itself, as stored (decisions 31, 33).
struct ProcessorInputs {
  Date date{};
  const SeasonCalendar* calendar = nullptr;
  const SeasonInputs* season = nullptr;
  // Upstream Phase 4 rows of date D, keyed by job / table name (e.g.
  // "team_defense_zone_analysis"); every declared upstream has an entry.
  std::map<std::string, UpstreamRowSet, std::less<>> upstream;

  // The rows of one upstream Phase 4 table for D (empty when absent).
  const std::vector<Row>& Upstream(std::string_view name) const;
};

using ComputeFn = std::function<Result<std::vector<Row>>(Date, const ProcessorInputs&)>;

// What a processor declares. One static instance per processor, listed in
// the registry (processors/registry.h); its output table is declared in its
// folder beside it (<name>_schema.cc).
struct ProcessorInfo {
  std::string name;  // job name == output table name, e.g. team_defense_zone_analysis
  // Execution order and job number, unique (PHASE4-BACKFILL-JOBS.md: 1..5
  // for this repository's processors); every upstream has a lower one.
  int order = 0;
  // Code version: bump it when `compute` gives other rows for the same
  // inputs; every unit of the job in the ledger then becomes stale.
  int version = 1;
  const TableSchema* output = nullptr;
  std::string date_column;    // analysis_date / game_date / cache_date
  std::string entity_column;  // team_abbr / player_lookup
  // Phase 3 tables read through the season inputs (full names, e.g.
  // nba_analytics.team_defense_game_summary).
  std::vector<std::string> phase3_inputs;
  // The columns of each Phase 3 table that `compute` reads, by full table
  // name. A season load makes Values of these only (and of the columns the
  // season index reads itself); the other cells arrive NULL, though every
  // cell still enters the row digests behind source_*_hash. A table not
  // listed is read whole. tests/processors/phase3_projection_test.cc proves
  // each list complete: projected and whole tables give equal output.
  std::map<std::string, std::vector<std::string>, std::less<>> phase3_columns = {};
  // Upstream Phase 4 processors (job names) whose rows for D are read.
  std::vector<std::string> phase4_upstreams;
  // The columns of each upstream table that `compute` reads, by job name.
  // Only these and the key columns are read from the warehouse; the other
  // cells of the upstream rows arrive NULL (an upstream row is wide and
  // mostly text, and reading all of it dominated a date's cost). A job not
  // listed gets every column. tests/processors/upstream_projection_test.cc
  // proves each list complete: projected and full rows give equal output.
  std::map<std::string, std::vector<std::string>, std::less<>> upstream_columns = {};
  // Decision 16: Phase 3 tables that must hold rows for the previous game
  // date, and for D itself, before D can run.
  std::vector<std::string> required_previous_game_date;
  std::vector<std::string> required_same_date;
  // Defensive checks (decision 23): the reference upstream processor and the
  // gap-detection lookback, in game dates.
  std::string upstream_processor;
  std::string upstream_table;
  int lookback_game_dates = 0;
  // Fields rendered into data_hash (zone-processors.md §1.4), in any order.
  std::vector<std::string> hash_fields;
  // The pure computation for one date. Returned rows carry every business,
  // source-tracking and completeness column; processed_at, created_at and
  // data_hash are left for the writer.
  ComputeFn compute;
};

}  // namespace phase4::processors
