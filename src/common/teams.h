// The 30 NBA teams (spec/phase3-inputs.md §1): tricodes as NBA.com spells them.
#pragma once

#include <array>
#include <string_view>

namespace phase4 {

struct TeamInfo {
  std::string_view tricode;
  std::string_view city;
  std::string_view name;
  std::string_view conference;  // East, West
  std::string_view division;
  int nba_team_id;
};

const std::array<TeamInfo, 30>& AllTeams();
// The team with this NBA.com tricode, or nullptr.
const TeamInfo* FindTeam(std::string_view tricode);
inline bool IsKnownTeam(std::string_view tricode) { return FindTeam(tricode) != nullptr; }

}  // namespace phase4
