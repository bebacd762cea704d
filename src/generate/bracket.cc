#include "generate/bracket.h"

#include <algorithm>
#include <cmath>

#include "common/teams.h"
#include "generate/game_ids.h"
#include "generate/pairings.h"

namespace phase4::generate {

namespace {

constexpr std::array<std::array<int, 2>, 4> kRound2Feeders{{{0, 3}, {1, 2}, {4, 7}, {5, 6}}};

int ConferenceOf(int team) {
  return AllTeams()[static_cast<size_t>(team)].conference == "East" ? 0 : 1;
}

std::string Tricode(int team) { return std::string(AllTeams()[static_cast<size_t>(team)].tricode); }

bool HigherSeedHosts(int game_number) {
  return game_number == 1 || game_number == 2 || game_number == 5 || game_number == 7;
}

}  // namespace

Bracket::Bracket(uint64_t seed, const std::vector<const ScheduleGame*>& postseason)
    : seed_(seed), rng_(MixSeed({seed, 0x627261636b6574ULL})) {
  seed_of_.fill(15);
  for (const ScheduleGame* g : postseason) {
    if (g->game_type != GameType::kPlayoffs) continue;
    auto slot = ParseBracketGameId(g->game_id);
    if (!slot) continue;
    auto key = std::make_pair(slot->round, slot->matchup);
    ++series_length_[key];
    if (g->has_matchup() && !given_teams_.count(key)) {
      int h = TeamIndex(g->home_team), a = TeamIndex(g->away_team);
      if (h >= 0 && a >= 0) given_teams_[key] = {h, a};
    }
  }
}

void Bracket::SetStandings(const std::array<TeamRecord, kTeamCount>& records,
                           const std::array<double, kTeamCount>& strength) {
  records_ = records;
  strength_ = strength;
  has_standings_ = true;
  std::array<double, kTeamCount> tiebreak{};
  for (auto& t : tiebreak) t = rng_.Uniform();
  for (int c = 0; c < 2; ++c) {
    std::vector<int> teams;
    for (int t = 0; t < kTeamCount; ++t) {
      if (ConferenceOf(t) == c) teams.push_back(t);
    }
    auto pct = [&](int t) {
      const auto& r = records_[static_cast<size_t>(t)];
      int g = r.wins + r.losses;
      return g ? static_cast<double>(r.wins) / g : 0.0;
    };
    std::sort(teams.begin(), teams.end(), [&](int a, int b) {
      if (pct(a) != pct(b)) return pct(a) > pct(b);
      const auto& ra = records_[static_cast<size_t>(a)];
      const auto& rb = records_[static_cast<size_t>(b)];
      if (ra.point_diff != rb.point_diff) return ra.point_diff > rb.point_diff;
      return tiebreak[static_cast<size_t>(a)] > tiebreak[static_cast<size_t>(b)];
    });
    for (size_t k = 0; k < teams.size(); ++k) {
      seed_of_[static_cast<size_t>(teams[k])] = static_cast<int>(k) + 1;
      if (k < 10) seeds_[static_cast<size_t>(c)][k + 1] = teams[k];
    }
  }
}

int Bracket::SeedTeam(int conference, int seed) const {
  const auto& s = seeds_[static_cast<size_t>(conference)];
  if (seed == 7) {
    auto it = play_in_.find({1, 2 * conference});
    if (it != play_in_.end() && it->second.winner >= 0) return it->second.winner;
  } else if (seed == 8) {
    auto it = play_in_.find({2, conference});
    if (it != play_in_.end() && it->second.winner >= 0) return it->second.winner;
    it = play_in_.find({1, 2 * conference});
    if (it != play_in_.end() && it->second.loser >= 0) return it->second.loser;
  }
  return s[static_cast<size_t>(seed)];
}

void Bracket::Plan(Series& s, int /*round*/) {
  s.hi_wins.clear();
  if (s.length <= 0) return;
  double edge = (strength_[static_cast<size_t>(s.hi)] - strength_[static_cast<size_t>(s.lo)]) / 3.5;
  bool hi_takes_series = rng_.Bernoulli(1.0 / (1.0 + std::exp(-(edge + 0.25))));
  const int n = std::min(s.length, 7);
  s.hi_wins.assign(static_cast<size_t>(n), false);
  if (n >= 4) {
    // The series winner takes the last game and three of the others.
    std::vector<int> idx;
    for (int g = 0; g + 1 < n; ++g) idx.push_back(g);
    rng_.Shuffle(idx);
    std::vector<bool> winner_game(static_cast<size_t>(n), false);
    winner_game[static_cast<size_t>(n - 1)] = true;
    for (int k = 0; k < 3; ++k)
      winner_game[static_cast<size_t>(idx[static_cast<size_t>(k)])] = true;
    for (int g = 0; g < n; ++g) {
      s.hi_wins[static_cast<size_t>(g)] = winner_game[static_cast<size_t>(g)] == hi_takes_series;
    }
  } else {
    for (int g = 0; g < n; ++g) s.hi_wins[static_cast<size_t>(g)] = rng_.Bernoulli(0.55);
  }
}

Bracket::Series& Bracket::SeriesFor(int round, int matchup) {
  auto key = std::make_pair(round, matchup);
  Series& s = series_[key];
  if (s.known) return s;
  s.known = true;
  auto len = series_length_.find(key);
  s.length = len == series_length_.end() ? 0 : len->second;
  int a = -1, b = -1;
  auto given = given_teams_.find(key);
  if (given != given_teams_.end()) {
    a = given->second.first;
    b = given->second.second;
  } else if (round == 1) {
    int c = matchup / 4, p = matchup % 4;
    a = SeedTeam(c, p + 1);
    b = SeedTeam(c, 8 - p);
  } else if (round == 2) {
    const auto& f = kRound2Feeders[static_cast<size_t>(std::clamp(matchup, 0, 3))];
    a = SeriesWinner(1, f[0]);
    b = SeriesWinner(1, f[1]);
  } else if (round == 3) {
    a = SeriesWinner(2, 2 * matchup);
    b = SeriesWinner(2, 2 * matchup + 1);
  } else {
    a = SeriesWinner(3, 0);
    b = SeriesWinner(3, 1);
  }
  // The higher seed: the better conference seed, or the better record in
  // the Finals (and between conferences).
  auto better = [&](int x, int y) {
    if (ConferenceOf(x) == ConferenceOf(y) && round < 4) return SeedOf(x) < SeedOf(y);
    const auto& rx = records_[static_cast<size_t>(x)];
    const auto& ry = records_[static_cast<size_t>(y)];
    if (rx.wins != ry.wins) return rx.wins > ry.wins;
    return rx.point_diff >= ry.point_diff;
  };
  // Round-1 pairs keep the bracket's order even after the play-in.
  if (given == given_teams_.end() && round == 1) {
    s.hi = a;
    s.lo = b;
  } else if (better(a, b)) {
    s.hi = a;
    s.lo = b;
  } else {
    s.hi = b;
    s.lo = a;
  }
  if (given == given_teams_.end()) Plan(s, round);
  return s;
}

int Bracket::SeriesWinner(int round, int matchup) {
  Series& s = SeriesFor(round, matchup);
  if (s.wins_hi >= 4) return s.hi;
  if (s.wins_lo >= 4) return s.lo;
  if (!s.hi_wins.empty()) {
    int hi = static_cast<int>(std::count(s.hi_wins.begin(), s.hi_wins.end(), true));
    int lo = static_cast<int>(s.hi_wins.size()) - hi;
    if (hi != lo) return hi > lo ? s.hi : s.lo;
  }
  if (s.wins_lo > s.wins_hi) return s.lo;
  return s.hi;
}

std::optional<bool> Bracket::Prepare(ScheduleGame& g) {
  auto slot = ParseBracketGameId(g.game_id);
  if (!slot) return std::nullopt;
  if (g.game_type == GameType::kPlayIn) {
    if (g.has_matchup()) return std::nullopt;
    int home, away;
    if (slot->round == 1) {
      int c = std::clamp(slot->matchup / 2, 0, 1);
      bool seven_eight = slot->matchup % 2 == 0;
      home = seeds_[static_cast<size_t>(c)][seven_eight ? 7 : 9];
      away = seeds_[static_cast<size_t>(c)][seven_eight ? 8 : 10];
    } else {
      int c = std::clamp(slot->matchup, 0, 1);
      auto first = play_in_.find({1, 2 * c});
      auto second = play_in_.find({1, 2 * c + 1});
      home = first != play_in_.end() && first->second.loser >= 0
                 ? first->second.loser
                 : seeds_[static_cast<size_t>(c)][8];
      away = second != play_in_.end() && second->second.winner >= 0
                 ? second->second.winner
                 : seeds_[static_cast<size_t>(c)][9];
    }
    g.home_team = Tricode(home);
    g.away_team = Tricode(away);
    return std::nullopt;
  }
  if (g.game_type != GameType::kPlayoffs) return std::nullopt;
  Series& s = SeriesFor(slot->round, slot->matchup);
  if (g.has_matchup()) return std::nullopt;
  const int home = HigherSeedHosts(slot->game) ? s.hi : s.lo;
  const int away = home == s.hi ? s.lo : s.hi;
  g.home_team = Tricode(home);
  g.away_team = Tricode(away);
  const size_t k = static_cast<size_t>(slot->game - 1);
  if (k < s.hi_wins.size()) return s.hi_wins[k] == (home == s.hi);
  return std::nullopt;
}

void Bracket::Record(const ScheduleGame& g) {
  if (!g.has_matchup() || !g.has_score()) return;
  auto slot = ParseBracketGameId(g.game_id);
  if (!slot) return;
  int h = TeamIndex(g.home_team), a = TeamIndex(g.away_team);
  if (h < 0 || a < 0) return;
  int winner = *g.home_score > *g.away_score ? h : a;
  int loser = winner == h ? a : h;
  if (g.game_type == GameType::kPlayIn) {
    play_in_[{slot->round, slot->matchup}] = {winner, loser};
  } else if (g.game_type == GameType::kPlayoffs) {
    Series& s = SeriesFor(slot->round, slot->matchup);
    if (winner == s.hi) {
      ++s.wins_hi;
    } else if (winner == s.lo) {
      ++s.wins_lo;
    }
  }
}

}  // namespace phase4::generate
