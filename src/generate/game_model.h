// Final scores of one game: a team-strength model calibrated to the real
// league (team points ~114, sd ~13; home teams win ~54%; mean absolute
// margin ~12.7; ~6% of games go to overtime), or the real final score when
// the schedule has one.
#pragma once

#include <optional>

#include "generate/rng.h"
#include "generate/roster.h"

namespace phase4::generate {

inline constexpr double kLeaguePoints = 114.0;

struct ScorePlan {
  int home_points = 0;
  int away_points = 0;
  int overtime_periods = 0;
};

// `home_adjust`/`away_adjust`: points added to each side's expectation
// (missing stars lower it). `home_must_win`: when set, the planned winner.
ScorePlan SimulateScore(Rng& rng, const TeamTraits& home, const TeamTraits& away,
                        double home_adjust, double away_adjust, std::optional<bool> home_must_win);

// A real final score: only the overtime periods are drawn (close games go
// to overtime now and then).
ScorePlan PlanFromRealScore(Rng& rng, int home_points, int away_points);

}  // namespace phase4::generate
