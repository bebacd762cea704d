#include "generate/season_sim.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/teams.h"
#include "generate/box_score.h"
#include "generate/bracket.h"
#include "generate/context.h"
#include "generate/game_ids.h"
#include "generate/game_model.h"
#include "generate/pairings.h"
#include "generate/phase3_rows.h"

namespace phase4::generate {

namespace {

constexpr int kMaxInjuredPerTeam = 4;
constexpr const char* kInjuries[] = {
    "Left Ankle Sprain",    "Right Knee Soreness",   "Left Hamstring Strain",
    "Lower Back Tightness", "Right Hip Contusion",   "Illness",
    "Concussion Protocol",  "Right Calf Strain",     "Left Wrist Sprain",
    "Sore Left Foot",       "Right Shoulder Strain", "Left Groin Tightness"};
constexpr const char* kMinor[] = {"Right Ankle Soreness", "Left Knee Soreness", "Illness",
                                  "Back Spasms", "Right Thumb Sprain"};

bool IsPostseason(const ScheduleGame& g) {
  return g.game_type == GameType::kPlayIn || g.game_type == GameType::kPlayoffs;
}

// Games missed after an injury: mostly short, a few long.
int InjuryLength(Rng& rng) {
  static const double kWeights[6] = {0.25, 0.2, 0.25, 0.18, 0.1, 0.02};
  switch (rng.Weighted(kWeights, 6)) {
    case 0:
      return 1;
    case 1:
      return 2;
    case 2:
      return rng.Int(3, 5);
    case 3:
      return rng.Int(6, 12);
    case 4:
      return rng.Int(13, 30);
    default:
      return rng.Int(31, 60);
  }
}

class SeasonSim {
 public:
  SeasonSim(int season, const League& league, const SeasonRoster& roster, uint64_t seed,
            std::vector<PriorStats>& prior, GeneratedLeague& out)
      : league_(league),
        roster_(roster),
        prior_(prior),
        out_(out),
        status_rng_(Rng::Derived(seed, {static_cast<uint64_t>(season), 0x737461747573ULL})),
        context_rng_(Rng::Derived(seed, {static_cast<uint64_t>(season), 0x636f6e74657874ULL})),
        game_rng_(Rng::Derived(seed, {static_cast<uint64_t>(season), 0x67616d6573ULL})),
        injury_rng_(Rng::Derived(seed, {static_cast<uint64_t>(season), 0x696e6a757279ULL})),
        form_rng_(Rng::Derived(seed, {static_cast<uint64_t>(season), 0x666f726dULL})),
        seed_(seed) {
    state_.season = season;
    state_.players.resize(league.player_count());
    prior_.resize(league.player_count());
    for (size_t id = 0; id < state_.players.size(); ++id) {
      PlayerState& ps = state_.players[id];
      const PriorStats& pr = prior_[id];
      ps.prior_points = pr.points;
      ps.prior_minutes = pr.minutes;
      ps.prior_usage = pr.usage;
      ps.prior_games = pr.games;
    }
    age_.assign(league.player_count(), 0);
    const Date opening = MakeDate(season, 10, 1);
    for (int t = 0; t < kTeamCount; ++t) {
      state_.teams[static_cast<size_t>(t)].roster = roster.roster[static_cast<size_t>(t)];
      for (int id : roster.roster[static_cast<size_t>(t)]) {
        const int age = AgeOn(league.player(id).birth_date, opening);
        age_[static_cast<size_t>(id)] = age;
        state_.players[static_cast<size_t>(id)].form = InitialForm(form_rng_, age);
      }
    }
    state_.traits = roster.traits;
  }

  Status Run(std::vector<ScheduleGame> games);

 private:
  void ApplyTrades(Date d);
  void SetStatuses(int team, Date d, bool postseason);
  LateSeason LateSeasonOf(int team, const ScheduleGame& g) const;
  LineupInput Lineup(int team, LateSeason late);
  double MissingStrength(int team) const;
  void AfterGame(const ScheduleGame& g, const GameBox& box, double home_pace, double away_pace);
  void UpdateInjuries(const TeamBox& box);
  void SavePrior();

  const League& league_;
  const SeasonRoster& roster_;
  std::vector<PriorStats>& prior_;
  GeneratedLeague& out_;
  SeasonState state_;
  Rng status_rng_, context_rng_, game_rng_, injury_rng_, form_rng_;
  uint64_t seed_;
  std::vector<int> age_;  // by player id, on October 1
  Date last_regular_{};   // the last regular-season date
  size_t next_trade_ = 0;
};

void SeasonSim::ApplyTrades(Date d) {
  const auto& trades = roster_.trades;
  for (; next_trade_ < trades.size() && trades[next_trade_].date <= d; ++next_trade_) {
    const Trade& tr = trades[next_trade_];
    auto& ra = state_.teams[static_cast<size_t>(tr.team_a)].roster;
    auto& rb = state_.teams[static_cast<size_t>(tr.team_b)].roster;
    auto ia = std::find(ra.begin(), ra.end(), tr.player_a);
    auto ib = std::find(rb.begin(), rb.end(), tr.player_b);
    if (ia == ra.end() || ib == rb.end()) continue;
    std::swap(*ia, *ib);
    TradeForm(form_rng_, state_.players[static_cast<size_t>(tr.player_a)].form);
    TradeForm(form_rng_, state_.players[static_cast<size_t>(tr.player_b)].form);
  }
}

void SeasonSim::SetStatuses(int team, Date d, bool postseason) {
  TeamState& t = state_.teams[static_cast<size_t>(team)];
  const bool back_to_back = !t.games.empty() && DaysBetween(t.games.back().date, d) == 1;
  int outs = 0;
  for (int id : t.roster) {
    PlayerState& ps = state_.players[static_cast<size_t>(id)];
    ps.status_note.clear();
    if (ps.injury_games >= 2) {
      ps.status = PreGameStatus::kOut;
      ps.status_note = "Out - " + ps.injury;
      ++outs;
    } else if (ps.injury_games == 1) {
      ps.status = PreGameStatus::kQuestionable;
      ps.status_note = "Questionable - " + ps.injury;
    } else {
      ps.status = PreGameStatus::kAvailable;
    }
  }
  for (int id : t.roster) {
    PlayerState& ps = state_.players[static_cast<size_t>(id)];
    if (ps.status != PreGameStatus::kAvailable) continue;
    const Player& p = league_.player(id);
    // Load management: veterans sit some second nights of back-to-backs.
    if (back_to_back && !postseason && outs < 3 && p.rest_prone > 0 &&
        status_rng_.Bernoulli(p.rest_prone)) {
      ps.status = PreGameStatus::kOut;
      ps.status_note = "Out - Rest";
      ++outs;
    } else if (status_rng_.Bernoulli(0.04)) {
      ps.status = PreGameStatus::kProbable;
      ps.status_note = std::string("Probable - ") + kMinor[status_rng_.Below(std::size(kMinor))];
    }
  }
}

double SeasonSim::MissingStrength(int team) const {
  double missing = 0;
  for (int id : state_.teams[static_cast<size_t>(team)].roster) {
    if (state_.players[static_cast<size_t>(id)].status == PreGameStatus::kOut)
      missing += std::max(0.0, league_.player(id).quality) * 1.1;
  }
  return std::min(missing, 8.0);
}

// From mid-March a team out of the race (below .400) plays its young
// players more; in the last week a top team (.650 or better) rests its
// best players some.
LateSeason SeasonSim::LateSeasonOf(int team, const ScheduleGame& g) const {
  if (g.game_type != GameType::kRegularSeason) return LateSeason::kNormal;
  const TeamState& t = state_.teams[static_cast<size_t>(team)];
  const int played = t.wins + t.losses;
  if (g.game_date >= MakeDate(state_.season + 1, 3, 15) && played >= 55 &&
      t.wins * 10 < played * 4) {
    return LateSeason::kDevelopment;
  }
  if (DaysBetween(g.game_date, last_regular_) < 7 && played >= 70 && t.wins * 20 >= played * 13) {
    return LateSeason::kResting;
  }
  return LateSeason::kNormal;
}

LineupInput SeasonSim::Lineup(int team, LateSeason late) {
  LineupInput in;
  in.team = team;
  std::vector<int> doubtful;  // questionable players ruled out at game time
  for (int id : state_.teams[static_cast<size_t>(team)].roster) {
    const PlayerState& ps = state_.players[static_cast<size_t>(id)];
    if (ps.status == PreGameStatus::kOut) {
      in.inactive.push_back(id);
    } else if (ps.status == PreGameStatus::kQuestionable && status_rng_.Bernoulli(0.5)) {
      doubtful.push_back(id);
    } else {
      in.available.push_back(id);
    }
  }
  // Keep at least nine players able to play.
  while (in.available.size() < 9 && !doubtful.empty()) {
    in.available.push_back(doubtful.back());
    doubtful.pop_back();
  }
  in.inactive.insert(in.inactive.end(), doubtful.begin(), doubtful.end());
  in.form.reserve(in.available.size());
  for (int id : in.available) {
    in.form.push_back(EffectOf(state_.players[static_cast<size_t>(id)].form,
                               league_.player(id).quality, age_[static_cast<size_t>(id)], late));
  }
  return in;
}

void SeasonSim::UpdateInjuries(const TeamBox& box) {
  int injured = 0;
  for (const PlayerLine& l : box.lines) {
    if (state_.players[static_cast<size_t>(l.player)].injury_games > 0) ++injured;
  }
  for (const PlayerLine& l : box.lines) {
    PlayerState& ps = state_.players[static_cast<size_t>(l.player)];
    if (l.kind == LineKind::kInactive) {
      if (ps.injury_games > 0 && --ps.injury_games == 0) ps.injury.clear();
      continue;
    }
    if (ps.injury_games > 0) {  // questionable and cleared to play
      ps.injury_games = 0;
      ps.injury.clear();
      --injured;
    }
    if (l.kind != LineKind::kPlayed || injured >= kMaxInjuredPerTeam) continue;
    const double p = 0.0125 * league_.player(l.player).injury_prone * l.minutes / 30.0;
    if (injury_rng_.Bernoulli(p)) {
      ps.injury_games = InjuryLength(injury_rng_);
      ps.injury = kInjuries[injury_rng_.Below(std::size(kInjuries))];
      InjuryForm(ps.form, ps.injury_games);
      ++injured;
    }
  }
}

void SeasonSim::AfterGame(const ScheduleGame& g, const GameBox& box, double home_pace,
                          double away_pace) {
  const bool regular = g.game_type == GameType::kRegularSeason;
  const TeamBox* sides[2] = {&box.home, &box.away};
  const double paces[2] = {home_pace, away_pace};
  for (int k = 0; k < 2; ++k) {
    const TeamBox& own = *sides[k];
    const TeamBox& opp = *sides[1 - k];
    TeamState& t = state_.teams[static_cast<size_t>(own.team)];
    TeamGame tg;
    tg.date = g.game_date;
    tg.points_for = own.totals.points;
    tg.points_against = opp.totals.points;
    tg.pace = paces[k];
    tg.arena_team = box.home.team;
    tg.regular_season = regular;
    t.games.push_back(tg);
    if (regular) {
      (tg.points_for > tg.points_against ? t.wins : t.losses) += 1;
      t.point_diff += tg.points_for - tg.points_against;
    }
    for (const PlayerLine& l : own.lines) {
      PlayerForm& form = state_.players[static_cast<size_t>(l.player)].form;
      if (l.played()) PlayedWithForm(form);
      AdvanceForm(form_rng_, form);
      if (!l.played()) continue;
      PlayedGame pg;
      pg.date = g.game_date;
      pg.points = l.points();
      pg.minutes = l.kind == LineKind::kPlayed ? l.minutes : 0;
      pg.usage = UsageRate(l, own.totals);
      state_.players[static_cast<size_t>(l.player)].played.push_back(pg);
    }
    UpdateInjuries(own);
  }
}

void SeasonSim::SavePrior() {
  for (size_t id = 0; id < state_.players.size(); ++id) {
    const auto& h = state_.players[id].played;
    PriorStats& pr = prior_[id];
    pr = PriorStats{};
    if (h.empty()) continue;
    double pts = 0, mins = 0, usage = 0;
    int usage_n = 0;
    for (const PlayedGame& g : h) {
      pts += g.points;
      mins += g.minutes;
      if (g.usage) {
        usage += *g.usage;
        ++usage_n;
      }
    }
    pr.games = static_cast<int>(h.size());
    pr.points = pts / pr.games;
    pr.minutes = mins / pr.games;
    if (usage_n) pr.usage = usage / usage_n;
  }
}

Status SeasonSim::Run(std::vector<ScheduleGame> games) {
  std::stable_sort(games.begin(), games.end(), [](const ScheduleGame& a, const ScheduleGame& b) {
    if (a.game_date != b.game_date) return a.game_date < b.game_date;
    return a.game_id < b.game_id;
  });
  // Which games carried real teams and scores (kept) and which get ours.
  std::vector<bool> had_matchup(games.size()), real_score(games.size());
  std::vector<const ScheduleGame*> postseason;
  for (size_t i = 0; i < games.size(); ++i) {
    had_matchup[i] = games[i].has_matchup() && games[i].data_source != kGeneratedSource;
    real_score[i] =
        had_matchup[i] && games[i].has_score() && *games[i].home_score != *games[i].away_score;
    if (IsPostseason(games[i])) postseason.push_back(&games[i]);
    if (games[i].game_type == GameType::kRegularSeason) {
      last_regular_ = std::max(last_regular_, games[i].game_date);
    }
  }
  Bracket bracket(MixSeed({seed_, static_cast<uint64_t>(state_.season)}), postseason);
  // About 30 player rows and 29 player snapshots a game.
  out_.player_game_summary.reserve(out_.player_game_summary.size() + 31 * games.size());
  out_.upcoming_player_game_context.reserve(out_.upcoming_player_game_context.size() +
                                            30 * games.size());
  for (auto* rows : {&out_.team_offense_game_summary, &out_.team_defense_game_summary,
                     &out_.upcoming_team_game_context}) {
    rows->reserve(rows->size() + 2 * games.size());
  }
  const auto& teams = AllTeams();

  std::unordered_map<int, double> points_lines;
  for (size_t begin = 0; begin < games.size();) {
    const Date d = games[begin].game_date;
    size_t end = begin;
    while (end < games.size() && games[end].game_date == d) ++end;
    ApplyTrades(d);

    // Teams of play-in and playoff games, from the standings.
    std::vector<std::optional<bool>> planned(end - begin);
    for (size_t i = begin; i < end; ++i) {
      ScheduleGame& g = games[i];
      if (IsPostseason(g)) {
        if (!bracket.has_standings()) {
          std::array<TeamRecord, kTeamCount> records{};
          std::array<double, kTeamCount> strength{};
          for (int t = 0; t < kTeamCount; ++t) {
            const TeamState& ts = state_.teams[static_cast<size_t>(t)];
            records[static_cast<size_t>(t)] = {ts.wins, ts.losses, ts.point_diff};
            strength[static_cast<size_t>(t)] = state_.traits[static_cast<size_t>(t)].offense +
                                               state_.traits[static_cast<size_t>(t)].defense;
          }
          bracket.SetStandings(records, strength);
        }
        planned[i - begin] = bracket.Prepare(g);
      }
      if (!g.has_matchup() || TeamIndex(g.home_team) < 0 || TeamIndex(g.away_team) < 0 ||
          g.home_team == g.away_team) {
        return Status::InvalidInput("game " + g.game_id + " on " + FormatDate(d) +
                                    ": no valid matchup (" + g.away_team + "@" + g.home_team + ")");
      }
    }

    // Pre-game: statuses, then the context snapshots (from earlier games
    // only: state_ holds nothing of this date yet).
    for (size_t i = begin; i < end; ++i) {
      SetStatuses(TeamIndex(games[i].home_team), d, IsPostseason(games[i]));
      SetStatuses(TeamIndex(games[i].away_team), d, IsPostseason(games[i]));
    }
    const std::string context_at = FormatDate(d) + "T15:00:00Z";
    const std::string box_at = FormatDate(AddDays(d, 1)) + "T08:00:00Z";
    std::vector<std::string> system_ids(end - begin);
    for (size_t i = begin; i < end; ++i) {
      const ScheduleGame& g = games[i];
      ContextInput in;
      in.game = &g;
      in.home = TeamIndex(g.home_team);
      in.away = TeamIndex(g.away_team);
      in.system_game_id = system_ids[i - begin] = SystemGameId(d, g.away_team, g.home_team);
      in.processed_at = context_at;
      in.lines = ComputeGameLines(state_, in.home, in.away);
      AppendTeamContext(in, state_, league_, out_.upcoming_team_game_context);
      AppendPlayerContext(in, state_, league_, context_rng_, out_.upcoming_player_game_context,
                          points_lines);
    }

    // The games.
    for (size_t i = begin; i < end; ++i) {
      ScheduleGame& g = games[i];
      const int home = TeamIndex(g.home_team), away = TeamIndex(g.away_team);
      ScorePlan plan;
      if (real_score[i]) {
        plan = PlanFromRealScore(game_rng_, *g.home_score, *g.away_score);
      } else {
        plan = SimulateScore(game_rng_, state_.traits[static_cast<size_t>(home)],
                             state_.traits[static_cast<size_t>(away)], -MissingStrength(home),
                             -MissingStrength(away), planned[i - begin]);
      }
      LineupInput lh = Lineup(home, LateSeasonOf(home, g));
      LineupInput la = Lineup(away, LateSeasonOf(away, g));
      GameBox box =
          SimulateBoxScore(game_rng_, league_, lh, la, state_.traits[static_cast<size_t>(home)],
                           state_.traits[static_cast<size_t>(away)], plan);
      if (!real_score[i]) {
        g.home_score = box.home.totals.points;
        g.away_score = box.away.totals.points;
        g.data_source = had_matchup[i] ? kGeneratedScoreSource : kGeneratedSource;
      }
      g.game_status = 3;
      if (g.arena_city.empty()) g.arena_city = std::string(teams[static_cast<size_t>(home)].city);
      if (g.playoff_round.empty() && IsPostseason(g)) {
        auto slot = ParseBracketGameId(g.game_id);
        g.playoff_round = std::string(PlayoffRoundName(g.game_type, slot ? slot->round : 1));
      }
      GameRowsInput rows;
      rows.game = &g;
      rows.box = &box;
      rows.league = &league_;
      rows.system_game_id = system_ids[i - begin];
      rows.processed_at = box_at;
      rows.points_lines = &points_lines;
      AppendGameRows(rows, out_.player_game_summary, out_.team_offense_game_summary,
                     out_.team_defense_game_summary);
      if (IsPostseason(g)) bracket.Record(g);
      AfterGame(g, box, ComputeAdvanced(box.home).pace, ComputeAdvanced(box.away).pace);
    }
    points_lines.clear();
    begin = end;
  }
  SavePrior();
  for (auto& g : games) out_.schedule.push_back(std::move(g));
  return Status::OK();
}

}  // namespace

Status SimulateSeason(int season, std::vector<ScheduleGame> games, const League& league,
                      const SeasonRoster& roster, uint64_t seed, std::vector<PriorStats>& prior,
                      GeneratedLeague& out) {
  SeasonSim sim(season, league, roster, seed, prior, out);
  return sim.Run(std::move(games));
}

}  // namespace phase4::generate
