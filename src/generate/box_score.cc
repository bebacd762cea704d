#include "generate/box_score.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace phase4::generate {

namespace {

constexpr size_t kMaxLines = 24;

double Clamp(double x, double lo, double hi) { return std::min(hi, std::max(lo, x)); }
int ClampInt(double x, int lo, int hi) {
  return std::clamp(static_cast<int>(std::lround(x)), lo, hi);
}

// Hands out `n` units one by one, each to a line drawn with probability
// proportional to its weight. `cap` (> 0) limits any line's share.
void Distribute(Rng& rng, int n, const std::vector<double>& weights, std::vector<int>& out,
                int cap = 0) {
  out.assign(weights.size(), 0);
  std::array<double, kMaxLines> w{};
  double total = 0;
  for (size_t i = 0; i < weights.size() && i < kMaxLines; ++i) {
    w[i] = std::max(0.0, weights[i]);
    total += w[i];
  }
  for (int u = 0; u < n && total > 0; ++u) {
    double x = rng.Uniform() * total;
    size_t pick = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (w[i] <= 0) continue;
      pick = i;
      if (x < w[i]) break;
      x -= w[i];
    }
    ++out[pick];
    if (cap > 0 && out[pick] >= cap) {
      total -= w[pick];
      w[pick] = 0;
    }
  }
}

// Distribute with less chance in it: `steady` (0..1) of the units go out
// in proportion to the weights (whole units, rounded down), the rest one by
// one at random. Real players' shot attempts vary from game to game about
// as much as a Poisson count, less than a pure one-by-one draw gives once
// their minutes and role vary too.
void DistributeSteady(Rng& rng, int n, const std::vector<double>& weights, double steady,
                      std::vector<int>& out) {
  double total = 0;
  for (double w : weights) total += std::max(0.0, w);
  std::vector<int> fixed(weights.size(), 0);
  int left = n;
  if (total > 0) {
    for (size_t i = 0; i < weights.size(); ++i) {
      fixed[i] = static_cast<int>(std::floor(steady * n * std::max(0.0, weights[i]) / total));
      left -= fixed[i];
    }
  }
  Distribute(rng, left, weights, out);
  for (size_t i = 0; i < out.size(); ++i) out[i] += fixed[i];
}

struct Rotation {
  std::vector<int> players;  // by role, best first
  std::vector<int> minutes;
  std::vector<double> usage;  // form's multiplier of each player's shot share
  std::vector<int> bench;     // active, not playing
};

Rotation BuildRotation(Rng& rng, const League& league, const LineupInput& in, int team_minutes,
                       int ot, int margin_abs) {
  Rotation r;
  static const FormEffect kNeutral;
  auto form = [&](size_t i) -> const FormEffect& {
    return i < in.form.size() ? in.form[i] : kNeutral;
  };
  // Coach's order: quality and current role (form) with a little
  // game-to-game noise. `second` indexes `in.available`.
  std::vector<std::pair<double, size_t>> order;
  for (size_t i = 0; i < in.available.size(); ++i) {
    order.push_back(
        {league.player(in.available[i]).quality + form(i).role + rng.Normal(0.0, 0.15), i});
  }
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    return a.first > b.first ||
           (a.first == b.first && in.available[a.second] < in.available[b.second]);
  });
  static const double kCount[5] = {0.28, 0.32, 0.22, 0.11, 0.07};  // 9..13 players
  int n = 9 + rng.Weighted(kCount, 5);
  if (margin_abs >= 20) n = std::min(13, n + 1 + (rng.Bernoulli(0.5) ? 1 : 0));
  n = std::min<int>(n, static_cast<int>(order.size()));
  static const double kRoleMinutes[15] = {35,   33, 31, 29.5, 28, 24, 20.5, 17,
                                          13.5, 10, 7,  5,    4,  3,  2};
  std::vector<double> base(static_cast<size_t>(n));
  double top = 0, rest = 0;
  for (int k = 0; k < n; ++k) {
    const size_t i = order[static_cast<size_t>(k)].second;
    const Player& p = league.player(in.available[i]);
    double m = (kRoleMinutes[k] + p.minutes_bias) * std::exp(rng.Normal(0.0, 0.12));
    if (margin_abs >= 20) m *= k < 5 ? 0.85 : 1.3;
    m *= form(i).minutes;
    m = std::max(2.0, m);
    base[static_cast<size_t>(k)] = m;
    (k < 5 ? top : rest) += m;
  }
  const double total = team_minutes;
  double top_target = top + 0.75 * 25.0 * ot;
  double scale_rest = rest > 0 ? (total - top_target) / rest : 0;
  if (n <= 5 || scale_rest < 0.5 || scale_rest > 1.8) {
    double s = total / (top + rest);
    for (auto& m : base) m *= s;
  } else {
    double s_top = top_target / top;
    for (int k = 0; k < n; ++k) base[static_cast<size_t>(k)] *= k < 5 ? s_top : scale_rest;
  }
  // Integer minutes: floors, then the largest remainders; 1..cap each.
  const int cap = 48 + 5 * ot;
  std::vector<int> mins(static_cast<size_t>(n));
  int sum = 0;
  for (int k = 0; k < n; ++k) {
    mins[static_cast<size_t>(k)] =
        std::clamp(static_cast<int>(std::floor(base[static_cast<size_t>(k)])), 1, cap);
    sum += mins[static_cast<size_t>(k)];
  }
  std::vector<int> idx(static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) idx[static_cast<size_t>(k)] = k;
  std::sort(idx.begin(), idx.end(), [&](int a, int b) {
    double fa = base[static_cast<size_t>(a)] - std::floor(base[static_cast<size_t>(a)]);
    double fb = base[static_cast<size_t>(b)] - std::floor(base[static_cast<size_t>(b)]);
    return fa > fb || (fa == fb && a < b);
  });
  for (size_t guard = 0; sum != team_minutes && guard < 100000; ++guard) {
    int k = idx[guard % idx.size()];
    int& m = mins[static_cast<size_t>(k)];
    if (sum < team_minutes && m < cap) {
      ++m;
      ++sum;
    } else if (sum > team_minutes && m > 1) {
      --m;
      --sum;
    }
  }
  for (int k = 0; k < n; ++k) {
    const size_t i = order[static_cast<size_t>(k)].second;
    r.players.push_back(in.available[i]);
    r.minutes.push_back(mins[static_cast<size_t>(k)]);
    r.usage.push_back(form(i).usage);
  }
  for (size_t k = static_cast<size_t>(n); k < order.size(); ++k) {
    r.bench.push_back(in.available[order[k].second]);
  }
  return r;
}

// The shooting of one team: attempts, makes, free throws, then an exact fit
// to the planned points by turning misses into makes or back.
// `usage`: the form's multiplier of each played line's shot share.
void Shoot(Rng& rng, const League& league, TeamBox& box, size_t played,
           const std::vector<double>& usage, int points_target, double possessions, int turnovers,
           int oreb, const TeamTraits& defense) {
  const double scale = std::sqrt(std::max(0.5, points_target / kLeaguePoints));
  int fta_team = ClampInt(rng.Normal(22.5, 5.8) * scale, 4, 50);
  int fga_team = ClampInt(possessions - 0.44 * fta_team - turnovers + oreb, 55, 130);

  std::vector<double> w(played);
  for (size_t i = 0; i < played; ++i) {
    const Player& p = league.player(box.lines[i].player);
    // Game-to-game swings in a player's role (hot nights, foul trouble),
    // wider for bench players than for starters; what lasts longer than a
    // game is the form's (`usage`).
    const int m = box.lines[i].minutes;
    const double swing =
        Clamp(std::exp(rng.Normal(0.0, std::max(0.08, 0.34 - 0.0065 * m))), 0.35, 1.6);
    const double share = i < usage.size() ? usage[i] : 1.0;
    w[i] = box.lines[i].kind == LineKind::kPlayed ? p.usage * share * m * swing : 0.0;
  }
  std::vector<int> fga;
  DistributeSteady(rng, fga_team, w, 0.65, fga);
  const double form = rng.Normal(0.0, 0.02);
  for (size_t i = 0; i < played; ++i) {
    PlayerLine& l = box.lines[i];
    const Player& p = league.player(l.player);
    int n = fga[i];
    l.paint_att = rng.Binomial(n, p.paint_share);
    double mid_of_rest = p.mid_share / std::max(1e-9, p.mid_share + p.three_share);
    l.mid_att = rng.Binomial(n - l.paint_att, mid_of_rest);
    l.three_att = n - l.paint_att - l.mid_att;
    l.paint_made =
        rng.Binomial(l.paint_att, Clamp(p.paint_pct + defense.def_paint + form, 0.2, 0.9));
    l.mid_made = rng.Binomial(l.mid_att, Clamp(p.mid_pct + defense.def_mid + form, 0.1, 0.8));
    l.three_made =
        rng.Binomial(l.three_att, Clamp(p.three_pct + defense.def_three + form, 0.05, 0.7));
  }
  for (size_t i = 0; i < played; ++i) {
    const Player& p = league.player(box.lines[i].player);
    w[i] = box.lines[i].kind == LineKind::kPlayed ? p.ft_rate * (fga[i] + 0.5) : 0.0;
  }
  std::vector<int> fta;
  DistributeSteady(rng, fta_team, w, 0.4, fta);
  for (size_t i = 0; i < played; ++i) {
    PlayerLine& l = box.lines[i];
    l.fta = fta[i];
    l.ftm = rng.Binomial(l.fta, league.player(l.player).ft_pct);
  }
  // A cameo player (no recorded minutes) takes one missed three from a
  // teammate.
  for (size_t i = 0; i < played; ++i) {
    if (box.lines[i].kind != LineKind::kCameo) continue;
    for (size_t j = 0; j < played; ++j) {
      PlayerLine& o = box.lines[j];
      if (o.kind == LineKind::kPlayed && o.three_att > o.three_made) {
        --o.three_att;
        break;
      }
    }
    box.lines[i].three_att = 1;
  }

  // Fit the points exactly.
  int pts = 0;
  for (size_t i = 0; i < played; ++i) pts += box.lines[i].points();
  int diff = points_target - pts;
  std::vector<double> cand(played);
  auto pick = [&](auto eligible) -> int {
    for (size_t i = 0; i < played; ++i) {
      cand[i] = box.lines[i].kind == LineKind::kPlayed ? eligible(box.lines[i]) : 0.0;
    }
    return rng.Weighted(cand);
  };
  auto two_miss = [](const PlayerLine& l) {
    return static_cast<double>(l.paint_att - l.paint_made + l.mid_att - l.mid_made);
  };
  auto two_make = [](const PlayerLine& l) {
    return static_cast<double>(l.paint_made + l.mid_made);
  };
  auto three_miss = [](const PlayerLine& l) {
    return static_cast<double>(l.three_att - l.three_made);
  };
  auto three_make = [](const PlayerLine& l) { return static_cast<double>(l.three_made); };
  auto ft_miss = [](const PlayerLine& l) { return static_cast<double>(l.fta - l.ftm); };
  auto ft_make = [](const PlayerLine& l) { return static_cast<double>(l.ftm); };
  auto any = [&](const PlayerLine& l) { return l.minutes + 0.0; };
  for (int guard = 0; diff != 0 && guard < 2000; ++guard) {
    if (diff > 0) {
      double u = rng.Uniform();
      int i;
      if (diff >= 3 && u < 0.3 && (i = pick(three_miss)) >= 0) {
        ++box.lines[static_cast<size_t>(i)].three_made;
        diff -= 3;
      } else if (diff >= 2 && u < 0.85 && (i = pick(two_miss)) >= 0) {
        PlayerLine& l = box.lines[static_cast<size_t>(i)];
        double paint_miss = l.paint_att - l.paint_made, mid_miss = l.mid_att - l.mid_made;
        if (rng.Uniform() * (paint_miss + mid_miss) < paint_miss) {
          ++l.paint_made;
        } else {
          ++l.mid_made;
        }
        diff -= 2;
      } else if ((i = pick(ft_miss)) >= 0) {
        ++box.lines[static_cast<size_t>(i)].ftm;
        diff -= 1;
      } else if ((i = pick(any)) >= 0) {  // an extra made free throw
        ++box.lines[static_cast<size_t>(i)].fta;
        ++box.lines[static_cast<size_t>(i)].ftm;
        diff -= 1;
      }
    } else {
      double u = rng.Uniform();
      int i;
      if (diff <= -3 && u < 0.3 && (i = pick(three_make)) >= 0) {
        --box.lines[static_cast<size_t>(i)].three_made;
        diff += 3;
      } else if (diff <= -2 && u < 0.85 && (i = pick(two_make)) >= 0) {
        PlayerLine& l = box.lines[static_cast<size_t>(i)];
        if (rng.Uniform() * (l.paint_made + l.mid_made) < l.paint_made) {
          --l.paint_made;
        } else {
          --l.mid_made;
        }
        diff += 2;
      } else if ((i = pick(ft_make)) >= 0) {
        --box.lines[static_cast<size_t>(i)].ftm;
        diff += 1;
      } else if ((i = pick(two_make)) >= 0) {  // overshoot down, then up by one
        PlayerLine& l = box.lines[static_cast<size_t>(i)];
        if (l.paint_made > 0) {
          --l.paint_made;
        } else {
          --l.mid_made;
        }
        diff += 2;
      } else if ((i = pick(three_make)) >= 0) {
        --box.lines[static_cast<size_t>(i)].three_made;
        diff += 3;
      } else {
        break;  // nothing left to take away (not reachable with real scores)
      }
    }
  }
  for (size_t i = 0; i < played; ++i) {
    PlayerLine& l = box.lines[i];
    l.assisted = rng.Binomial(l.fgm(), league.player(l.player).assisted_share);
  }
}

// Builds a team's lines: rotation, bench (DNP), inactive.
// `usage_out`: the form's shot-share multipliers of the rotation's lines.
TeamBox MakeLines(Rng& rng, const League& league, const LineupInput& in, int team_minutes, int ot,
                  int margin_abs, size_t& played_out, std::vector<double>& usage_out) {
  TeamBox box;
  box.team = in.team;
  box.team_minutes = team_minutes;
  Rotation rot = BuildRotation(rng, league, in, team_minutes, ot, margin_abs);
  usage_out = rot.usage;
  for (size_t k = 0; k < rot.players.size(); ++k) {
    PlayerLine l;
    l.player = rot.players[k];
    l.kind = LineKind::kPlayed;
    l.minutes = rot.minutes[k];
    l.status = "active";
    box.lines.push_back(std::move(l));
  }
  // In blowouts a bench player now and then gets in for seconds: no
  // recorded minutes, one shot (decision 27 counts him as having played).
  int cameo = -1;
  if (margin_abs >= 20 && !rot.bench.empty() && rng.Bernoulli(0.15)) cameo = rot.bench.back();
  if (cameo >= 0) {
    PlayerLine l;
    l.player = cameo;
    l.kind = LineKind::kCameo;
    l.status = "active";
    box.lines.push_back(std::move(l));
  }
  played_out = box.lines.size();
  for (int id : rot.bench) {
    if (id == cameo) continue;
    PlayerLine l;
    l.player = id;
    l.kind = LineKind::kBench;
    l.minutes_zero = rng.Bernoulli(0.15);
    l.status = "did_not_play";
    box.lines.push_back(std::move(l));
  }
  for (int id : in.inactive) {
    PlayerLine l;
    l.player = id;
    l.kind = LineKind::kInactive;
    l.status = "inactive";
    box.lines.push_back(std::move(l));
  }
  return box;
}

std::vector<double> MinuteWeights(const League& league, const TeamBox& box, size_t played,
                                  double (*skill)(const Player&)) {
  std::vector<double> w(played);
  for (size_t i = 0; i < played; ++i) {
    const PlayerLine& l = box.lines[i];
    w[i] = l.kind == LineKind::kPlayed ? skill(league.player(l.player)) * l.minutes : 0.0;
  }
  return w;
}

// Rebounds, assists, steals, blocks, turnovers, fouls and plus-minus of
// `box` (offense already shot), given the opponent's shooting.
void FillOtherStats(Rng& rng, const League& league, TeamBox& box, size_t played, const TeamBox& opp,
                    int oreb_target, int turnovers, int opp_oreb, int opp_turnovers, int margin) {
  const TeamTotals own = SumLines(box.lines);
  const TeamTotals theirs = SumLines(opp.lines);
  std::vector<int> out;

  int oreb = std::min(oreb_target, own.fga - own.fgm);
  Distribute(rng, oreb,
             MinuteWeights(league, box, played, [](const Player& p) { return p.oreb_skill; }), out);
  for (size_t i = 0; i < played; ++i) box.lines[i].oreb = out[i];

  int dreb = (theirs.fga - theirs.fgm) - opp_oreb - ClampInt(rng.Normal(4.0, 1.5), 0, 9) +
             static_cast<int>(std::lround(0.3 * (theirs.fta - theirs.ftm)));
  dreb = std::clamp(dreb, 10, 70);
  Distribute(rng, dreb,
             MinuteWeights(league, box, played, [](const Player& p) { return p.dreb_skill; }), out);
  for (size_t i = 0; i < played; ++i) box.lines[i].dreb = out[i];

  // Assists: every assisted make is credited to a teammate.
  std::vector<double> aw =
      MinuteWeights(league, box, played, [](const Player& p) { return p.assist_skill; });
  for (size_t i = 0; i < played; ++i) {
    for (int k = 0; k < box.lines[i].assisted; ++k) {
      double saved = aw[i];
      aw[i] = 0;
      int j = rng.Weighted(aw);
      aw[i] = saved;
      if (j >= 0) ++box.lines[static_cast<size_t>(j)].ast;
    }
  }

  int stl = std::clamp(ClampInt(rng.Normal(7.6, 2.6), 0, 20), 0, opp_turnovers);
  Distribute(rng, stl,
             MinuteWeights(league, box, played, [](const Player& p) { return p.steal_skill; }),
             out);
  for (size_t i = 0; i < played; ++i) box.lines[i].stl = out[i];

  // Blocks: zones drawn from the opponent's misses (paint shots far more
  // often), never more blocks in a zone than misses there.
  int miss[3] = {theirs.paint_att - theirs.paint_made, theirs.mid_att - theirs.mid_made,
                 theirs.three_att - theirs.three_made};
  int blk = std::clamp(ClampInt(rng.Normal(4.9, 2.2), 0, 15), 0, miss[0] + miss[1] + miss[2]);
  std::vector<double> bw =
      MinuteWeights(league, box, played, [](const Player& p) { return p.block_skill; });
  for (int k = 0; k < blk; ++k) {
    double zw[3] = {3.0 * miss[0], 1.0 * miss[1], 0.25 * miss[2]};
    int zone = rng.Weighted(zw, 3);
    if (zone < 0) break;
    --miss[zone];
    int j = rng.Weighted(bw);
    if (j < 0) break;
    PlayerLine& l = box.lines[static_cast<size_t>(j)];
    ++l.blk;
    (zone == 0 ? l.blk_paint : zone == 1 ? l.blk_mid : l.blk_three) += 1;
  }

  Distribute(rng, turnovers,
             MinuteWeights(league, box, played, [](const Player& p) { return p.tov_skill; }), out);
  for (size_t i = 0; i < played; ++i) box.lines[i].tov = out[i];

  int pf = ClampInt(rng.Normal(19.5, 3.8), 8, 35);
  Distribute(rng, pf,
             MinuteWeights(league, box, played, [](const Player& p) { return p.foul_skill; }), out,
             6);
  for (size_t i = 0; i < played; ++i) box.lines[i].pf = out[i];

  // Plus-minus: proportional to minutes with noise; sums to 5 x margin.
  int sum = 0;
  std::vector<double> mw(played);
  for (size_t i = 0; i < played; ++i) {
    PlayerLine& l = box.lines[i];
    if (l.kind != LineKind::kPlayed) continue;
    double share = static_cast<double>(l.minutes) / box.team_minutes;
    l.plus_minus = ClampInt(
        5.0 * margin * share + rng.Normal(0.0, 5.0 * std::sqrt(l.minutes / 36.0)), -60, 60);
    sum += l.plus_minus;
    mw[i] = l.minutes;
  }
  for (int guard = 0; sum != 5 * margin && guard < 5000; ++guard) {
    int j = rng.Weighted(mw);
    if (j < 0) break;
    int step = sum < 5 * margin ? 1 : -1;
    box.lines[static_cast<size_t>(j)].plus_minus += step;
    sum += step;
  }
}

}  // namespace

TeamTotals SumLines(const std::vector<PlayerLine>& lines) {
  TeamTotals t;
  for (const PlayerLine& l : lines) {
    if (!l.played()) continue;
    t.points += l.points();
    t.fga += l.fga();
    t.fgm += l.fgm();
    t.three_att += l.three_att;
    t.three_made += l.three_made;
    t.fta += l.fta;
    t.ftm += l.ftm;
    t.paint_att += l.paint_att;
    t.paint_made += l.paint_made;
    t.mid_att += l.mid_att;
    t.mid_made += l.mid_made;
    t.oreb += l.oreb;
    t.dreb += l.dreb;
    t.ast += l.ast;
    t.stl += l.stl;
    t.blk += l.blk;
    t.tov += l.tov;
    t.pf += l.pf;
    t.blk_paint += l.blk_paint;
    t.blk_mid += l.blk_mid;
    t.blk_three += l.blk_three;
  }
  return t;
}

GameBox SimulateBoxScore(Rng& rng, const League& league, const LineupInput& home,
                         const LineupInput& away, const TeamTraits& home_traits,
                         const TeamTraits& away_traits, const ScorePlan& score) {
  GameBox g;
  g.score = score;
  const int ot = score.overtime_periods;
  const int team_minutes = 240 + 25 * ot;
  const int margin = score.home_points - score.away_points;
  size_t played_h = 0, played_a = 0;
  std::vector<double> usage_h, usage_a;
  g.home = MakeLines(rng, league, home, team_minutes, ot, std::abs(margin), played_h, usage_h);
  g.away = MakeLines(rng, league, away, team_minutes, ot, std::abs(margin), played_a, usage_a);

  // Possessions: shared game pace, higher in high-scoring games.
  const int total = score.home_points + score.away_points;
  const double pace = 101.0 + 0.5 * (home_traits.pace + away_traits.pace) +
                      0.2 * (total * 240.0 / team_minutes - 2 * kLeaguePoints) +
                      rng.Normal(0.0, 2.2);
  const double factor = team_minutes / 240.0;
  const double poss_h = (pace + rng.Normal(0.0, 1.0)) * factor;
  const double poss_a = (pace + rng.Normal(0.0, 1.0)) * factor;
  const int tov_h = ClampInt(rng.Normal(12.8, 3.3) * factor, 3, 28);
  const int tov_a = ClampInt(rng.Normal(12.8, 3.3) * factor, 3, 28);
  const int oreb_h = ClampInt(rng.Normal(10.6, 3.0) * factor, 2, 24);
  const int oreb_a = ClampInt(rng.Normal(10.6, 3.0) * factor, 2, 24);

  Shoot(rng, league, g.home, played_h, usage_h, score.home_points, poss_h, tov_h, oreb_h,
        away_traits);
  Shoot(rng, league, g.away, played_a, usage_a, score.away_points, poss_a, tov_a, oreb_a,
        home_traits);
  const int oreb_h_real = std::min(oreb_h, SumLines(g.home.lines).fga - SumLines(g.home.lines).fgm);
  const int oreb_a_real = std::min(oreb_a, SumLines(g.away.lines).fga - SumLines(g.away.lines).fgm);
  FillOtherStats(rng, league, g.home, played_h, g.away, oreb_h, tov_h, oreb_a_real, tov_a, margin);
  FillOtherStats(rng, league, g.away, played_a, g.home, oreb_a, tov_a, oreb_h_real, tov_h, -margin);
  g.home.totals = SumLines(g.home.lines);
  g.away.totals = SumLines(g.away.lines);
  return g;
}

}  // namespace phase4::generate
