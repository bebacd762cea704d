#include "generate/form.h"

#include <algorithm>
#include <cmath>

namespace phase4::generate {

namespace {

// Wobble: about a 15-game memory, sd 0.3 quality units.
constexpr double kWobbleKeep = 0.935;
constexpr double kWobbleSd = 0.3;
// Heat: about a 10-game memory, sd 0.11 (+-11% shot share).
constexpr double kHeatKeep = 0.9;
constexpr double kHeatSd = 0.11;
// A role change about once every 65 team games a player (steps of about
// one to three places in the rotation).
constexpr double kRoleChange = 0.015;
constexpr double kRoleStepSd = 0.55;

double Innovation(double keep, double sd) { return sd * std::sqrt(1.0 - keep * keep); }

}  // namespace

PlayerForm InitialForm(Rng& rng, int age) {
  PlayerForm f;
  f.wobble = rng.Normal(0.0, kWobbleSd);
  f.heat = rng.Normal(0.0, kHeatSd);
  // Over a season (~82 team games): players of 21 and under gain about 0.5
  // of quality in role, of 22-23 about 0.3; veterans past 30 lose about 0.2.
  if (age <= 21) {
    f.growth = rng.Normal(0.006, 0.003);
  } else if (age <= 23) {
    f.growth = rng.Normal(0.0035, 0.002);
  } else if (age >= 31) {
    f.growth = rng.Normal(-0.0025, 0.0015);
  } else {
    f.growth = rng.Normal(0.0, 0.001);
  }
  return f;
}

void AdvanceForm(Rng& rng, PlayerForm& f) {
  f.level += f.growth;
  if (rng.Bernoulli(kRoleChange)) f.level = 0.6 * f.level + rng.Normal(0.0, kRoleStepSd);
  f.wobble = kWobbleKeep * f.wobble + rng.Normal(0.0, Innovation(kWobbleKeep, kWobbleSd));
  f.heat = kHeatKeep * f.heat + rng.Normal(0.0, Innovation(kHeatKeep, kHeatSd));
}

void TradeForm(Rng& rng, PlayerForm& f) {
  f.level = 0.3 * f.level + rng.Normal(0.0, 0.4);
  f.wobble = 0.0;
}

void InjuryForm(PlayerForm& f, int games) {
  if (games < 4) return;
  f.restricted = f.restricted_from = games >= 13 ? 5 : games >= 6 ? 4 : 3;
  f.wobble = std::min(f.wobble, 0.0) - (games >= 13 ? 0.3 : 0.15);
}

void PlayedWithForm(PlayerForm& f) {
  if (f.restricted > 0) --f.restricted;
}

FormEffect EffectOf(const PlayerForm& f, double quality, int age, LateSeason late) {
  FormEffect e;
  e.role = f.level + f.wobble;
  if (late == LateSeason::kDevelopment) e.role += age <= 24 ? 0.35 : age >= 29 ? -0.25 : 0.0;
  e.usage = std::clamp(std::exp(f.heat + 0.3 * e.role), 0.4, 2.5);
  if (f.restricted > 0) {
    // First game back at ~62% of his minutes, then up step by step.
    const int back = f.restricted_from - f.restricted;
    e.minutes = 0.62 + 0.38 * back / f.restricted_from;
  }
  if (late == LateSeason::kResting && quality > 0.8) e.minutes *= 0.85;
  return e;
}

}  // namespace phase4::generate
