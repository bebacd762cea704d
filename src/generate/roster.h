// The league's people: players with latent skills, team rosters per season,
// offseason movement and mid-season trades.
//
// Rosters at the start of a season depend only on the seed and the seasons
// before it (never on game results), so a season's players are the same
// whichever range of seasons is generated, as long as it starts at the same
// base season.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "calendar/date.h"
#include "generate/rng.h"

namespace phase4::generate {

inline constexpr int kTeamCount = 30;
inline constexpr int kRosterSize = 15;

enum class Position { kGuard, kWing, kForward, kCenter };

struct Player {
  int id = 0;
  std::string full_name;
  std::string lookup;        // player_lookup
  std::string universal_id;  // lookup + "_001"
  Date birth_date{};
  Position position = Position::kWing;
  double quality = 0.0;  // latent overall ability, ~N(0, 1); drives role and usage

  // Latent skills of the current season (RefreshSkills derives them).
  double usage = 0.19;        // share of the team's plays while on court
  double minutes_bias = 0.0;  // personal offset to the minutes of his role
  double paint_share = 0.39, mid_share = 0.20, three_share = 0.41;  // of his FGA
  double paint_pct = 0.58, mid_pct = 0.41, three_pct = 0.36;
  double ft_rate = 0.26;  // FTA per FGA
  double ft_pct = 0.78;
  double assisted_share = 0.6;  // of his made field goals
  double assist_skill = 1.0, oreb_skill = 1.0, dreb_skill = 1.0, steal_skill = 1.0,
         block_skill = 1.0, tov_skill = 1.0, foul_skill = 1.0;
  double injury_prone = 1.0;
  double rest_prone = 0.0;  // chance to sit out the second night of a back-to-back

  // Style, drawn once (RefreshSkills combines it with quality and age).
  double style_paint = 0.0, style_three = 0.0, style_shooting = 0.0, style_ft = 0.0;
};

// Team traits of a season (points per game relative to the league).
struct TeamTraits {
  double offense = 0.0;                                    // + scores more
  double defense = 0.0;                                    // + allows less
  double pace = 0.0;                                       // possessions relative to the league
  double def_paint = 0.0, def_mid = 0.0, def_three = 0.0;  // FG% allowed deltas
};

struct Trade {
  Date date{};
  int team_a = 0, team_b = 0;
  int player_a = 0, player_b = 0;  // player_a goes from team_a to team_b
};

struct SeasonRoster {
  int season = 0;
  std::array<std::vector<int>, kTeamCount> roster;  // player ids at season start
  std::array<TeamTraits, kTeamCount> traits;
  std::vector<Trade> trades;  // by date
};

class League {
 public:
  League(uint64_t seed, int base_season);

  // Advances to `season` (>= the current one) and returns its rosters; the
  // players' skills become that season's.
  const SeasonRoster& StartSeason(int season);

  const Player& player(int id) const { return players_[static_cast<size_t>(id)]; }
  size_t player_count() const { return players_.size(); }

 private:
  void CreateInitialLeague();
  void Offseason(int season);
  int NewPlayer(Rng& rng, int season, bool rookie);
  void RefreshSkills(Player& p, int season) const;
  void ComputeTraits(Rng& rng);
  void PlanTrades(Rng& rng);

  uint64_t seed_;
  std::vector<Player> players_;
  std::unordered_set<std::string> taken_names_;
  SeasonRoster current_;
  bool started_ = false;
};

// Age in whole years on `d`.
int AgeOn(Date birth, Date d);

}  // namespace phase4::generate
