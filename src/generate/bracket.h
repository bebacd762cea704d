// Standings, play-in and playoffs of one season.
//
// Play-in and playoff games that lack teams get them from the generated
// standings and earlier results, following the NBA id layout
// (`005YY00RM1`: round 1 matchups 0/2 = East/West 7-v-8, 1/3 = 9-v-10;
// round 2 matchup 0/1 = East/West decider; `004YY00RMG`: round 1 matchups
// 0-3 East 1v8, 2v7, 3v6, 4v5 and 4-7 West; round 2 pairs the winners of
// (0,3), (1,2), (4,7), (5,6); round 3 of (0,1), (2,3); the Finals of the
// two conference champions). A series keeps its two teams over all its
// games; the higher seed hosts games 1, 2, 5 and 7; the series' winner wins
// its last game and exactly four games when the schedule holds 4-7 games.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calendar/schedule_game.h"
#include "generate/rng.h"
#include "generate/roster.h"

namespace phase4::generate {

struct TeamRecord {
  int wins = 0;
  int losses = 0;
  int point_diff = 0;
};

class Bracket {
 public:
  // `postseason`: the season's play-in and playoff games (used to know each
  // series' length and any teams the schedule already gives).
  Bracket(uint64_t seed, const std::vector<const ScheduleGame*>& postseason);

  // Final regular-season records and team strengths (net points).
  void SetStandings(const std::array<TeamRecord, kTeamCount>& records,
                    const std::array<double, kTeamCount>& strength);
  bool has_standings() const { return has_standings_; }

  // Gives `g` its teams when it lacks them. Returns the planned outcome
  // (true: the home team wins) for playoff games of a planned series.
  std::optional<bool> Prepare(ScheduleGame& g);
  // Records a final game.
  void Record(const ScheduleGame& g);

  // Conference seed (1-based) of a team after the regular season.
  int SeedOf(int team) const { return seed_of_[static_cast<size_t>(team)]; }

 private:
  struct Series {
    int hi = -1, lo = -1;       // higher and lower seed
    int length = 0;             // games in the schedule
    std::vector<bool> hi_wins;  // planned outcome per game number - 1 (empty: free)
    int wins_hi = 0, wins_lo = 0;
    bool known = false;
  };
  struct PlayIn {
    int winner = -1, loser = -1;
  };

  Series& SeriesFor(int round, int matchup);
  int SeriesWinner(int round, int matchup);
  void Plan(Series& s, int round);
  int SeedTeam(int conference, int seed) const;  // after the play-in for seeds 7, 8

  uint64_t seed_;
  Rng rng_;
  bool has_standings_ = false;
  std::array<std::array<int, 11>, 2> seeds_{};  // [conference][seed 1..10]
  std::array<int, kTeamCount> seed_of_{};
  std::array<TeamRecord, kTeamCount> records_{};
  std::array<double, kTeamCount> strength_{};
  std::map<std::pair<int, int>, Series> series_;  // (round, matchup)
  std::map<std::pair<int, int>, int> series_length_;
  std::map<std::pair<int, int>, std::pair<int, int>> given_teams_;  // from the schedule
  std::map<std::pair<int, int>, PlayIn> play_in_;                   // (round, matchup)
};

}  // namespace phase4::generate
