// Season inputs: the Phase 3 rows of one season, read once and indexed in
// memory, from which every processor takes its windows for any date D of
// that season without touching the warehouse again.
//
// Each table's rows are grouped by entity (player or team) and sorted by
// game date within the entity; a window is a span found by binary search on
// the date ("games strictly before D", "the last N before D", "D-30 <= date
// < D"). Rows are filtered once, at load:
//  * decision 26: windowed tables keep only rows of the season dated on a
//    game date whose game is a regular-season, play-in or playoff game
//    (preseason, All-Star and NBA Cup final rows never enter a window);
//  * decision 27: player_game_summary keeps only played rows
//    (is_active not FALSE and minutes_played > 0 or fg_attempts > 0).
// The upcoming-context tables are pre-game snapshots read for D itself and
// are kept whole (decision 5).
//
// The index lives in season_table.h; reading a season from a warehouse is
// the execution layer's (execution/input_reader.h).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.h"
#include "calendar/season_calendar.h"
#include "common/status.h"
#include "processors/common/phase3_tables.h"
#include "processors/common/season_table.h"
#include "warehouse/schema.h"
#include "warehouse/value.h"

namespace phase4::execution {
class InputReader;
}  // namespace phase4::execution

namespace phase4::processors {

// The rows of a table as read, before indexing: `loaded` marks the columns
// read as Values (every column when empty), and `digests` (parallel to
// `rows`, or empty to compute them from the rows) fingerprint every cell.
struct ScannedRows {
  std::vector<Row> rows;
  std::vector<std::array<uint8_t, 32>> digests;
  std::vector<bool> loaded;
};

// The Phase 3 inputs of one season. Built from rows (tests, benchmarks) or
// by an InputReader from the warehouse.
class SeasonInputs {
 public:
  SeasonInputs(int season_year, const SeasonCalendar& calendar);
  SeasonInputs(const SeasonInputs&) = delete;
  SeasonInputs& operator=(const SeasonInputs&) = delete;

  int season_year() const { return season_year_; }
  const SeasonCalendar& calendar() const { return *calendar_; }
  // First and last calendar day of the season (Oct 1 .. Sep 30, decision 1).
  Date first_day() const;
  Date last_day() const;

  // Adds a table from its rows (any order, any dates: rows outside the
  // season or filtered by decisions 26/27 are dropped). Replaces an earlier
  // table of the same name. Fails on an unknown table or a bad date cell.
  Status AddTable(std::string_view full_name, std::vector<Row> rows);
  bool HasTable(std::string_view full_name) const;
  // The table, or nullptr when it was not loaded.
  const SeasonTable* Table(std::string_view full_name) const;

  // Completeness (zone-processors.md §1.3, with the later fixes): dates of
  // the team's final regular-season / play-in / playoff games of this season
  // in the schedule, home and away both credited, ascending.
  std::span<const Date> TeamScheduleDates(std::string_view team) const;
  // The dates of the team's last `n` scheduled final games before d.
  std::span<const Date> TeamLastScheduled(std::string_view team, Date d, size_t n) const;

 private:
  friend class ::phase4::execution::InputReader;
  // The indexed table from its rows (what AddTable adds); reads only the
  // calendar, so several tables can be built at once.
  Result<std::unique_ptr<SeasonTable>> BuildTable(std::string_view full_name,
                                                  ScannedRows scanned) const;

  int season_year_;
  const SeasonCalendar* calendar_;
  std::map<std::string, std::unique_ptr<SeasonTable>, std::less<>> tables_;
  std::map<std::string, std::vector<Date>, std::less<>> team_schedule_;
};

}  // namespace phase4::processors
