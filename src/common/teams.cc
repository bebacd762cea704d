#include "common/teams.h"

namespace phase4 {

const std::array<TeamInfo, 30>& AllTeams() {
  static const std::array<TeamInfo, 30> teams{{
      {"ATL", "Atlanta", "Hawks", "East", "Southeast", 1610612737},
      {"BOS", "Boston", "Celtics", "East", "Atlantic", 1610612738},
      {"BKN", "Brooklyn", "Nets", "East", "Atlantic", 1610612751},
      {"CHA", "Charlotte", "Hornets", "East", "Southeast", 1610612766},
      {"CHI", "Chicago", "Bulls", "East", "Central", 1610612741},
      {"CLE", "Cleveland", "Cavaliers", "East", "Central", 1610612739},
      {"DAL", "Dallas", "Mavericks", "West", "Southwest", 1610612742},
      {"DEN", "Denver", "Nuggets", "West", "Northwest", 1610612743},
      {"DET", "Detroit", "Pistons", "East", "Central", 1610612765},
      {"GSW", "Golden State", "Warriors", "West", "Pacific", 1610612744},
      {"HOU", "Houston", "Rockets", "West", "Southwest", 1610612745},
      {"IND", "Indiana", "Pacers", "East", "Central", 1610612754},
      {"LAC", "LA", "Clippers", "West", "Pacific", 1610612746},
      {"LAL", "Los Angeles", "Lakers", "West", "Pacific", 1610612747},
      {"MEM", "Memphis", "Grizzlies", "West", "Southwest", 1610612763},
      {"MIA", "Miami", "Heat", "East", "Southeast", 1610612748},
      {"MIL", "Milwaukee", "Bucks", "East", "Central", 1610612749},
      {"MIN", "Minnesota", "Timberwolves", "West", "Northwest", 1610612750},
      {"NOP", "New Orleans", "Pelicans", "West", "Southwest", 1610612740},
      {"NYK", "New York", "Knicks", "East", "Atlantic", 1610612752},
      {"OKC", "Oklahoma City", "Thunder", "West", "Northwest", 1610612760},
      {"ORL", "Orlando", "Magic", "East", "Southeast", 1610612753},
      {"PHI", "Philadelphia", "76ers", "East", "Atlantic", 1610612755},
      {"PHX", "Phoenix", "Suns", "West", "Pacific", 1610612756},
      {"POR", "Portland", "Trail Blazers", "West", "Northwest", 1610612757},
      {"SAC", "Sacramento", "Kings", "West", "Pacific", 1610612758},
      {"SAS", "San Antonio", "Spurs", "West", "Southwest", 1610612759},
      {"TOR", "Toronto", "Raptors", "East", "Atlantic", 1610612761},
      {"UTA", "Utah", "Jazz", "West", "Northwest", 1610612762},
      {"WAS", "Washington", "Wizards", "East", "Southeast", 1610612764},
  }};
  return teams;
}

const TeamInfo* FindTeam(std::string_view tricode) {
  for (const auto& t : AllTeams()) {
    if (t.tricode == tricode) return &t;
  }
  return nullptr;
}

}  // namespace phase4
