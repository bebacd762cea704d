// One game's box score: who plays and for how long, and every player's
// line, consistent by construction:
//   paint + mid-range + three attempts == field-goal attempts;
//   makes <= attempts in every zone; assisted + unassisted == makes;
//   points == 2 * (FGM - 3PM) + 3 * 3PM + FTM;
//   a team's player points sum to its planned (or real) final score;
//   minutes of the players who play sum to 240 + 25 per overtime period.
#pragma once

#include <string>
#include <vector>

#include "generate/game_model.h"
#include "generate/rng.h"
#include "generate/roster.h"

namespace phase4::generate {

enum class LineKind {
  kPlayed,    // active with minutes
  kCameo,     // active, minutes NULL but a field-goal attempt (decision 27 "played")
  kBench,     // active, did not play (coach's decision): minutes NULL (or 0), no attempts
  kInactive,  // injured or resting: is_active FALSE, stats NULL
};

struct PlayerLine {
  int player = -1;
  LineKind kind = LineKind::kBench;
  int minutes = 0;            // kPlayed only
  bool minutes_zero = false;  // kBench stored as 0.0 rather than NULL
  std::string status;         // player_status: active, did_not_play, inactive
  int paint_att = 0, paint_made = 0, mid_att = 0, mid_made = 0, three_att = 0, three_made = 0;
  int fta = 0, ftm = 0;
  int oreb = 0, dreb = 0, ast = 0, stl = 0, blk = 0, tov = 0, pf = 0;
  int plus_minus = 0;
  int assisted = 0;  // assisted made field goals
  int blk_paint = 0, blk_mid = 0, blk_three = 0;

  int fga() const { return paint_att + mid_att + three_att; }
  int fgm() const { return paint_made + mid_made + three_made; }
  int points() const { return 2 * (fgm() - three_made) + 3 * three_made + ftm; }
  bool played() const { return kind == LineKind::kPlayed || kind == LineKind::kCameo; }
};

// Team totals (sums of the lines).
struct TeamTotals {
  int points = 0, fga = 0, fgm = 0, three_att = 0, three_made = 0, fta = 0, ftm = 0;
  int paint_att = 0, paint_made = 0, mid_att = 0, mid_made = 0;
  int oreb = 0, dreb = 0, ast = 0, stl = 0, blk = 0, tov = 0, pf = 0;
  int blk_paint = 0, blk_mid = 0, blk_three = 0;
};

struct TeamBox {
  int team = -1;
  std::vector<PlayerLine> lines;  // every rostered player, played ones first
  TeamTotals totals;
  int team_minutes = 240;
};

// A player's current form (generate/form.h) as it bears on one game.
struct FormEffect {
  double role = 0.0;     // added to his quality in the coach's rotation order
  double usage = 1.0;    // multiplies his share of the team's shots
  double minutes = 1.0;  // multiplies the minutes of his role (restrictions)
};

// The team's players for one game.
struct LineupInput {
  int team = -1;
  std::vector<int> available;    // may play (healthy, or questionable and cleared)
  std::vector<FormEffect> form;  // of the available players, in order; empty: neutral
  std::vector<int> inactive;     // injured or resting
};

struct GameBox {
  TeamBox home, away;
  ScorePlan score;
};

// Simulates the whole box score of a game whose final score is `score`.
GameBox SimulateBoxScore(Rng& rng, const League& league, const LineupInput& home,
                         const LineupInput& away, const TeamTraits& home_traits,
                         const TeamTraits& away_traits, const ScorePlan& score);

TeamTotals SumLines(const std::vector<PlayerLine>& lines);

}  // namespace phase4::generate
