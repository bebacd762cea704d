// Realistic synthetic player names (built-in first and last name lists) and
// the player_lookup normalisation of spec/phase3-inputs.md §1.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "generate/rng.h"

namespace phase4::generate {

// Lower-case, then drop every character not in [a-z0-9]. (The generator's
// names are ASCII, so the accent folding step of the reference is moot.)
std::string PlayerLookup(std::string_view full_name);

struct PlayerName {
  std::string full_name;  // e.g. "De'Andre Mitchell Jr."
  std::string lookup;     // e.g. "deandremitchelljr"
};

// Draws a name whose lookup is not in `taken`, and adds it there.
PlayerName DrawUniqueName(Rng& rng, std::unordered_set<std::string>& taken);

}  // namespace phase4::generate
