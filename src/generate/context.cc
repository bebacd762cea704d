#include "generate/context.h"

#include <algorithm>
#include <cmath>

#include "common/teams.h"
#include "generate/arenas.h"
#include "generate/game_model.h"
#include "generate/row_util.h"
#include "warehouse/schema.h"

namespace phase4::generate {

namespace {

std::string_view Tricode(int team) { return AllTeams()[static_cast<size_t>(team)].tricode; }

double RoundHalfPoint(double x) { return std::round(x * 2.0) / 2.0; }

enum TeamCol : size_t {
  kTTeam,
  kTGameId,
  kTGameDate,
  kTSeason,
  kTOpponent,
  kTHome,
  kTB2b,
  kTDaysSince,
  kTDaysRest,
  kTGameNumber,
  kTGames7,
  kTGames14,
  kTSpread,
  kTTotal,
  kTStartersOut,
  kTQuestionable,
  kTWinStreak,
  kTLossStreak,
  kTLastMargin,
  kTLastResult,
  kTTravel,
  kTReady,
  kTProcessedAt
};

const ColumnSlots& TeamSlots() {
  static const ColumnSlots s(UpcomingTeamGameContextSchema(), {"team_abbr",
                                                               "game_id",
                                                               "game_date",
                                                               "season_year",
                                                               "opponent_team_abbr",
                                                               "home_game",
                                                               "is_back_to_back",
                                                               "days_since_last_game",
                                                               "team_days_rest",
                                                               "game_number_in_season",
                                                               "games_in_last_7_days",
                                                               "games_in_last_14_days",
                                                               "game_spread",
                                                               "game_total",
                                                               "starters_out_count",
                                                               "questionable_players_count",
                                                               "team_win_streak_entering",
                                                               "team_loss_streak_entering",
                                                               "last_game_margin",
                                                               "last_game_result",
                                                               "travel_miles",
                                                               "is_production_ready",
                                                               "processed_at"});
  return s;
}

enum PlayerCol : size_t {
  kPLookup,
  kPUniversal,
  kPGameId,
  kPGameDate,
  kPTeam,
  kPOpponent,
  kPLine,
  kPOpeningLine,
  kPSpread,
  kPTotal,
  kPPaceDiff,
  kPOppPace,
  kPProjUsage,
  kPHome,
  kPB2b,
  kPPhase,
  kPDaysRest,
  kPGames7,
  kPGames14,
  kPMinutes7,
  kPMinutes14,
  kPAvgMinutes7,
  kPB2b14,
  kPAvgUsage7,
  kPQ4Minutes,
  kPAge,
  kPAvg5,
  kPAvg10,
  kPStarsOut,
  kPOppDaysRest,
  kPStatus,
  kPInjury,
  kPTier,
  kPReady,
  kPProcessedAt
};

const ColumnSlots& PlayerSlots() {
  static const ColumnSlots s(UpcomingPlayerGameContextSchema(), {"player_lookup",
                                                                 "universal_player_id",
                                                                 "game_id",
                                                                 "game_date",
                                                                 "team_abbr",
                                                                 "opponent_team_abbr",
                                                                 "current_points_line",
                                                                 "opening_points_line",
                                                                 "game_spread",
                                                                 "game_total",
                                                                 "pace_differential",
                                                                 "opponent_pace_last_10",
                                                                 "projected_usage_rate",
                                                                 "home_game",
                                                                 "back_to_back",
                                                                 "season_phase",
                                                                 "days_rest",
                                                                 "games_in_last_7_days",
                                                                 "games_in_last_14_days",
                                                                 "minutes_in_last_7_days",
                                                                 "minutes_in_last_14_days",
                                                                 "avg_minutes_per_game_last_7",
                                                                 "back_to_backs_last_14_days",
                                                                 "avg_usage_rate_last_7_games",
                                                                 "fourth_quarter_minutes_last_7",
                                                                 "player_age",
                                                                 "points_avg_last_5",
                                                                 "points_avg_last_10",
                                                                 "star_teammates_out",
                                                                 "opponent_days_rest",
                                                                 "player_status",
                                                                 "injury_report",
                                                                 "data_quality_tier",
                                                                 "is_production_ready",
                                                                 "processed_at"});
  return s;
}

// Team ratings as known before a game: season results shrunk toward the
// league (6 phantom average games).
struct TeamForm {
  double margin = 0.0;
  double points_for = kLeaguePoints;
  double points_against = kLeaguePoints;
};

TeamForm FormOf(const TeamState& t) {
  constexpr double kPhantom = 6.0;
  double n = static_cast<double>(t.games.size());
  double m = 0, pf = 0, pa = 0;
  for (const TeamGame& g : t.games) {
    m += g.points_for - g.points_against;
    pf += g.points_for;
    pa += g.points_against;
  }
  TeamForm f;
  f.margin = m / (n + kPhantom);
  f.points_for = (pf + kPhantom * kLeaguePoints) / (n + kPhantom);
  f.points_against = (pa + kPhantom * kLeaguePoints) / (n + kPhantom);
  return f;
}

std::optional<double> PaceLast10(const TeamState& t) {
  if (t.games.empty()) return std::nullopt;
  size_t n = std::min<size_t>(10, t.games.size());
  double sum = 0;
  for (size_t k = t.games.size() - n; k < t.games.size(); ++k) sum += t.games[k].pace;
  return sum / static_cast<double>(n);
}

// The team's three (five) best players by quality on the current roster.
std::vector<int> TopPlayers(const TeamState& t, const League& league, size_t n) {
  std::vector<int> ids = t.roster;
  std::sort(ids.begin(), ids.end(), [&](int a, int b) {
    double qa = league.player(a).quality, qb = league.player(b).quality;
    return qa > qb || (qa == qb && a < b);
  });
  if (ids.size() > n) ids.resize(n);
  return ids;
}

const char* StatusName(PreGameStatus s) {
  switch (s) {
    case PreGameStatus::kProbable:
      return "probable";
    case PreGameStatus::kQuestionable:
      return "questionable";
    case PreGameStatus::kOut:
      return "out";
    default:
      return "available";
  }
}

}  // namespace

std::string_view SeasonPhase(const ScheduleGame& g) {
  if (g.game_type == GameType::kPlayoffs || g.game_type == GameType::kPlayIn) return "playoffs";
  unsigned m = MonthOf(g.game_date);
  if (m == 10 || m == 11) return "early";
  if (m == 12 || m == 1 || m == 2) return "mid";
  if (m == 3 || m == 4) return "late";
  return "playoffs";
}

GameLines ComputeGameLines(const SeasonState& state, int home, int away) {
  TeamForm h = FormOf(state.teams[static_cast<size_t>(home)]);
  TeamForm a = FormOf(state.teams[static_cast<size_t>(away)]);
  GameLines l;
  double expected_home_margin = h.margin - a.margin + 1.8;
  l.home_spread = RoundHalfPoint(-expected_home_margin) + 0.0;  // +0.0: no negative zero
  l.total = RoundHalfPoint((h.points_for + a.points_against) / 2.0 +
                           (a.points_for + h.points_against) / 2.0);
  return l;
}

void AppendTeamContext(const ContextInput& in, const SeasonState& state, const League& league,
                       std::vector<Row>& out) {
  const Date d = in.game->game_date;
  const std::string date = FormatDate(d);
  for (int side = 0; side < 2; ++side) {
    const int team = side == 0 ? in.home : in.away;
    const int opp = side == 0 ? in.away : in.home;
    const TeamState& t = state.teams[static_cast<size_t>(team)];
    out.emplace_back();
    RowFill r(TeamSlots(), out.back());
    r.Text(kTTeam, Tricode(team));
    r.Text(kTGameId, in.game->game_id);
    r.Text(kTGameDate, date);
    r.Int(kTSeason, in.game->season_year);
    r.Text(kTOpponent, Tricode(opp));
    r.Bool(kTHome, side == 0);
    std::optional<int> since;
    if (!t.games.empty()) since = DaysBetween(t.games.back().date, d);
    r.OptInt(kTDaysSince, since);
    if (since) r.Int(kTDaysRest, *since - 1);  // 0 = back-to-back (team convention)
    r.Bool(kTB2b, since && *since - 1 == 0);
    // The true count of the season's games so far (the reference counted a
    // 30-day window only).
    r.Int(kTGameNumber, static_cast<int64_t>(t.games.size()) + 1);
    // Reference window edges for the team table: dates > D-7 and > D-14.
    int g7 = 0, g14 = 0;
    for (const TeamGame& g : t.games) {
      int ago = DaysBetween(g.date, d);
      if (ago < 7) ++g7;
      if (ago < 14) ++g14;
    }
    r.Int(kTGames7, g7);
    r.Int(kTGames14, g14);
    r.Real(kTSpread, side == 0 ? in.lines.home_spread : -in.lines.home_spread + 0.0);
    r.Real(kTTotal, in.lines.total);
    int starters_out = 0, questionable = 0;
    for (int id : TopPlayers(t, league, 5)) {
      if (state.players[static_cast<size_t>(id)].status == PreGameStatus::kOut) ++starters_out;
    }
    for (int id : t.roster) {
      if (state.players[static_cast<size_t>(id)].status == PreGameStatus::kQuestionable)
        ++questionable;
    }
    r.Int(kTStartersOut, starters_out);
    r.Int(kTQuestionable, questionable);
    int win_streak = 0, loss_streak = 0;
    for (auto it = t.games.rbegin(); it != t.games.rend(); ++it) {
      bool won = it->points_for > it->points_against;
      if (won && loss_streak == 0) {
        ++win_streak;
      } else if (!won && win_streak == 0) {
        ++loss_streak;
      } else {
        break;
      }
    }
    r.Int(kTWinStreak, win_streak);
    r.Int(kTLossStreak, loss_streak);
    if (!t.games.empty()) {
      int margin = t.games.back().points_for - t.games.back().points_against;
      r.Int(kTLastMargin, margin);
      r.Text(kTLastResult, margin > 0 ? "W" : "L");
    }
    int travel = 0;
    if (side == 1) {
      int from = t.games.empty() ? team : t.games.back().arena_team;
      travel = static_cast<int>(
          std::lround(DistanceMiles(ArenaOf(Tricode(from)), ArenaOf(Tricode(in.home)))));
    }
    r.Int(kTTravel, travel);
    r.Bool(kTReady, true);
    r.Text(kTProcessedAt, in.processed_at);
  }
}

void AppendPlayerContext(const ContextInput& in, const SeasonState& state, const League& league,
                         Rng& rng, std::vector<Row>& out,
                         std::unordered_map<int, double>& points_lines) {
  const Date d = in.game->game_date;
  const std::string date = FormatDate(d);
  const std::string_view phase = SeasonPhase(*in.game);
  for (int side = 0; side < 2; ++side) {
    const int team = side == 0 ? in.home : in.away;
    const int opp = side == 0 ? in.away : in.home;
    const TeamState& t = state.teams[static_cast<size_t>(team)];
    const TeamState& o = state.teams[static_cast<size_t>(opp)];
    const std::vector<int> stars = TopPlayers(t, league, 3);
    const std::optional<double> team_pace = PaceLast10(t);
    const std::optional<double> opp_pace = PaceLast10(o);
    std::optional<int> opp_rest;
    if (!o.games.empty()) opp_rest = DaysBetween(o.games.back().date, d);
    // The team's last (up to) 10 game dates, for readiness.
    // is_production_ready: the player played in at least 90% of his team's
    // last (up to) 10 games (never before the team's first game).
    const size_t team_window = std::min<size_t>(10, t.games.size());
    const Date window_start = team_window ? t.games[t.games.size() - team_window].date : d;
    const double spread = side == 0 ? in.lines.home_spread : -in.lines.home_spread + 0.0;

    for (int id : t.roster) {
      const PlayerState& ps = state.players[static_cast<size_t>(id)];
      if (ps.status == PreGameStatus::kOut) continue;  // ruled out before the game
      const Player& p = league.player(id);
      const auto& h = ps.played;  // games before this date only
      out.emplace_back();
      RowFill r(PlayerSlots(), out.back());
      r.Text(kPLookup, p.lookup);
      r.Text(kPUniversal, p.universal_id);
      r.Text(kPGameId, in.system_game_id);
      r.Text(kPGameDate, date);
      r.Text(kPTeam, Tricode(team));
      r.Text(kPOpponent, Tricode(opp));
      r.Real(kPSpread, spread);
      r.Real(kPTotal, in.lines.total);
      // Pace: mean of each team's last 10 games' pace this season.
      if (team_pace && opp_pace) r.Real(kPPaceDiff, *team_pace - *opp_pace);
      r.OptReal(kPOppPace, opp_pace);
      r.Bool(kPHome, side == 0);
      r.Text(kPPhase, phase);

      // Rest: plain date difference (1 = played yesterday). back_to_back is
      // days_rest == 1: this consciously fixes the reference, whose
      // `days_rest == 0` test never fired (spec/phase3-inputs.md §5).
      std::optional<int> days_rest;
      if (!h.empty()) days_rest = DaysBetween(h.back().date, d);
      r.OptInt(kPDaysRest, days_rest);
      r.Bool(kPB2b, days_rest && *days_rest == 1);

      // Windows over the player's played games of this season before D:
      // dates D-7..D-1 and D-14..D-1 (reference edges for this table).
      int g7 = 0, g14 = 0, m7 = 0, m14 = 0, b2b14 = 0;
      const PlayedGame* later = nullptr;  // scanning newest first
      for (auto it = h.rbegin(); it != h.rend(); ++it) {
        const int ago = DaysBetween(it->date, d);
        if (ago > 14) break;
        if (ago <= 7) {
          ++g7;
          m7 += it->minutes;
        }
        ++g14;
        m14 += it->minutes;
        if (later && DaysBetween(it->date, later->date) == 1) ++b2b14;
        later = &*it;
      }
      r.Int(kPGames7, g7);
      r.Int(kPGames14, g14);
      r.Int(kPMinutes7, m7);
      r.Int(kPMinutes14, m14);
      if (g7 > 0) r.Real(kPAvgMinutes7, static_cast<double>(m7) / g7);
      r.Int(kPB2b14, b2b14);

      const size_t n = h.size();
      auto mean_points = [&](size_t k) {
        size_t m = std::min(k, n);
        long sum = 0;
        for (size_t i = n - m; i < n; ++i) sum += h[i].points;
        return static_cast<double>(sum) / static_cast<double>(m);
      };
      std::optional<double> avg5, avg10, season_avg, avg_minutes10;
      if (n > 0) {
        avg5 = mean_points(5);
        avg10 = mean_points(10);
        season_avg = mean_points(n);
        size_t m = std::min<size_t>(10, n);
        double mins = 0;
        for (size_t i = n - m; i < n; ++i) mins += h[i].minutes;
        avg_minutes10 = mins / static_cast<double>(m);
      }
      r.OptReal(kPAvg5, avg5);
      r.OptReal(kPAvg10, avg10);

      // Usage: last 7 played games with a usage value.
      std::optional<double> usage7;
      {
        double sum = 0;
        int cnt = 0;
        for (size_t i = n - std::min<size_t>(7, n); i < n; ++i) {
          if (h[i].usage) {
            sum += *h[i].usage;
            ++cnt;
          }
        }
        if (cnt > 0) usage7 = sum / cnt;
      }
      int stars_out = 0;
      for (int s : stars) {
        if (s != id && state.players[static_cast<size_t>(s)].status == PreGameStatus::kOut)
          ++stars_out;
      }
      r.Int(kPStarsOut, stars_out);
      if (usage7 && !rng.Bernoulli(0.03)) r.Real(kPAvgUsage7, *usage7);
      std::optional<double> base_usage = usage7 ? usage7 : ps.prior_usage;
      if (base_usage && !rng.Bernoulli(0.05)) {
        r.Real(kPProjUsage, std::max(1.0, *base_usage + 1.5 * stars_out + rng.Normal(0.0, 0.8)));
      }
      if (n > 0) {
        int q4 = 0;
        for (size_t i = n - std::min<size_t>(7, n); i < n; ++i) q4 += h[i].minutes;
        r.Real(kPQ4Minutes, 0.24 * q4);
      }
      r.Int(kPAge, AgeOn(p.birth_date, d));
      // Same convention as days_rest (plain date difference), so that the
      // feature store's rest advantage compares like with like.
      r.OptInt(kPOppDaysRest, opp_rest);
      r.Text(kPStatus, StatusName(ps.status));
      if (!ps.status_note.empty()) r.Text(kPInjury, ps.status_note);
      r.Text(kPTier, n >= 10 ? "high" : n >= 5 ? "medium" : "low");
      {
        int recent = 0;
        for (auto it = h.rbegin(); it != h.rend() && it->date >= window_start; ++it) ++recent;
        r.Bool(kPReady, team_window > 0 && recent * 100 >= 90 * static_cast<int>(team_window));
      }

      // Prop line near recent scoring: this season's games when there are
      // a few, else last season's average; none for deep-bench players.
      std::optional<double> base;
      double minutes_ref = 0;
      if (n >= 3) {
        base = 0.6 * *avg10 + 0.4 * *season_avg;
        minutes_ref = *avg_minutes10;
      } else if (ps.prior_games >= 10) {
        base = n > 0 ? 0.5 * ps.prior_points + 0.5 * *season_avg : ps.prior_points;
        minutes_ref = ps.prior_minutes;
      }
      if (base && minutes_ref >= 14.0 && *base >= 2.0) {
        double line = std::floor(*base + rng.Normal(0.0, 0.6)) + 0.5;
        line = std::max(0.5, line);
        static const double kMove[5] = {-1.0, -0.5, 0.0, 0.5, 1.0};
        static const double kMoveWeight[5] = {0.1, 0.2, 0.4, 0.2, 0.1};
        double opening = std::max(0.5, line + kMove[rng.Weighted(kMoveWeight, 5)]);
        r.Real(kPLine, line);
        r.Real(kPOpeningLine, opening);
        points_lines[id] = line;
      }
      r.Text(kPProcessedAt, in.processed_at);
    }
  }
}

}  // namespace phase4::generate
