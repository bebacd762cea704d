// A player's form within a season. Real players' minutes and usage are not
// stationary: coaches promote players into the starting lineup and out of
// it, young players earn a bigger role as the season goes, a trade changes a
// player's role, a player returning from an injury plays on a minutes
// restriction for a few games, shooters run hot or cold for stretches, and
// teams out of the race give the young players the minutes from March. So a
// player's last games tell more about his next one than his season average
// does, which is what recent-form features rely on.
//
// The form is a latent role offset (in units of Player::quality: it moves
// him in the coach's rotation order and raises or lowers his usage) and a
// usage "heat", both persistent processes over his team's games, plus a
// minutes multiplier while he is restricted. Every draw comes from the
// season's form stream, so the league stays a function of the seed.
#pragma once

#include "generate/box_score.h"
#include "generate/rng.h"

namespace phase4::generate {

struct PlayerForm {
  // Role level: moves in discrete steps (promotion, demotion, trade) and
  // drifts by `growth` per team game (young players grow into a role,
  // veterans lose some).
  double level = 0.0;
  double growth = 0.0;
  double wobble = 0.0;      // AR(1) around the level: form over a few weeks
  double heat = 0.0;        // AR(1) log multiplier of his shot share: streaks
  int restricted = 0;       // games back from an injury still restricted
  int restricted_from = 0;  // length of that restriction
};

// The form of a player at the start of a season, `age` on opening night.
PlayerForm InitialForm(Rng& rng, int age);

// One game of the player's team (whether or not he played).
void AdvanceForm(Rng& rng, PlayerForm& f);

// A trade: his new team has a different role for him.
void TradeForm(Rng& rng, PlayerForm& f);

// Injured for `games` team games: when he is back, his minutes are
// restricted for a few games (longer after a long absence) and he comes
// back below his level (rust, and a teammate took part of his role).
void InjuryForm(PlayerForm& f, int games);

// He played a game: one restricted game fewer.
void PlayedWithForm(PlayerForm& f);

// What his team plays for in the last weeks of the regular season.
enum class LateSeason {
  kNormal,
  kDevelopment,  // out of the race: the young players get the minutes
  kResting,      // seeding settled: the best players' minutes are trimmed
};

// The effect on his next game; `quality` and `age`: his Player::quality and
// his age on opening night.
FormEffect EffectOf(const PlayerForm& f, double quality, int age, LateSeason late);

}  // namespace phase4::generate
