// Approximate arena locations of the 30 teams, for travel distances.
#pragma once

#include <string_view>

namespace phase4::generate {

struct ArenaLocation {
  double latitude = 0.0;
  double longitude = 0.0;
};

// Location of a team's home arena by tricode ({0, 0} when unknown).
ArenaLocation ArenaOf(std::string_view tricode);
// Great-circle distance in statute miles.
double DistanceMiles(const ArenaLocation& a, const ArenaLocation& b);

}  // namespace phase4::generate
