#include "generate/game_ids.h"

#include <cstdio>

namespace phase4::generate {

std::string MakeNbaGameId(GameType type, int season, int number) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "00%d%02d%05d", static_cast<int>(type),
                ((season % 100) + 100) % 100, number % 100000);
  return buf;
}

std::string MakeBracketGameId(GameType type, int season, int round, int matchup, int game) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "00%d%02d00%d%d%d", static_cast<int>(type),
                ((season % 100) + 100) % 100, round % 10, matchup % 10, game % 10);
  return buf;
}

std::optional<BracketSlot> ParseBracketGameId(std::string_view id) {
  if (id.size() != 10) return std::nullopt;
  for (char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  BracketSlot s{id[7] - '0', id[8] - '0', id[9] - '0'};
  if (s.round < 1 || s.round > 4 || s.matchup > 7 || s.game < 1 || s.game > 7) return std::nullopt;
  return s;
}

std::string SystemGameId(Date d, std::string_view away, std::string_view home) {
  std::string out = FormatCompactDate(d);
  out.reserve(out.size() + 2 + away.size() + home.size());
  out += '_';
  out += away;
  out += '_';
  out += home;
  return out;
}

std::string_view PlayoffRoundName(GameType type, int round) {
  if (type == GameType::kPlayIn) return "play_in";
  if (type != GameType::kPlayoffs) return "";
  switch (round) {
    case 1:
      return "first_round";
    case 2:
      return "conf_semifinals";
    case 3:
      return "conf_finals";
    default:
      return "nba_finals";
  }
}

}  // namespace phase4::generate
