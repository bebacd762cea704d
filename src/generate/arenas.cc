#include "generate/arenas.h"

#include <algorithm>
#include <cmath>

namespace phase4::generate {

namespace {

struct Entry {
  std::string_view tricode;
  ArenaLocation where;
};

constexpr Entry kArenas[] = {
    {"ATL", {33.757, -84.396}},  {"BOS", {42.366, -71.062}},  {"BKN", {40.683, -73.975}},
    {"CHA", {35.225, -80.839}},  {"CHI", {41.881, -87.674}},  {"CLE", {41.496, -81.688}},
    {"DAL", {32.790, -96.810}},  {"DEN", {39.749, -105.008}}, {"DET", {42.341, -83.055}},
    {"GSW", {37.768, -122.388}}, {"HOU", {29.751, -95.362}},  {"IND", {39.764, -86.155}},
    {"LAC", {33.945, -118.343}}, {"LAL", {34.043, -118.267}}, {"MEM", {35.138, -90.051}},
    {"MIA", {25.781, -80.188}},  {"MIL", {43.045, -87.917}},  {"MIN", {44.979, -93.276}},
    {"NOP", {29.949, -90.082}},  {"NYK", {40.751, -73.993}},  {"OKC", {35.463, -97.515}},
    {"ORL", {28.539, -81.384}},  {"PHI", {39.901, -75.172}},  {"PHX", {33.446, -112.071}},
    {"POR", {45.532, -122.667}}, {"SAC", {38.580, -121.500}}, {"SAS", {29.427, -98.438}},
    {"TOR", {43.643, -79.379}},  {"UTA", {40.768, -111.901}}, {"WAS", {38.898, -77.021}},
};

}  // namespace

ArenaLocation ArenaOf(std::string_view tricode) {
  for (const auto& e : kArenas) {
    if (e.tricode == tricode) return e.where;
  }
  return {};
}

double DistanceMiles(const ArenaLocation& a, const ArenaLocation& b) {
  constexpr double kPi = 3.14159265358979323846;
  constexpr double kEarthMiles = 3958.8;
  auto rad = [](double deg) { return deg * kPi / 180.0; };
  double dlat = rad(b.latitude - a.latitude), dlon = rad(b.longitude - a.longitude);
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(rad(a.latitude)) *
                                                           std::cos(rad(b.latitude)) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthMiles * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace phase4::generate
