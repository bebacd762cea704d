// Parsers for the two real schedule formats (spec/phase3-inputs.md §9.1):
// the game-id CSV (`game_id,game_date`) and the NBA.com schedule JSON
// (`scheduleleaguev2`: `games[]` with gameId, gameDateEst, homeTeam, ...).
//
// Like the reference loader, only games that make game dates are kept:
// regular season, play-in and playoffs. Preseason, All-Star and NBA Cup final
// games are counted in `skipped` and dropped.
#pragma once

#include <string>
#include <vector>

#include "calendar/schedule_game.h"
#include "common/status.h"

namespace phase4::phase3 {

struct ParsedSchedule {
  std::vector<ScheduleGame> games;
  int skipped = 0;  // games of other types
};

// Chooses the format from the content (a JSON document or a CSV header).
Result<ParsedSchedule> ParseScheduleFile(const std::string& path);
// The same over content already in memory (`path` is used in messages).
Result<ParsedSchedule> ParseScheduleContent(const std::string& path, const std::string& content);
Result<ParsedSchedule> ParseGameIdCsv(const std::string& path, const std::string& content);
Result<ParsedSchedule> ParseScheduleJson(const std::string& path, const std::string& content);

}  // namespace phase4::phase3
