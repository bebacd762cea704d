#include "calendar/schedule_game.h"

namespace phase4 {

std::optional<GameType> GameTypeFromId(std::string_view id) {
  if (id.size() != 10 || id[0] != '0' || id[1] != '0') return std::nullopt;
  for (char c : id)
    if (c < '0' || c > '9') return std::nullopt;
  int t = id[2] - '0';
  if (t < 1 || t > 6) return std::nullopt;
  return static_cast<GameType>(t);
}

std::string_view GameTypeName(GameType t) {
  switch (t) {
    case GameType::kPreseason:
      return "preseason";
    case GameType::kRegularSeason:
      return "regular_season";
    case GameType::kAllStar:
      return "all_star";
    case GameType::kPlayoffs:
      return "playoffs";
    case GameType::kPlayIn:
      return "play_in";
    case GameType::kCupFinal:
      return "cup_final";
  }
  return "regular_season";
}

std::optional<GameType> GameTypeFromName(std::string_view name) {
  for (int t = 1; t <= 6; ++t) {
    auto type = static_cast<GameType>(t);
    if (GameTypeName(type) == name) return type;
  }
  return std::nullopt;
}

}  // namespace phase4
