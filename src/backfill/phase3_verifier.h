// Phase 3 readiness check before a Phase 4 backfill (decision 22,
// spec/backfill-framework.md §3.2 with its later fixes).
#pragma once

#include <string>
#include <vector>

#include "calendar/season_calendar.h"
#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4::backfill {

inline constexpr double kPhase3ReadyPct = 95.0;

struct TableCoverage {
  const TableSchema* table = nullptr;
  std::string required_by;
  int dates_with_data = 0;  // non-bootstrap game dates that have rows
  int expected_dates = 0;
  double coverage_pct = 0;
  std::vector<Date> missing_dates;
  // The Phase 4 units each missing date blocks (decision 16, then their
  // downstream units of the same date): a hole on 01-05 blocks the jobs
  // that need the previous game date on the next game date, 01-06.
  std::vector<std::pair<Date, std::vector<std::string>>> blocked_units;  // missing date -> units
  bool is_ready = false;
};

struct Phase3Coverage {
  Date start{}, end{};
  int expected_game_dates = 0;
  int bootstrap_dates = 0;
  int non_bootstrap_dates = 0;
  bool schedule_fallback = false;  // no schedule: expected dates came from player_game_summary
  std::vector<TableCoverage> tables;
  bool all_ready = false;
};

// Measures coverage of the five Phase 3 tables over the non-bootstrap game
// dates of [start, end]. A query error is returned as an error, never as 0%.
Result<Phase3Coverage> VerifyPhase3(Warehouse& wh, const SeasonCalendar& calendar, Date start,
                                    Date end);

// The units (`#N job DATE`, non-bootstrap, within [start, end]) that a
// gap of `table` on `missing` blocks.
std::vector<std::string> UnitsBlockedBy(const SeasonCalendar& calendar, const TableSchema& table,
                                        Date missing, Date start, Date end);

// The report of §3.2 (70-character rules, one block per table, SUMMARY).
std::string FormatPhase3Report(const Phase3Coverage& c, bool verbose);

// The same as one JSON object: {"start_date", "end_date",
// "expected_game_dates", "bootstrap_dates", "non_bootstrap_dates",
// "schedule_fallback", "ready", "ready_threshold_pct", "tables": [{"table",
// "required_by", "dates_with_data", "expected_dates", "coverage_pct",
// "ready", "missing_dates": [{"date", "blocks": ["#N job DATE"...]}]}]}.
std::string Phase3CoverageJson(const Phase3Coverage& c);

}  // namespace phase4::backfill
