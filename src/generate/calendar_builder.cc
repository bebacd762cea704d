#include "generate/calendar_builder.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "generate/game_ids.h"
#include "generate/rng.h"

namespace phase4::generate {

namespace {

constexpr int kMaxGamesPerDate = 15;

ScheduleGame NewGame(std::string id, Date d, int season, GameType type) {
  ScheduleGame g;
  g.game_id = std::move(id);
  g.game_date = d;
  g.season_year = season;
  g.game_type = type;
  g.game_status = 3;
  g.data_source = "generated";
  return g;
}

// One playoff series' plan: its games' day offsets from the playoffs start.
struct SeriesPlan {
  int round = 0;
  int matchup = 0;
  int length = 0;
  std::vector<int> days;
};

// Feeder series (round-local matchup indexes of the previous round) of each
// series of rounds 2-4, following the NBA id layout: round 1 matchups 0-3
// East (1v8, 2v7, 3v6, 4v5), 4-7 West; round 2 pairs (0,3), (1,2), (4,7),
// (5,6); round 3 (0,1), (2,3); Finals (0,1).
constexpr std::array<std::array<int, 2>, 4> kRound2Feeders{{{0, 3}, {1, 2}, {4, 7}, {5, 6}}};

std::vector<int> SampleSeriesLengths(Rng& rng, int total_games) {
  static const double kWeights[4] = {0.14, 0.25, 0.33, 0.28};  // 4, 5, 6, 7 games
  std::vector<int> len(15);
  for (auto& l : len) l = 4 + rng.Weighted(kWeights, 4);
  int target = std::clamp(total_games, 60, 105);
  int sum = 0;
  for (int l : len) sum += l;
  while (sum != target) {
    size_t i = static_cast<size_t>(rng.Below(15));
    if (sum < target && len[i] < 7) {
      ++len[i];
      ++sum;
    } else if (sum > target && len[i] > 4) {
      --len[i];
      --sum;
    }
  }
  return len;
}

// Plays `length` games from day `start`, each `gap` days after the previous
// one (1 with probability p_short, else 2).
int PlaySeries(Rng& rng, SeriesPlan& s, int start, double p_short) {
  s.days.clear();
  int d = start;
  for (int g = 0; g < s.length; ++g) {
    if (g > 0) d += rng.Bernoulli(p_short) ? 1 : 2;
    s.days.push_back(d);
  }
  return d;
}

int CountDistinctDays(const std::vector<SeriesPlan>& plans, int rounds) {
  std::set<int> days;
  for (const auto& p : plans) {
    if (p.round > rounds) continue;
    days.insert(p.days.begin(), p.days.end());
  }
  return static_cast<int>(days.size());
}

// Schedules rounds 1-3 as compactly as `p_short` allows.
void ScheduleFirstThreeRounds(Rng& rng, std::vector<SeriesPlan>& plans, double p_short) {
  // plans[0..7] round 1, [8..11] round 2, [12..13] round 3, [14] Finals.
  std::vector<int> order{0, 1, 2, 3, 4, 5, 6, 7};
  rng.Shuffle(order);
  std::array<int, 8> end1{};
  for (int k = 0; k < 8; ++k) {
    int i = order[static_cast<size_t>(k)];
    end1[static_cast<size_t>(i)] =
        PlaySeries(rng, plans[static_cast<size_t>(i)], k < 4 ? 0 : 1, p_short);
  }
  auto rest = [&]() { return rng.Bernoulli(p_short) ? 1 : 2 + (rng.Bernoulli(0.3) ? 1 : 0); };
  std::array<int, 4> end2{};
  for (int m = 0; m < 4; ++m) {
    int start = std::max(end1[static_cast<size_t>(kRound2Feeders[static_cast<size_t>(m)][0])],
                         end1[static_cast<size_t>(kRound2Feeders[static_cast<size_t>(m)][1])]) +
                rest();
    end2[static_cast<size_t>(m)] =
        PlaySeries(rng, plans[8 + static_cast<size_t>(m)], start, p_short);
  }
  for (int m = 0; m < 2; ++m) {
    int start =
        std::max(end2[static_cast<size_t>(2 * m)], end2[static_cast<size_t>(2 * m + 1)]) + rest();
    PlaySeries(rng, plans[12 + static_cast<size_t>(m)], start, p_short);
  }
}

// Moves some games of a day holding several games to the next day and every
// later game one day later: one more distinct day, no order broken.
bool SplitOneDay(Rng& rng, std::vector<SeriesPlan>& plans) {
  std::vector<std::pair<int, int>> count;  // day, games (rounds 1-3)
  {
    std::vector<int> all;
    for (const auto& p : plans) {
      if (p.round <= 3) all.insert(all.end(), p.days.begin(), p.days.end());
    }
    std::sort(all.begin(), all.end());
    for (int d : all) {
      if (!count.empty() && count.back().first == d) {
        ++count.back().second;
      } else {
        count.push_back({d, 1});
      }
    }
  }
  std::vector<int> candidates;
  for (const auto& [d, n] : count) {
    if (n >= 2) candidates.push_back(d);
  }
  if (candidates.empty()) return false;
  int day = candidates[static_cast<size_t>(rng.Below(candidates.size()))];
  std::vector<int*> on_day;
  for (auto& p : plans) {
    if (p.round > 3) continue;
    for (auto& d : p.days) {
      if (d > day) {
        ++d;
      } else if (d == day) {
        on_day.push_back(&d);
      }
    }
  }
  rng.Shuffle(on_day);
  size_t move = 1 + static_cast<size_t>(rng.Below(on_day.size() - 1));
  for (size_t i = 0; i < move; ++i) ++*on_day[i];
  return true;
}

std::vector<SeriesPlan> PlanPlayoffs(const SeasonFacts& f, Rng& rng) {
  const int window = DaysBetween(f.playoffs_start, f.playoffs_end);  // last day offset
  std::vector<SeriesPlan> best;
  for (int attempt = 0; attempt < 400; ++attempt) {
    std::vector<int> len = SampleSeriesLengths(rng, f.playoff_games);
    std::vector<SeriesPlan> plans(15);
    for (size_t i = 0; i < 15; ++i) {
      plans[i].length = len[i];
      plans[i].round = i < 8 ? 1 : i < 12 ? 2 : i < 14 ? 3 : 4;
      plans[i].matchup = static_cast<int>(i < 8 ? i : i < 12 ? i - 8 : i < 14 ? i - 12 : 0);
    }
    const int finals_len = plans[14].length;
    const int target = f.playoff_dates - finals_len;  // distinct days of rounds 1-3
    int have = 0;
    for (int step = 0; step <= 10; ++step) {
      ScheduleFirstThreeRounds(rng, plans, step / 10.0);
      have = CountDistinctDays(plans, 3);
      if (have <= target) break;
    }
    if (have > target) continue;
    while (have < target && SplitOneDay(rng, plans)) ++have;
    if (have != target) continue;
    int last3 = 0;
    for (size_t i = 0; i < 14; ++i) last3 = std::max(last3, plans[i].days.back());
    // Finals backwards from the last day, 2-3 days apart.
    for (int tight = 0; tight < 2; ++tight) {
      std::vector<int> fd{window};
      for (int g = 1; g < finals_len; ++g) {
        int gap = tight ? 2 : (rng.Bernoulli(0.6) ? 3 : 2);
        fd.push_back(fd.back() - gap);
      }
      std::reverse(fd.begin(), fd.end());
      if (fd.front() >= last3 + 2) {
        plans[14].days = fd;
        return plans;
      }
    }
    if (best.empty()) best = plans;
  }
  // Not reached with the real facts; keep a usable (if inexact) plan.
  int last3 = 0;
  for (size_t i = 0; i < 14 && !best.empty(); ++i) last3 = std::max(last3, best[i].days.back());
  if (!best.empty()) {
    best[14].days.clear();
    for (int g = 0; g < best[14].length; ++g) best[14].days.push_back(last3 + 2 + 2 * g);
  }
  return best;
}

}  // namespace

std::vector<int> RegularSeasonGameCounts(int dates, int games, uint64_t seed,
                                         const std::vector<bool>& follows_previous_day) {
  std::vector<int> c(static_cast<size_t>(std::max(dates, 0)), 0);
  if (dates <= 0) return c;
  Rng rng(MixSeed({seed, 0x636f756e74ULL}));
  const size_t n = c.size();
  std::vector<bool> fixed(n, false);
  // Heavy nights follow light ones (real adjacent-night sums are 14.8 +- 2
  // games): an AR(1) with negative correlation on consecutive days keeps
  // forced back-to-backs at the real level.
  const double mean = static_cast<double>(games) / dates;
  double x = 0.0;
  for (size_t i = 0; i < n; ++i) {
    bool follows = i > 0 && i < follows_previous_day.size() && follows_previous_day[i];
    x = follows ? -0.75 * x + rng.Normal(0.0, 2.0) : rng.Normal(0.0, 3.0);
    c[i] = std::clamp(static_cast<int>(std::lround(mean + x)), 1, 14);
    x = c[i] - mean;
  }
  if (n >= 3) {
    c[0] = 2;                     // opening night
    c[1] = 11;                    // the first full night
    c[n - 1] = kMaxGamesPerDate;  // everyone plays on the last night
    fixed[0] = fixed[1] = fixed[n - 1] = true;
  }
  long sum = 0;
  for (int x : c) sum += x;
  int guard = 0;
  while (sum != games && guard++ < 1000000) {
    size_t i = static_cast<size_t>(rng.Below(n));
    if (fixed[i]) continue;
    if (sum < games && c[i] < kMaxGamesPerDate - 1) {
      ++c[i];
      ++sum;
    } else if (sum > games && c[i] > 1) {
      --c[i];
      --sum;
    }
  }
  return c;
}

std::vector<ScheduleGame> BuildSeasonCalendar(const SeasonFacts& f, uint64_t seed) {
  std::vector<ScheduleGame> out;
  const int season = f.season;
  Rng rng = Rng::Derived(seed, {static_cast<uint64_t>(season), 0x63616c656e646172ULL});

  // Regular season.
  std::vector<Date> dates = f.RegularSeasonDates();
  std::vector<bool> follows(dates.size(), false);
  for (size_t i = 1; i < dates.size(); ++i) follows[i] = DaysBetween(dates[i - 1], dates[i]) == 1;
  std::vector<int> counts = RegularSeasonGameCounts(static_cast<int>(dates.size()),
                                                    f.regular_season_games, rng.Next(), follows);
  int number = 0;
  for (size_t i = 0; i < dates.size(); ++i) {
    for (int k = 0; k < counts[i]; ++k) {
      out.push_back(NewGame(MakeNbaGameId(GameType::kRegularSeason, season, ++number), dates[i],
                            season, GameType::kRegularSeason));
    }
  }

  // Play-in: day 1 the 7-v-8 games (matchups 0 East, 2 West), day 2 the
  // 9-v-10 games (1, 3), the last day the two deciders.
  const std::array<std::pair<int, int>, 6> play_in{
      {{1, 0}, {1, 2}, {1, 1}, {1, 3}, {2, 0}, {2, 1}}};
  for (size_t i = 0; i < play_in.size(); ++i) {
    Date d = i < 2 ? f.play_in_start : i < 4 ? AddDays(f.play_in_start, 1) : f.play_in_end;
    auto g = NewGame(
        MakeBracketGameId(GameType::kPlayIn, season, play_in[i].first, play_in[i].second, 1), d,
        season, GameType::kPlayIn);
    g.playoff_round = std::string(PlayoffRoundName(GameType::kPlayIn, 1));
    out.push_back(std::move(g));
  }

  // Playoffs.
  std::vector<SeriesPlan> plans = PlanPlayoffs(f, rng);
  for (const auto& p : plans) {
    for (size_t g = 0; g < p.days.size(); ++g) {
      auto game = NewGame(MakeBracketGameId(GameType::kPlayoffs, season, p.round, p.matchup,
                                            static_cast<int>(g) + 1),
                          AddDays(f.playoffs_start, p.days[g]), season, GameType::kPlayoffs);
      game.playoff_round = std::string(PlayoffRoundName(GameType::kPlayoffs, p.round));
      out.push_back(std::move(game));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ScheduleGame& a, const ScheduleGame& b) {
    if (a.game_date != b.game_date) return a.game_date < b.game_date;
    return a.game_id < b.game_id;
  });
  return out;
}

}  // namespace phase4::generate
