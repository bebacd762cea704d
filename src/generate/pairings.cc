#include "generate/pairings.h"

#include <algorithm>
#include <array>
#include <map>

#include "common/teams.h"
#include "generate/rng.h"

namespace phase4::generate {

namespace {

constexpr int kTeams = 30;

struct DateGroup {
  Date date{};
  std::vector<ScheduleGame*> open;  // games to pair
  std::array<bool, kTeams> busy{};  // teams of games that already have a matchup
};

double TargetMeetings(int a, int b) {
  const auto& t = AllTeams();
  const auto& ta = t[static_cast<size_t>(a)];
  const auto& tb = t[static_cast<size_t>(b)];
  if (ta.division == tb.division) return 4.0;
  if (ta.conference == tb.conference) return 3.6;
  return 2.0;
}

// Gale-Ryser: can teams with remaining demands `r` fill future dates whose
// team capacities are counted in `cap_count[c]` (number of dates needing c
// teams)? Availability restrictions of pre-matched games are ignored.
bool Feasible(const std::array<int, kTeams>& r, const std::vector<int>& cap_count, int max_cap) {
  std::array<int, kTeams> sorted = r;
  std::sort(sorted.begin(), sorted.end());
  long cap_prefix = 0;
  int k = 0;
  for (int c = max_cap; c >= 1; --c) {
    for (int n = 0; n < cap_count[static_cast<size_t>(c)]; ++n) {
      ++k;
      cap_prefix += c;
      long rhs = 0;
      for (int x : sorted) rhs += std::min(x, k);
      if (cap_prefix > rhs) return false;
    }
  }
  return true;
}

// Orients `edges` (pairs of team indexes) so that every vertex of even
// degree has equal in- and out-degree: closed walks over unused edges.
// Returns, per edge, whether it keeps its direction (first = home).
std::vector<bool> EulerOrient(const std::vector<std::pair<int, int>>& edges, int vertices) {
  std::vector<std::vector<size_t>> adj(static_cast<size_t>(vertices));
  for (size_t e = 0; e < edges.size(); ++e) {
    adj[static_cast<size_t>(edges[e].first)].push_back(e);
    adj[static_cast<size_t>(edges[e].second)].push_back(e);
  }
  std::vector<bool> used(edges.size(), false), keep(edges.size(), true);
  std::vector<size_t> pos(static_cast<size_t>(vertices), 0);
  for (int start = 0; start < vertices; ++start) {
    while (true) {
      int v = start;
      bool moved = false;
      while (true) {
        auto& p = pos[static_cast<size_t>(v)];
        auto& list = adj[static_cast<size_t>(v)];
        while (p < list.size() && used[list[p]]) ++p;
        if (p == list.size()) break;
        size_t e = list[p];
        used[e] = true;
        moved = true;
        int w = edges[e].first == v ? edges[e].second : edges[e].first;
        keep[e] = edges[e].first == v;  // oriented v -> w: v hosts
        v = w;
      }
      if (!moved) break;
    }
  }
  return keep;
}

}  // namespace

int TeamIndex(std::string_view tricode) {
  const auto& t = AllTeams();
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].tricode == tricode) return static_cast<int>(i);
  }
  return -1;
}

Status FillRegularSeasonPairings(std::vector<ScheduleGame*>& games, uint64_t seed) {
  if (games.empty()) return Status::OK();
  Rng rng(MixSeed({seed, 0x7061697273ULL}));
  std::sort(games.begin(), games.end(), [](const ScheduleGame* a, const ScheduleGame* b) {
    if (a->game_date != b->game_date) return a->game_date < b->game_date;
    return a->game_id < b->game_id;
  });

  // Group by date; count pre-matched games per team.
  std::vector<DateGroup> groups;
  std::array<int, kTeams> fixed_games{};
  for (ScheduleGame* g : games) {
    if (groups.empty() || groups.back().date != g->game_date) {
      groups.push_back({});
      groups.back().date = g->game_date;
    }
    auto& grp = groups.back();
    if (g->has_matchup()) {
      int h = TeamIndex(g->home_team), a = TeamIndex(g->away_team);
      if (h < 0 || a < 0) {
        return Status::InvalidInput("game " + g->game_id + ": unknown team in matchup " +
                                    g->away_team + "@" + g->home_team);
      }
      grp.busy[static_cast<size_t>(h)] = grp.busy[static_cast<size_t>(a)] = true;
      ++fixed_games[static_cast<size_t>(h)];
      ++fixed_games[static_cast<size_t>(a)];
    } else {
      grp.open.push_back(g);
    }
  }
  size_t open_total = 0;
  for (const auto& grp : groups) open_total += grp.open.size();
  if (open_total == 0) return Status::OK();

  // Each team's share of the season's games (82 of 1,230), minus its
  // pre-matched games.
  const long slots = 2 * static_cast<long>(games.size());
  std::array<int, kTeams> demand{};
  long assigned = 0;
  for (int i = 0; i < kTeams; ++i) {
    demand[static_cast<size_t>(i)] = static_cast<int>(slots / kTeams);
    assigned += demand[static_cast<size_t>(i)];
  }
  std::vector<int> order(kTeams);
  for (int i = 0; i < kTeams; ++i) order[static_cast<size_t>(i)] = i;
  rng.Shuffle(order);
  for (size_t k = 0; assigned < slots; ++k, ++assigned) ++demand[static_cast<size_t>(order[k])];
  for (int i = 0; i < kTeams; ++i) {
    demand[static_cast<size_t>(i)] =
        std::max(0, demand[static_cast<size_t>(i)] - fixed_games[static_cast<size_t>(i)]);
  }
  // Open slots must equal total demand; trim or pad the largest/smallest.
  {
    long total = 0;
    for (int d : demand) total += d;
    long need = 2 * static_cast<long>(open_total);
    while (total > need) {
      auto it = std::max_element(demand.begin(), demand.end());
      --*it;
      --total;
    }
    while (total < need) {
      auto it = std::min_element(demand.begin(), demand.end());
      ++*it;
      ++total;
    }
  }

  // Future capacity counts for the feasibility check.
  std::vector<int> cap_count(kTeams + 1, 0);
  for (const auto& grp : groups) ++cap_count[std::min<size_t>(2 * grp.open.size(), kTeams)];

  std::array<int, kTeams> games_played{}, b2b{};
  std::array<Date, kTeams> last_date{};
  std::array<Date, kTeams> prev_date{};  // the date before last_date
  std::array<bool, kTeams> has_last{}, has_prev{};
  std::array<int, kTeams> last_opp{};
  last_opp.fill(-1);
  std::vector<std::array<int, kTeams>> meetings(kTeams);
  for (auto& m : meetings) m.fill(0);
  // Record the pre-matched games as meetings too.
  for (const ScheduleGame* g : games) {
    if (!g->has_matchup()) continue;
    int h = TeamIndex(g->home_team), a = TeamIndex(g->away_team);
    ++meetings[static_cast<size_t>(h)][static_cast<size_t>(a)];
    ++meetings[static_cast<size_t>(a)][static_cast<size_t>(h)];
  }
  const double season_games = static_cast<double>(slots) / kTeams;
  const double b2b_per_game = 15.0 / 82.0;

  std::vector<std::pair<int, int>> open_pairs;  // per open game, in date order
  std::vector<ScheduleGame*> open_games;
  size_t remaining_dates = groups.size();

  for (auto& grp : groups) {
    const size_t k = grp.open.size();
    --cap_count[std::min<size_t>(2 * k, kTeams)];
    const int future_dates = static_cast<int>(remaining_dates);  // including this one
    --remaining_dates;
    if (k == 0) continue;
    const int need = static_cast<int>(2 * k);

    std::array<double, kTeams> score{};
    std::vector<int> cands;
    for (int i = 0; i < kTeams; ++i) {
      const size_t u = static_cast<size_t>(i);
      if (grp.busy[u] || demand[u] <= 0) continue;
      cands.push_back(i);
      double s = static_cast<double>(demand[u]) / future_dates;
      s += rng.Uniform(0.0, 0.25);
      bool yesterday = has_last[u] && DaysBetween(last_date[u], grp.date) == 1;
      bool three_in_three = yesterday && has_prev[u] && DaysBetween(prev_date[u], grp.date) == 2;
      if (yesterday) {
        double expected = b2b_per_game * games_played[u];
        double ahead = b2b[u] - expected;
        double pen = ahead < -1.5 ? -0.1 : ahead < -0.5 ? 0.1 : ahead < 0.5 ? 0.3 : 0.8;
        if (b2b[u] >= 17) pen = 5.0;
        s -= pen;
      }
      if (three_in_three) s -= 20.0;
      if (has_last[u] && DaysBetween(last_date[u], grp.date) >= 3) s += 0.15;
      if (demand[u] >= future_dates) s += 100.0;  // must play every remaining date
      score[u] = s;
    }
    if (static_cast<int>(cands.size()) < need) {
      return Status::FailedPrecondition("cannot pair the regular season of " +
                                        FormatDate(grp.date) + ": too few teams available");
    }
    auto by_score = [&](int a, int b) {
      if (score[static_cast<size_t>(a)] != score[static_cast<size_t>(b)])
        return score[static_cast<size_t>(a)] > score[static_cast<size_t>(b)];
      return a < b;
    };
    std::sort(cands.begin(), cands.end(), by_score);
    std::vector<int> chosen(cands.begin(), cands.begin() + need);
    {
      std::array<int, kTeams> r = demand;
      for (int t : chosen) --r[static_cast<size_t>(t)];
      if (!Feasible(r, cap_count, kTeams)) {
        // Havel-Hakimi order (largest remaining demand first) keeps the
        // rest of the season feasible.
        std::sort(cands.begin(), cands.end(), [&](int a, int b) {
          if (demand[static_cast<size_t>(a)] != demand[static_cast<size_t>(b)])
            return demand[static_cast<size_t>(a)] > demand[static_cast<size_t>(b)];
          return by_score(a, b);
        });
        chosen.assign(cands.begin(), cands.begin() + need);
      }
    }

    // Pair the chosen teams: greedy on descending edge weight (the graph is
    // complete, so the greedy always completes a perfect matching).
    struct Edge {
      double w;
      int a, b;
    };
    std::vector<Edge> edges;
    edges.reserve(chosen.size() * chosen.size() / 2);
    for (size_t i = 0; i < chosen.size(); ++i) {
      for (size_t j = i + 1; j < chosen.size(); ++j) {
        int a = chosen[i], b = chosen[j];
        double w = TargetMeetings(a, b) * (season_games / 82.0) -
                   meetings[static_cast<size_t>(a)][static_cast<size_t>(b)];
        w += rng.Uniform(0.0, 0.6);
        if (last_opp[static_cast<size_t>(a)] == b || last_opp[static_cast<size_t>(b)] == a)
          w -= 1.5;
        edges.push_back({w, a, b});
      }
    }
    std::sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) {
      if (x.w != y.w) return x.w > y.w;
      if (x.a != y.a) return x.a < y.a;
      return x.b < y.b;
    });
    std::array<bool, kTeams> matched{};
    size_t slot = 0;
    for (const Edge& e : edges) {
      if (slot == k) break;
      if (matched[static_cast<size_t>(e.a)] || matched[static_cast<size_t>(e.b)]) continue;
      matched[static_cast<size_t>(e.a)] = matched[static_cast<size_t>(e.b)] = true;
      open_pairs.push_back({e.a, e.b});
      open_games.push_back(grp.open[slot++]);
      ++meetings[static_cast<size_t>(e.a)][static_cast<size_t>(e.b)];
      ++meetings[static_cast<size_t>(e.b)][static_cast<size_t>(e.a)];
      for (int t : {e.a, e.b}) {
        const size_t u = static_cast<size_t>(t);
        if (has_last[u] && DaysBetween(last_date[u], grp.date) == 1) ++b2b[u];
        prev_date[u] = last_date[u];
        has_prev[u] = has_last[u];
        last_date[u] = grp.date;
        has_last[u] = true;
        --demand[u];
        ++games_played[u];
        last_opp[u] = t == e.a ? e.b : e.a;
      }
    }
  }

  // Home and away: per pair of teams, alternate hosts; the odd meetings of
  // every pair form a graph of even degrees whose Euler orientation gives
  // each team exactly half of its games at home.
  std::map<std::pair<int, int>, std::vector<size_t>> by_pair;  // (lo, hi) -> open game indexes
  for (size_t i = 0; i < open_pairs.size(); ++i) {
    auto [a, b] = open_pairs[i];
    by_pair[{std::min(a, b), std::max(a, b)}].push_back(i);
  }
  std::vector<std::pair<int, int>> odd_edges;
  std::vector<std::pair<int, int>> odd_keys;
  for (const auto& [key, list] : by_pair) {
    if (list.size() % 2 == 1) {
      bool flip = rng.Bernoulli(0.5);
      odd_edges.push_back(flip ? std::make_pair(key.second, key.first) : key);
      odd_keys.push_back(key);
    }
  }
  // Teams with an odd number of open games get a dummy vertex partner so the
  // walk still closes (only when pre-matched games make a count odd).
  {
    std::array<int, kTeams> deg{};
    for (auto [a, b] : odd_edges) {
      ++deg[static_cast<size_t>(a)];
      ++deg[static_cast<size_t>(b)];
    }
    for (int t = 0; t < kTeams; ++t) {
      if (deg[static_cast<size_t>(t)] % 2) odd_edges.push_back({t, kTeams});
    }
  }
  std::vector<bool> keep = EulerOrient(odd_edges, kTeams + 1);
  std::map<std::pair<int, int>, int> extra_host;  // odd pair -> team hosting the extra game
  for (size_t e = 0; e < odd_keys.size(); ++e) {
    extra_host[odd_keys[e]] = keep[e] ? odd_edges[e].first : odd_edges[e].second;
  }
  const auto& teams = AllTeams();
  for (const auto& [key, list] : by_pair) {
    int first_host;
    if (list.size() % 2 == 1) {
      first_host = extra_host[key];
    } else {
      first_host = rng.Bernoulli(0.5) ? key.first : key.second;
    }
    int other = first_host == key.first ? key.second : key.first;
    for (size_t m = 0; m < list.size(); ++m) {
      int host = m % 2 == 0 ? first_host : other;
      int guest = host == key.first ? key.second : key.first;
      ScheduleGame* g = open_games[list[m]];
      g->home_team = std::string(teams[static_cast<size_t>(host)].tricode);
      g->away_team = std::string(teams[static_cast<size_t>(guest)].tricode);
    }
  }
  return Status::OK();
}

}  // namespace phase4::generate
