#include "generate/phase3_rows.h"

#include <cmath>

#include "common/teams.h"
#include "generate/row_util.h"
#include "warehouse/schema.h"

namespace phase4::generate {

namespace {

std::string_view Tricode(int team) { return AllTeams()[static_cast<size_t>(team)].tricode; }

enum PgsCol : size_t {
  kPlayerLookup,
  kUniversalId,
  kFullName,
  kGameId,
  kGameDate,
  kTeam,
  kOpponent,
  kSeason,
  kPoints,
  kMinutes,
  kAssists,
  kOreb,
  kDreb,
  kSteals,
  kBlocks,
  kTurnovers,
  kFouls,
  kFga,
  kFgm,
  kThreeAtt,
  kThreeMade,
  kFta,
  kFtm,
  kPlusMinus,
  kPaintAtt,
  kPaintMade,
  kMidAtt,
  kMidMade,
  kAssisted,
  kUnassisted,
  kUsage,
  kTs,
  kEfg,
  kStarter,
  kWin,
  kPointsLine,
  kIsActive,
  kStatus,
  kProcessedAt
};

const ColumnSlots& PgsSlots() {
  static const ColumnSlots s(PlayerGameSummarySchema(), {"player_lookup",
                                                         "universal_player_id",
                                                         "player_full_name",
                                                         "game_id",
                                                         "game_date",
                                                         "team_abbr",
                                                         "opponent_team_abbr",
                                                         "season_year",
                                                         "points",
                                                         "minutes_played",
                                                         "assists",
                                                         "offensive_rebounds",
                                                         "defensive_rebounds",
                                                         "steals",
                                                         "blocks",
                                                         "turnovers",
                                                         "personal_fouls",
                                                         "fg_attempts",
                                                         "fg_makes",
                                                         "three_pt_attempts",
                                                         "three_pt_makes",
                                                         "ft_attempts",
                                                         "ft_makes",
                                                         "plus_minus",
                                                         "paint_attempts",
                                                         "paint_makes",
                                                         "mid_range_attempts",
                                                         "mid_range_makes",
                                                         "assisted_fg_makes",
                                                         "unassisted_fg_makes",
                                                         "usage_rate",
                                                         "ts_pct",
                                                         "efg_pct",
                                                         "starter_flag",
                                                         "win_flag",
                                                         "points_line",
                                                         "is_active",
                                                         "player_status",
                                                         "processed_at"});
  return s;
}

enum TogCol : size_t {
  kOGameId,
  kONbaGameId,
  kOGameDate,
  kOTeam,
  kOOpponent,
  kOSeason,
  kOPoints,
  kOFga,
  kOFgm,
  kOThreeAtt,
  kOThreeMade,
  kOFta,
  kOFtm,
  kOOreb,
  kORebounds,
  kOAssists,
  kOTurnovers,
  kOFouls,
  kOPaintAtt,
  kOPaintMade,
  kOMidAtt,
  kOMidMade,
  kOPaintPoints,
  kOPossessions,
  kORating,
  kOPace,
  kOTs,
  kOHome,
  kOWin,
  kOMargin,
  kOOvertime,
  kOProcessedAt
};

const ColumnSlots& TogSlots() {
  static const ColumnSlots s(TeamOffenseGameSummarySchema(), {"game_id",
                                                              "nba_game_id",
                                                              "game_date",
                                                              "team_abbr",
                                                              "opponent_team_abbr",
                                                              "season_year",
                                                              "points_scored",
                                                              "fg_attempts",
                                                              "fg_makes",
                                                              "three_pt_attempts",
                                                              "three_pt_makes",
                                                              "ft_attempts",
                                                              "ft_makes",
                                                              "offensive_rebounds",
                                                              "rebounds",
                                                              "assists",
                                                              "turnovers",
                                                              "personal_fouls",
                                                              "team_paint_attempts",
                                                              "team_paint_makes",
                                                              "team_mid_range_attempts",
                                                              "team_mid_range_makes",
                                                              "points_in_paint_scored",
                                                              "possessions",
                                                              "offensive_rating",
                                                              "pace",
                                                              "ts_pct",
                                                              "home_game",
                                                              "win_flag",
                                                              "margin_of_victory",
                                                              "overtime_periods",
                                                              "processed_at"});
  return s;
}

enum TdgsCol : size_t {
  kDGameId,
  kDGameDate,
  kDTeam,
  kDOpponent,
  kDSeason,
  kDPointsAllowed,
  kDOppFga,
  kDOppFgm,
  kDOppThreeAtt,
  kDOppThreeMade,
  kDOppFta,
  kDOppFtm,
  kDOppRebounds,
  kDOppAssists,
  kDTurnoversForced,
  kDFouls,
  kDOppPaintAtt,
  kDOppPaintMade,
  kDOppMidAtt,
  kDOppMidMade,
  kDPaintAllowed,
  kDMidAllowed,
  kDThreeAllowed,
  kDBlocksPaint,
  kDBlocksMid,
  kDBlocksThree,
  kDSteals,
  kDDreb,
  kDRating,
  kDOppPace,
  kDOppTs,
  kDHome,
  kDWin,
  kDMargin,
  kDProcessedAt
};

const ColumnSlots& TdgsSlots() {
  static const ColumnSlots s(TeamDefenseGameSummarySchema(), {"game_id",
                                                              "game_date",
                                                              "defending_team_abbr",
                                                              "opponent_team_abbr",
                                                              "season_year",
                                                              "points_allowed",
                                                              "opp_fg_attempts",
                                                              "opp_fg_makes",
                                                              "opp_three_pt_attempts",
                                                              "opp_three_pt_makes",
                                                              "opp_ft_attempts",
                                                              "opp_ft_makes",
                                                              "opp_rebounds",
                                                              "opp_assists",
                                                              "turnovers_forced",
                                                              "fouls_committed",
                                                              "opp_paint_attempts",
                                                              "opp_paint_makes",
                                                              "opp_mid_range_attempts",
                                                              "opp_mid_range_makes",
                                                              "points_in_paint_allowed",
                                                              "mid_range_points_allowed",
                                                              "three_pt_points_allowed",
                                                              "blocks_paint",
                                                              "blocks_mid_range",
                                                              "blocks_three_pt",
                                                              "steals",
                                                              "defensive_rebounds",
                                                              "defensive_rating",
                                                              "opponent_pace",
                                                              "opponent_ts_pct",
                                                              "home_game",
                                                              "win_flag",
                                                              "margin_of_victory",
                                                              "processed_at"});
  return s;
}

std::optional<double> TrueShooting(int points, int fga, int fta) {
  double d = 2.0 * (fga + 0.44 * fta);
  if (d <= 0) return std::nullopt;
  return points / d;
}

// The columns the two team tables share. A row describes one team's game
// and reports one side's shooting: the team's own in
// team_offense_game_summary, its opponent's in team_defense_game_summary.
struct TeamRowSlots {
  size_t game_id, game_date, team, opponent, season, home, win, margin, fouls, processed_at;
  // The reported side's shooting.
  size_t points, fga, fgm, three_att, three_made, fta, ftm, rebounds, assists, turnovers, paint_att,
      paint_made, mid_att, mid_made, paint_points, ts;
};

constexpr TeamRowSlots kOffenseSlots{.game_id = kOGameId,
                                     .game_date = kOGameDate,
                                     .team = kOTeam,
                                     .opponent = kOOpponent,
                                     .season = kOSeason,
                                     .home = kOHome,
                                     .win = kOWin,
                                     .margin = kOMargin,
                                     .fouls = kOFouls,
                                     .processed_at = kOProcessedAt,
                                     .points = kOPoints,
                                     .fga = kOFga,
                                     .fgm = kOFgm,
                                     .three_att = kOThreeAtt,
                                     .three_made = kOThreeMade,
                                     .fta = kOFta,
                                     .ftm = kOFtm,
                                     .rebounds = kORebounds,
                                     .assists = kOAssists,
                                     .turnovers = kOTurnovers,
                                     .paint_att = kOPaintAtt,
                                     .paint_made = kOPaintMade,
                                     .mid_att = kOMidAtt,
                                     .mid_made = kOMidMade,
                                     .paint_points = kOPaintPoints,
                                     .ts = kOTs};

constexpr TeamRowSlots kDefenseSlots{.game_id = kDGameId,
                                     .game_date = kDGameDate,
                                     .team = kDTeam,
                                     .opponent = kDOpponent,
                                     .season = kDSeason,
                                     .home = kDHome,
                                     .win = kDWin,
                                     .margin = kDMargin,
                                     .fouls = kDFouls,
                                     .processed_at = kDProcessedAt,
                                     .points = kDPointsAllowed,
                                     .fga = kDOppFga,
                                     .fgm = kDOppFgm,
                                     .three_att = kDOppThreeAtt,
                                     .three_made = kDOppThreeMade,
                                     .fta = kDOppFta,
                                     .ftm = kDOppFtm,
                                     .rebounds = kDOppRebounds,
                                     .assists = kDOppAssists,
                                     .turnovers = kDTurnoversForced,
                                     .paint_att = kDOppPaintAtt,
                                     .paint_made = kDOppPaintMade,
                                     .mid_att = kDOppMidAtt,
                                     .mid_made = kDOppMidMade,
                                     .paint_points = kDPaintAllowed,
                                     .ts = kDOppTs};

// Fills the shared columns of `own`'s row; `shooting`: the reported side's
// totals.
void FillTeamRow(RowFill& r, const TeamRowSlots& s, const GameRowsInput& in,
                 const std::string& date, const TeamBox& own, const TeamBox& opp, bool home,
                 const TeamTotals& shooting) {
  const int margin = own.totals.points - opp.totals.points;
  r.Text(s.game_id, in.system_game_id);
  r.Text(s.game_date, date);
  r.Text(s.team, Tricode(own.team));
  r.Text(s.opponent, Tricode(opp.team));
  r.Int(s.season, in.game->season_year);
  r.Bool(s.home, home);
  r.Bool(s.win, margin > 0);
  r.Int(s.margin, margin);
  r.Int(s.fouls, own.totals.pf);
  r.Text(s.processed_at, in.processed_at);
  const TeamTotals& t = shooting;
  r.Int(s.points, t.points);
  r.Int(s.fga, t.fga);
  r.Int(s.fgm, t.fgm);
  r.Int(s.three_att, t.three_att);
  r.Int(s.three_made, t.three_made);
  r.Int(s.fta, t.fta);
  r.Int(s.ftm, t.ftm);
  r.Int(s.rebounds, t.oreb + t.dreb);
  r.Int(s.assists, t.ast);
  r.Int(s.turnovers, t.tov);
  r.Int(s.paint_att, t.paint_att);
  r.Int(s.paint_made, t.paint_made);
  r.Int(s.mid_att, t.mid_att);
  r.Int(s.mid_made, t.mid_made);
  r.Int(s.paint_points, 2 * t.paint_made);
  r.OptReal(s.ts, TrueShooting(t.points, t.fga, t.fta));
}

void AppendPlayerRows(const GameRowsInput& in, const TeamBox& box, const TeamBox& opp, bool won,
                      std::vector<Row>& out) {
  const ColumnSlots& s = PgsSlots();
  const std::string date = FormatDate(in.game->game_date);
  for (const PlayerLine& l : box.lines) {
    const Player& p = in.league->player(l.player);
    out.emplace_back();
    RowFill r(s, out.back());
    r.Text(kPlayerLookup, p.lookup);
    r.Text(kUniversalId, p.universal_id);
    r.Text(kFullName, p.full_name);
    r.Text(kGameId, in.system_game_id);
    r.Text(kGameDate, date);
    r.Text(kTeam, Tricode(box.team));
    r.Text(kOpponent, Tricode(opp.team));
    r.Int(kSeason, in.game->season_year);
    r.Bool(kWin, won);
    r.Text(kStatus, l.status);
    r.Text(kProcessedAt, in.processed_at);
    if (in.points_lines) {
      auto it = in.points_lines->find(l.player);
      if (it != in.points_lines->end()) r.Real(kPointsLine, it->second);
    }
    if (l.kind == LineKind::kInactive) {  // box stats NULL
      r.Bool(kIsActive, false);
      r.Bool(kStarter, false);
      continue;
    }
    r.Bool(kIsActive, true);
    r.Bool(kStarter, l.kind == LineKind::kPlayed && l.minutes > 20);
    if (l.kind == LineKind::kPlayed) {
      r.Real(kMinutes, l.minutes);
    } else if (l.kind == LineKind::kBench && l.minutes_zero) {
      r.Real(kMinutes, 0.0);
    }
    r.Int(kPoints, l.points());
    r.Int(kAssists, l.ast);
    r.Int(kOreb, l.oreb);
    r.Int(kDreb, l.dreb);
    r.Int(kSteals, l.stl);
    r.Int(kBlocks, l.blk);
    r.Int(kTurnovers, l.tov);
    r.Int(kFouls, l.pf);
    r.Int(kFga, l.fga());
    r.Int(kFgm, l.fgm());
    r.Int(kThreeAtt, l.three_att);
    r.Int(kThreeMade, l.three_made);
    r.Int(kFta, l.fta);
    r.Int(kFtm, l.ftm);
    r.Int(kPlusMinus, l.plus_minus);
    r.Int(kPaintAtt, l.paint_att);
    r.Int(kPaintMade, l.paint_made);
    r.Int(kMidAtt, l.mid_att);
    r.Int(kMidMade, l.mid_made);
    r.Int(kAssisted, l.assisted);
    r.Int(kUnassisted, l.fgm() - l.assisted);
    r.OptReal(kUsage, UsageRate(l, box.totals));
    r.OptReal(kTs, TrueShooting(l.points(), l.fga(), l.fta));
    if (l.fga() > 0) r.Real(kEfg, (l.fgm() + 0.5 * l.three_made) / l.fga());
  }
}

}  // namespace

TeamAdvanced ComputeAdvanced(const TeamBox& box) {
  const TeamTotals& t = box.totals;
  TeamAdvanced a;
  a.possessions_raw = t.fga + 0.44 * t.fta + t.tov - t.oreb;
  a.possessions_1dp = RoundToScale(a.possessions_raw, 1);
  a.pace = RoundToScale(a.possessions_1dp * 48.0 / (box.team_minutes / 5.0), 1);
  a.offensive_rating =
      a.possessions_raw > 0 ? RoundToScale(100.0 * t.points / a.possessions_raw, 2) : 0.0;
  return a;
}

std::optional<double> UsageRate(const PlayerLine& l, const TeamTotals& team) {
  if (l.kind != LineKind::kPlayed || l.minutes <= 0) return std::nullopt;
  double team_plays = team.fga + 0.44 * team.fta + team.tov;
  if (team_plays <= 0) return std::nullopt;
  return 100.0 * (l.fga() + 0.44 * l.fta + l.tov) * 48.0 / (l.minutes * team_plays);
}

void AppendGameRows(const GameRowsInput& in, std::vector<Row>& player_rows,
                    std::vector<Row>& offense_rows, std::vector<Row>& defense_rows) {
  const GameBox& g = *in.box;
  const std::string date = FormatDate(in.game->game_date);
  const TeamBox* sides[2] = {&g.home, &g.away};
  const TeamAdvanced adv[2] = {ComputeAdvanced(g.home), ComputeAdvanced(g.away)};
  for (int k = 0; k < 2; ++k) {
    const TeamBox& own = *sides[k];
    const TeamBox& opp = *sides[1 - k];
    const TeamTotals& t = own.totals;
    const TeamTotals& o = opp.totals;
    const bool home = k == 0;
    AppendPlayerRows(in, own, opp, t.points > o.points, player_rows);

    offense_rows.emplace_back();
    RowFill r(TogSlots(), offense_rows.back());
    FillTeamRow(r, kOffenseSlots, in, date, own, opp, home, t);
    r.Text(kONbaGameId, in.game->game_id);
    r.Int(kOOreb, t.oreb);
    r.Int(kOPossessions, static_cast<int64_t>(std::trunc(adv[k].possessions_1dp)));
    r.Real(kORating, adv[k].offensive_rating);
    r.Real(kOPace, adv[k].pace);
    r.Int(kOOvertime, (own.team_minutes - 240) / 25);

    defense_rows.emplace_back();
    RowFill d(TdgsSlots(), defense_rows.back());
    FillTeamRow(d, kDefenseSlots, in, date, own, opp, home, o);
    d.Int(kDMidAllowed, 2 * o.mid_made);
    d.Int(kDThreeAllowed, 3 * o.three_made);
    d.Int(kDBlocksPaint, t.blk_paint);
    d.Int(kDBlocksMid, t.blk_mid);
    d.Int(kDBlocksThree, t.blk_three);
    d.Int(kDSteals, t.stl);
    d.Int(kDDreb, t.dreb);
    // The opponent's offensive rating (same possessions), so the two rows
    // mirror each other exactly.
    d.Real(kDRating, adv[1 - k].offensive_rating);
    // Opponent possessions, not OT-normalised (spec/phase3-inputs.md §4).
    d.Real(kDOppPace, adv[1 - k].possessions_1dp);
  }
}

}  // namespace phase4::generate
