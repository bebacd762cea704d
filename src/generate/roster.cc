#include "generate/roster.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "generate/names.h"

namespace phase4::generate {

namespace {

double Clamp(double x, double lo, double hi) { return std::min(hi, std::max(lo, x)); }

Date SeasonReference(int season) { return MakeDate(season, 10, 1); }

Position DrawPosition(Rng& rng) {
  static const double kWeights[4] = {0.28, 0.27, 0.25, 0.20};
  return static_cast<Position>(rng.Weighted(kWeights, 4));
}

}  // namespace

int AgeOn(Date birth, Date d) {
  int age = YearOf(d) - YearOf(birth);
  if (MonthOf(d) < MonthOf(birth) || (MonthOf(d) == MonthOf(birth) && DayOf(d) < DayOf(birth)))
    --age;
  return age;
}

League::League(uint64_t seed, int base_season) : seed_(seed) {
  current_.season = base_season;
  CreateInitialLeague();
}

int League::NewPlayer(Rng& rng, int season, bool rookie) {
  Player p;
  p.id = static_cast<int>(players_.size());
  PlayerName n = DrawUniqueName(rng, taken_names_);
  p.full_name = std::move(n.full_name);
  p.lookup = std::move(n.lookup);
  p.universal_id = p.lookup + "_001";
  int age = rookie ? rng.Int(19, 22)
                   : std::clamp(static_cast<int>(std::lround(rng.Normal(26.0, 3.8))), 19, 37);
  p.birth_date =
      AddDays(SeasonReference(season), -(365 * age + static_cast<int>(rng.Below(365))) - age / 4);
  p.position = DrawPosition(rng);
  p.quality = rookie ? rng.Normal(-0.45, 0.75) : rng.Normal(0.0, 1.0);
  p.minutes_bias = rng.Normal(0.0, 1.8);
  p.style_paint = rng.Normal(0.0, 0.06);
  p.style_three = rng.Normal(0.0, 0.06);
  p.style_shooting = rng.Normal(0.0, 1.0);
  p.style_ft = rng.Normal(0.0, 1.0);
  p.injury_prone = Clamp(rng.Normal(1.0, 0.35), 0.4, 2.0);
  players_.push_back(std::move(p));
  return players_.back().id;
}

void League::RefreshSkills(Player& p, int season) const {
  const int age = AgeOn(p.birth_date, SeasonReference(season));
  const double q = p.quality;
  const int pos = static_cast<int>(p.position);
  static const double kPaint[4] = {0.27, 0.33, 0.43, 0.65};
  static const double kMid[4] = {0.19, 0.20, 0.21, 0.17};
  static const double kPaintPct[4] = {0.535, 0.56, 0.58, 0.625};
  static const double kThreePct[4] = {0.365, 0.359, 0.349, 0.327};
  static const double kFtRate[4] = {0.23, 0.24, 0.27, 0.33};
  static const double kFtPct[4] = {0.83, 0.80, 0.77, 0.70};
  static const double kAssisted[4] = {0.50, 0.67, 0.69, 0.77};
  static const double kAst[4] = {2.3, 1.0, 0.9, 0.8};
  static const double kOreb[4] = {0.35, 0.65, 1.2, 2.3};
  static const double kDreb[4] = {0.7, 0.9, 1.25, 1.9};
  static const double kStl[4] = {1.25, 1.1, 0.9, 0.7};
  static const double kBlk[4] = {0.3, 0.6, 1.1, 2.6};
  static const double kFoul[4] = {0.85, 0.95, 1.1, 1.4};
  const size_t i = static_cast<size_t>(pos);

  p.usage = Clamp(0.17 + 0.075 * q + 0.01 * p.style_ft, 0.08, 0.36);
  double paint = std::max(0.05, kPaint[i] + p.style_paint);
  double mid = std::max(0.05, kMid[i] + 0.5 * p.style_three * -1.0);
  double three = std::max(0.03, 1.0 - kPaint[i] - kMid[i] + p.style_three);
  double sum = paint + mid + three;
  p.paint_share = paint / sum;
  p.mid_share = mid / sum;
  p.three_share = three / sum;
  p.paint_pct = Clamp(kPaintPct[i] + 0.02 * q + 0.018 * p.style_shooting, 0.42, 0.76);
  p.mid_pct = Clamp(0.392 + 0.01 * q + 0.022 * p.style_shooting, 0.28, 0.55);
  p.three_pct = Clamp(kThreePct[i] + 0.012 * q + 0.022 * p.style_shooting, 0.22, 0.46);
  p.ft_rate = Clamp(kFtRate[i] + 0.035 * q + 0.06 * p.style_ft, 0.06, 0.6);
  p.ft_pct = Clamp(kFtPct[i] + 0.04 * p.style_shooting, 0.45, 0.95);
  p.assisted_share = Clamp(kAssisted[i] - 0.05 * q, 0.2, 0.92);
  p.assist_skill = kAst[i] * Clamp(1.0 + 0.25 * q, 0.4, 2.0);
  p.oreb_skill = kOreb[i];
  p.dreb_skill = kDreb[i] * Clamp(1.0 + 0.1 * q, 0.6, 1.5);
  p.steal_skill = kStl[i];
  p.block_skill = kBlk[i];
  p.tov_skill = p.usage * (pos == 0 ? 1.25 : 1.0);
  p.foul_skill = kFoul[i];
  p.rest_prone = (q > 0.9 && age >= 29) ? 0.22 : (q > 1.3 && age >= 27) ? 0.1 : 0.0;
}

void League::CreateInitialLeague() {
  Rng rng = Rng::Derived(seed_, {static_cast<uint64_t>(current_.season), 0x6c65616775ULL});
  for (int t = 0; t < kTeamCount; ++t) {
    auto& r = current_.roster[static_cast<size_t>(t)];
    for (int k = 0; k < kRosterSize; ++k) r.push_back(NewPlayer(rng, current_.season, false));
  }
  for (auto& p : players_) RefreshSkills(p, current_.season);
  ComputeTraits(rng);
  PlanTrades(rng);
}

void League::ComputeTraits(Rng& rng) {
  static const double kWeight[8] = {34, 32, 30, 29, 27, 24, 21, 18};
  std::array<double, kTeamCount> strength{};
  for (int t = 0; t < kTeamCount; ++t) {
    std::vector<double> q;
    for (int id : current_.roster[static_cast<size_t>(t)]) q.push_back(player(id).quality);
    std::sort(q.rbegin(), q.rend());
    double s = 0;
    for (size_t k = 0; k < 8 && k < q.size(); ++k) s += kWeight[k] * q[k];
    strength[static_cast<size_t>(t)] = s;
  }
  double mean = std::accumulate(strength.begin(), strength.end(), 0.0) / kTeamCount;
  double var = 0;
  for (double s : strength) var += (s - mean) * (s - mean);
  double sd = std::sqrt(var / kTeamCount);
  if (sd <= 0) sd = 1;
  for (int t = 0; t < kTeamCount; ++t) {
    double z = (strength[static_cast<size_t>(t)] - mean) / sd;
    TeamTraits& tr = current_.traits[static_cast<size_t>(t)];
    tr.offense = 2.4 * z + rng.Normal(0.0, 1.6);
    tr.defense = 2.0 * z + rng.Normal(0.0, 1.6);
    tr.pace = rng.Normal(0.0, 1.8);
    tr.def_paint = rng.Normal(0.0, 0.017) - 0.003 * tr.defense;
    tr.def_mid = rng.Normal(0.0, 0.017) - 0.002 * tr.defense;
    tr.def_three = rng.Normal(0.0, 0.013) - 0.002 * tr.defense;
  }
}

void League::PlanTrades(Rng& rng) {
  current_.trades.clear();
  const int season = current_.season;
  const Date first = MakeDate(season, 12, 15);
  const int window = DaysBetween(first, MakeDate(season + 1, 2, 8));
  int count = rng.Int(4, 7);
  std::unordered_set<int> moved;
  for (int k = 0, guard = 0; k < count && guard < 200; ++guard) {
    int a = static_cast<int>(rng.Below(kTeamCount));
    int b = static_cast<int>(rng.Below(kTeamCount - 1));
    if (b >= a) ++b;
    // Swap two players of similar quality outside each team's top three.
    auto ranked = [&](int t) {
      std::vector<int> ids = current_.roster[static_cast<size_t>(t)];
      std::sort(ids.begin(), ids.end(), [&](int x, int y) {
        return player(x).quality > player(y).quality ||
               (player(x).quality == player(y).quality && x < y);
      });
      return ids;
    };
    auto ra = ranked(a), rb = ranked(b);
    int pa = ra[static_cast<size_t>(rng.Int(3, 11))];
    int best = -1;
    double best_diff = 1e9;
    for (size_t r = 3; r < 12; ++r) {
      double d = std::fabs(player(rb[r]).quality - player(pa).quality);
      if (d < best_diff && !moved.count(rb[r])) {
        best_diff = d;
        best = rb[r];
      }
    }
    if (best < 0 || moved.count(pa) || best_diff > 0.6) continue;
    moved.insert(pa);
    moved.insert(best);
    Trade tr;
    tr.date = AddDays(first, static_cast<int>(rng.Below(static_cast<uint64_t>(window) + 1)));
    tr.team_a = a;
    tr.team_b = b;
    tr.player_a = pa;
    tr.player_b = best;
    current_.trades.push_back(tr);
    ++k;
  }
  std::stable_sort(current_.trades.begin(), current_.trades.end(),
                   [](const Trade& x, const Trade& y) { return x.date < y.date; });
}

void League::Offseason(int season) {
  Rng rng = Rng::Derived(seed_, {static_cast<uint64_t>(season), 0x6f666673ULL});
  // The previous season's trades stand.
  for (const Trade& tr : current_.trades) {
    auto& ra = current_.roster[static_cast<size_t>(tr.team_a)];
    auto& rb = current_.roster[static_cast<size_t>(tr.team_b)];
    std::replace(ra.begin(), ra.end(), tr.player_a, tr.player_b);
    std::replace(rb.begin(), rb.end(), tr.player_b, tr.player_a);
  }
  current_.season = season;
  // Development and decline; retirements and releases.
  for (auto& r : current_.roster) {
    std::vector<int> keep;
    for (int id : r) {
      Player& p = players_[static_cast<size_t>(id)];
      int age = AgeOn(p.birth_date, SeasonReference(season));
      double drift = age < 23 ? 0.25 : age < 27 ? 0.1 : age < 31 ? 0.0 : age < 34 ? -0.15 : -0.3;
      p.quality += drift + rng.Normal(0.0, 0.25);
      // Retirements, releases and departures abroad: about 60 new players
      // a season, as in the NBA.
      double leave = age >= 35 ? 0.5 : age >= 33 ? 0.2 : 0.06;
      if (p.quality < -1.0) leave = std::max(leave, 0.35);
      if (!rng.Bernoulli(leave)) keep.push_back(id);
    }
    r = std::move(keep);
  }
  // Free agency: some players change teams (swaps keep the counts).
  for (int k = 0; k < 22; ++k) {
    int a = static_cast<int>(rng.Below(kTeamCount));
    int b = static_cast<int>(rng.Below(kTeamCount - 1));
    if (b >= a) ++b;
    auto& ra = current_.roster[static_cast<size_t>(a)];
    auto& rb = current_.roster[static_cast<size_t>(b)];
    if (ra.empty() || rb.empty()) continue;
    std::swap(ra[static_cast<size_t>(rng.Below(ra.size()))],
              rb[static_cast<size_t>(rng.Below(rb.size()))]);
  }
  // Rookies and free agents fill the open spots.
  for (auto& r : current_.roster) {
    while (static_cast<int>(r.size()) < kRosterSize) {
      r.push_back(NewPlayer(rng, season, rng.Bernoulli(0.7)));
    }
    std::sort(r.begin(), r.end());
  }
  for (auto& r : current_.roster) {
    for (int id : r) RefreshSkills(players_[static_cast<size_t>(id)], season);
  }
  ComputeTraits(rng);
  PlanTrades(rng);
}

const SeasonRoster& League::StartSeason(int season) {
  if (!started_) {
    started_ = true;
    if (season <= current_.season) return current_;
  }
  while (current_.season < season) Offseason(current_.season + 1);
  return current_;
}

}  // namespace phase4::generate
