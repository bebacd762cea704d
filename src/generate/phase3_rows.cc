#include "generate/phase3_rows.h"

#include <cmath>

#include "common/teams.h"
#include "generate/row_util.h"
#include "warehouse/schema.h"

namespace phase4::gen {

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
    const int margin = t.points - o.points;
    const bool won = margin > 0;
    AppendPlayerRows(in, own, opp, won, player_rows);

    offense_rows.emplace_back();
    RowFill r(TogSlots(), offense_rows.back());
    r.Text(kOGameId, in.system_game_id);
    r.Text(kONbaGameId, in.game->game_id);
    r.Text(kOGameDate, date);
    r.Text(kOTeam, Tricode(own.team));
    r.Text(kOOpponent, Tricode(opp.team));
    r.Int(kOSeason, in.game->season_year);
    r.Int(kOPoints, t.points);
    r.Int(kOFga, t.fga);
    r.Int(kOFgm, t.fgm);
    r.Int(kOThreeAtt, t.three_att);
    r.Int(kOThreeMade, t.three_made);
    r.Int(kOFta, t.fta);
    r.Int(kOFtm, t.ftm);
    r.Int(kOOreb, t.oreb);
    r.Int(kORebounds, t.oreb + t.dreb);
    r.Int(kOAssists, t.ast);
    r.Int(kOTurnovers, t.tov);
    r.Int(kOFouls, t.pf);
    r.Int(kOPaintAtt, t.paint_att);
    r.Int(kOPaintMade, t.paint_made);
    r.Int(kOMidAtt, t.mid_att);
    r.Int(kOMidMade, t.mid_made);
    r.Int(kOPaintPoints, 2 * t.paint_made);
    r.Int(kOPossessions, static_cast<int64_t>(std::trunc(adv[k].possessions_1dp)));
    r.Real(kORating, adv[k].offensive_rating);
    r.Real(kOPace, adv[k].pace);
    r.OptReal(kOTs, TrueShooting(t.points, t.fga, t.fta));
    r.Bool(kOHome, home);
    r.Bool(kOWin, won);
    r.Int(kOMargin, margin);
    r.Int(kOOvertime, (own.team_minutes - 240) / 25);
    r.Text(kOProcessedAt, in.processed_at);

    defense_rows.emplace_back();
    RowFill d(TdgsSlots(), defense_rows.back());
    d.Text(kDGameId, in.system_game_id);
    d.Text(kDGameDate, date);
    d.Text(kDTeam, Tricode(own.team));
    d.Text(kDOpponent, Tricode(opp.team));
    d.Int(kDSeason, in.game->season_year);
    d.Int(kDPointsAllowed, o.points);
    d.Int(kDOppFga, o.fga);
    d.Int(kDOppFgm, o.fgm);
    d.Int(kDOppThreeAtt, o.three_att);
    d.Int(kDOppThreeMade, o.three_made);
    d.Int(kDOppFta, o.fta);
    d.Int(kDOppFtm, o.ftm);
    d.Int(kDOppRebounds, o.oreb + o.dreb);
    d.Int(kDOppAssists, o.ast);
    d.Int(kDTurnoversForced, o.tov);
    d.Int(kDFouls, t.pf);
    d.Int(kDOppPaintAtt, o.paint_att);
    d.Int(kDOppPaintMade, o.paint_made);
    d.Int(kDOppMidAtt, o.mid_att);
    d.Int(kDOppMidMade, o.mid_made);
    d.Int(kDPaintAllowed, 2 * o.paint_made);
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
    d.OptReal(kDOppTs, TrueShooting(o.points, o.fga, o.fta));
    d.Bool(kDHome, home);
    d.Bool(kDWin, won);
    d.Int(kDMargin, margin);
    d.Text(kDProcessedAt, in.processed_at);
  }
}

}  // namespace phase4::gen
