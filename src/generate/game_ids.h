// NBA game ids (`00` + type digit + 2-digit season + 5 digits) and the
// system game id `YYYYMMDD_AWAY_HOME` used by the Phase 3 tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "calendar/date.h"
#include "calendar/schedule_game.h"

namespace phase4::generate {

// `00` T YY NNNNN, e.g. (kRegularSeason, 2024, 561) -> 0022400561.
std::string MakeNbaGameId(GameType type, int season, int number);
// Playoff and play-in ids `00` T YY `00` R M G.
std::string MakeBracketGameId(GameType type, int season, int round, int matchup, int game);

struct BracketSlot {
  int round = 0;    // playoffs 1..4, play-in 1..2
  int matchup = 0;  // 0..7
  int game = 0;     // 1..7
};
// Round, matchup and game of a playoff or play-in id; nullopt when malformed.
std::optional<BracketSlot> ParseBracketGameId(std::string_view id);

// `YYYYMMDD_AWAY_HOME`.
std::string SystemGameId(Date d, std::string_view away, std::string_view home);

// playoff_round names of nbac_schedule.
std::string_view PlayoffRoundName(GameType type, int round);

}  // namespace phase4::generate
