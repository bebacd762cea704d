#include "generate/game_model.h"

#include <algorithm>
#include <cmath>

namespace phase4::generate {

namespace {

constexpr double kHomeEdge = 0.9;  // points added to the home side, taken from the road side
constexpr double kSharedSd = 7.0;  // game-level component (pace, officiating)
constexpr double kTeamSd = 10.3;   // team-level component
constexpr int kMinPoints = 62;
constexpr int kMaxPoints = 170;

// Plays overtime periods from a tie at `regulation`, each side scoring
// ~10.5 in five minutes; `home_wins` decides the last period when set.
ScorePlan PlayOvertime(Rng& rng, int regulation, std::optional<bool> home_wins) {
  ScorePlan s;
  s.home_points = s.away_points = regulation;
  while (true) {
    ++s.overtime_periods;
    int h = std::clamp(static_cast<int>(std::lround(rng.Normal(10.5, 3.2))), 2, 22);
    int a = std::clamp(static_cast<int>(std::lround(rng.Normal(10.5, 3.2))), 2, 22);
    if (h == a && s.overtime_periods < 4) {  // tied again: another period
      s.home_points += h;
      s.away_points += a;
      continue;
    }
    if (h == a) (rng.Bernoulli(0.5) ? h : a) += rng.Int(1, 3);
    if (home_wins.has_value() && *home_wins != (h > a)) std::swap(h, a);
    s.home_points += h;
    s.away_points += a;
    break;
  }
  return s;
}

}  // namespace

ScorePlan SimulateScore(Rng& rng, const TeamTraits& home, const TeamTraits& away,
                        double home_adjust, double away_adjust, std::optional<bool> home_must_win) {
  const double mu_h = kLeaguePoints + kHomeEdge + home.offense - away.defense + home_adjust;
  const double mu_a = kLeaguePoints - kHomeEdge + away.offense - home.defense + away_adjust;
  ScorePlan s;
  for (int attempt = 0; attempt < 40; ++attempt) {
    double shared = kSharedSd * rng.Normal();
    int h = std::clamp(static_cast<int>(std::lround(mu_h + shared + kTeamSd * rng.Normal())),
                       kMinPoints, kMaxPoints);
    int a = std::clamp(static_cast<int>(std::lround(mu_a + shared + kTeamSd * rng.Normal())),
                       kMinPoints, kMaxPoints);
    int margin = h - a;
    // Regulation ties, and some very close finishes, become overtime games
    // (about 6% of all games, as in the NBA).
    bool overtime = margin == 0 || (std::abs(margin) <= 3 && rng.Bernoulli(0.22));
    if (overtime) {
      int regulation = std::min(h, a) - rng.Int(0, 3);
      return PlayOvertime(rng, regulation, home_must_win);
    }
    s.home_points = h;
    s.away_points = a;
    s.overtime_periods = 0;
    if (!home_must_win.has_value() || *home_must_win == (h > a)) return s;
  }
  // The planned winner did not come up: swap the sides' scores.
  if (home_must_win.has_value() && *home_must_win != (s.home_points > s.away_points)) {
    std::swap(s.home_points, s.away_points);
  }
  return s;
}

ScorePlan PlanFromRealScore(Rng& rng, int home_points, int away_points) {
  ScorePlan s{home_points, away_points, 0};
  int margin = std::abs(home_points - away_points);
  if (margin <= 5 && rng.Bernoulli(0.25)) s.overtime_periods = rng.Bernoulli(0.1) ? 2 : 1;
  return s;
}

}  // namespace phase4::generate
