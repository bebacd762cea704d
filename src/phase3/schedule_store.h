// Reading and writing nba_raw.nbac_schedule as ScheduleGame values.
#pragma once

#include <vector>

#include "calendar/schedule_game.h"
#include "calendar/season_calendar.h"
#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4::phase3 {

Row ScheduleGameToRow(const ScheduleGame& g, const std::string& processed_at);
ScheduleGame ScheduleGameFromRow(const Row& row);

// Every game of the schedule table.
Result<std::vector<ScheduleGame>> ReadSchedule(Warehouse& wh);
// A calendar over the schedule table.
Result<SeasonCalendar> ReadCalendar(Warehouse& wh, int bootstrap_days = kDefaultBootstrapDays);

// Upserts games into the schedule: a game already present is replaced only
// when the new row is richer (has a matchup or a score the old one lacks).
// One transaction. Returns the number of rows inserted or replaced.
Result<int64_t> MergeSchedule(Warehouse& wh, const std::vector<ScheduleGame>& games);

}  // namespace phase4::phase3
