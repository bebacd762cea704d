// libFuzzer target: the schedule file readers (doc/fuzzing.md).
//
// The input is a whole schedule file; the format is chosen from the content
// as `phase4 load-schedule` does (NBA schedule JSON or game-id CSV). Every
// game read must make a valid nbac_schedule row, and a calendar is built
// over the games.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "calendar/season_calendar.h"
#include "common/teams.h"
#include "phase3/schedule_files.h"
#include "phase3/schedule_store.h"

namespace {

using namespace phase4;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "schedule_fuzz: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string content(reinterpret_cast<const char*>(data), size);
  auto parsed = phase3::ParseScheduleContent("fuzz.sched", content);
  if (!parsed.ok()) {
    if (parsed.status().message().rfind("fuzz.sched: line ", 0) != 0)
      Fail("error message does not start with file and line: " + parsed.status().message());
    return 0;
  }
  for (const ScheduleGame& g : parsed->games) {
    if (!GameTypeFromId(g.game_id)) Fail("game id " + g.game_id + " accepted");
    if (g.has_matchup() && (!IsKnownTeam(g.home_team) || !IsKnownTeam(g.away_team)))
      Fail("unknown team accepted in " + g.game_id);
    Row row = phase3::ScheduleGameToRow(g, "2026-11-27 10:00:00");
    ScheduleGame back = phase3::ScheduleGameFromRow(row);
    if (back.game_id != g.game_id || back.game_date != g.game_date)
      Fail("schedule row does not read back: " + g.game_id);
  }
  SeasonCalendar calendar(std::move(parsed->games));
  for (const ScheduleGame& g : calendar.games()) {
    (void)calendar.IsBootstrap(g.game_date);
    (void)calendar.PreviousGameDate(g.game_date);
    (void)calendar.OpeningNight(g.season_year);
  }
  if (!calendar.empty()) {
    const Date first = calendar.games().front().game_date;
    const Date last = calendar.games().back().game_date;
    (void)calendar.GameDates(std::min(first, last), std::max(first, last));
  }
  return 0;
}
