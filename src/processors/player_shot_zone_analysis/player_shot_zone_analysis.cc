#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"

#include "processors/common/numeric.h"
#include "processors/common/output_row.h"

namespace phase4::processors {

namespace {

struct InputCols {
  int paint_a, paint_m, mid_a, mid_m, three_a, three_m;
  int fg_makes, assisted, unassisted;
  int upid, team;
  explicit InputCols(const TableSchema& s)
      : paint_a(ColumnOf(s, "paint_attempts")),
        paint_m(ColumnOf(s, "paint_makes")),
        mid_a(ColumnOf(s, "mid_range_attempts")),
        mid_m(ColumnOf(s, "mid_range_makes")),
        three_a(ColumnOf(s, "three_pt_attempts")),
        three_m(ColumnOf(s, "three_pt_makes")),
        fg_makes(ColumnOf(s, "fg_makes")),
        assisted(ColumnOf(s, "assisted_fg_makes")),
        unassisted(ColumnOf(s, "unassisted_fg_makes")),
        upid(ColumnOf(s, "universal_player_id")),
        team(ColumnOf(s, "team_abbr")) {}
};

const InputCols& In() {
  static const InputCols c(PlayerGameSummarySchema());
  return c;
}

struct OutCols {
  int player_lookup, upid, analysis_date;
  int paint_rate, mid_rate, three_rate, total_shots, games10, quality10;
  int paint_pct, mid_pct, three_pct, paint_pg, mid_pg, three_pg;
  int paint_rate20, paint_pct20, games20, quality20;
  int assisted, unassisted, position, primary_zone, tier, notes;
  TrackingColumns tracking;
  explicit OutCols(const TableSchema& s)
      : player_lookup(ColumnOf(s, "player_lookup")),
        upid(ColumnOf(s, "universal_player_id")),
        analysis_date(ColumnOf(s, "analysis_date")),
        paint_rate(ColumnOf(s, "paint_rate_last_10")),
        mid_rate(ColumnOf(s, "mid_range_rate_last_10")),
        three_rate(ColumnOf(s, "three_pt_rate_last_10")),
        total_shots(ColumnOf(s, "total_shots_last_10")),
        games10(ColumnOf(s, "games_in_sample_10")),
        quality10(ColumnOf(s, "sample_quality_10")),
        paint_pct(ColumnOf(s, "paint_pct_last_10")),
        mid_pct(ColumnOf(s, "mid_range_pct_last_10")),
        three_pct(ColumnOf(s, "three_pt_pct_last_10")),
        paint_pg(ColumnOf(s, "paint_attempts_per_game")),
        mid_pg(ColumnOf(s, "mid_range_attempts_per_game")),
        three_pg(ColumnOf(s, "three_pt_attempts_per_game")),
        paint_rate20(ColumnOf(s, "paint_rate_last_20")),
        paint_pct20(ColumnOf(s, "paint_pct_last_20")),
        games20(ColumnOf(s, "games_in_sample_20")),
        quality20(ColumnOf(s, "sample_quality_20")),
        assisted(ColumnOf(s, "assisted_rate_last_10")),
        unassisted(ColumnOf(s, "unassisted_rate_last_10")),
        position(ColumnOf(s, "player_position")),
        primary_zone(ColumnOf(s, "primary_scoring_zone")),
        tier(ColumnOf(s, "data_quality_tier")),
        notes(ColumnOf(s, "calculation_notes")),
        tracking(s, "source_player_game") {}
};

const OutCols& Out() {
  static const OutCols c(PlayerShotZoneAnalysisSchema());
  return c;
}

std::optional<double> Pct(const IntSum& makes, const IntSum& attempts) {
  if (attempts.all_null() || makes.all_null() || attempts.sum == 0) return std::nullopt;
  return Exact::Fraction(makes.sum, attempts.sum).Round(3);
}

}  // namespace

ShotZoneSample ComputeShotZoneSample(const SeasonTable& t, std::span<const Row> games) {
  const InputCols& c = In();
  auto [b, e] = t.IndexRange(games);
  IntSum pa, pm, ma, mm, ta, tm, fgm, ast, unast;
  pa.AddRange(t.Ints(c.paint_a), b, e);
  pm.AddRange(t.Ints(c.paint_m), b, e);
  ma.AddRange(t.Ints(c.mid_a), b, e);
  mm.AddRange(t.Ints(c.mid_m), b, e);
  ta.AddRange(t.Ints(c.three_a), b, e);
  tm.AddRange(t.Ints(c.three_m), b, e);
  fgm.AddRange(t.Ints(c.fg_makes), b, e);
  ast.AddRange(t.Ints(c.assisted), b, e);
  unast.AddRange(t.Ints(c.unassisted), b, e);
  ShotZoneSample s;
  s.games = static_cast<int>(games.size());
  if (s.games == 0) return s;
  s.paint_pct = Pct(pm, pa);
  s.mid_range_pct = Pct(mm, ma);
  s.three_pt_pct = Pct(tm, ta);
  auto per_game = [&](const IntSum& a) -> std::optional<double> {
    if (a.all_null()) return std::nullopt;
    return Exact::Fraction(a.sum, s.games).Round(1);
  };
  s.paint_pg = per_game(pa);
  s.mid_range_pg = per_game(ma);
  s.three_pt_pg = per_game(ta);
  // Decision 29: a zone whose attempts are NULL in every game leaves the
  // shares unknown (never treat a missing zone as 0 attempts).
  const bool zones_known = !pa.all_null() && !ma.all_null() && !ta.all_null();
  const int64_t total = pa.sum + ma.sum + ta.sum;
  if (zones_known && total > 0) {
    // Shares in percent, exact before the one rounding (decision 35:
    // 49 of 160 is 30.625, stored 30.62).
    auto percent = [&](const IntSum& part, int64_t whole) {
      return RoundedPercent(part.sum, whole, 2);
    };
    s.paint_rate = percent(pa, total);
    s.mid_range_rate = percent(ma, total);
    s.three_pt_rate = percent(ta, total);
    s.total_shots = total;
    if (!fgm.all_null() && fgm.sum > 0) {
      if (!ast.all_null()) s.assisted_rate = percent(ast, fgm.sum);
      if (!unast.all_null()) s.unassisted_rate = percent(unast, fgm.sum);
    }
  }
  return s;
}

std::optional<std::string> PrimaryScoringZone(std::optional<double> paint,
                                              std::optional<double> mid_range,
                                              std::optional<double> three_pt) {
  if (!paint && !mid_range && !three_pt) return std::nullopt;
  double p = paint.value_or(0), m = mid_range.value_or(0), t = three_pt.value_or(0);
  if (p == 0 && m == 0 && t == 0) return std::nullopt;
  if (p >= 40) return "paint";
  if (t >= 40) return "perimeter";
  if (m >= 35) return "mid_range";
  return "balanced";
}

std::string SampleQuality(int games, int window) {
  if (games >= window) return "excellent";
  if (games >= window * 7 / 10) return "good";
  if (games >= window / 2) return "limited";
  return "insufficient";
}

std::string ShotZoneQualityTier(int games) {
  if (games >= 10) return "high";
  if (games >= 7) return "medium";
  return "low";
}

Result<std::vector<Row>> ComputePlayerShotZoneAnalysis(Date d, const ProcessorInputs& in) {
  const SeasonTable* t = in.season ? in.season->Table(kPlayerGameSummary) : nullptr;
  if (!t)
    return Status::FailedPrecondition(
        "player_shot_zone_analysis: the season inputs lack nba_analytics.player_game_summary");
  const SeasonInputs& season = *in.season;
  const Date opening = season.calendar().OpeningNight(season.season_year());
  const std::string date_text = FormatDate(d);
  const InputCols& c = In();

  const OutCols& o = Out();
  const TableSchema& schema = PlayerShotZoneAnalysisSchema();
  const auto& upids = t->Texts(c.upid);
  const auto& teams = t->Texts(c.team);
  auto text_value = [](std::string_view v) { return v.data() ? Value(std::string(v)) : Value(); };

  std::vector<Row> rows;
  rows.reserve(t->entities().size());
  for (const std::string& player : t->entities()) {
    // Played games of this season before D (filtered at load), oldest first.
    auto played = t->Before(player, d);
    if (played.empty()) continue;
    auto games20 = played.size() > kShotZoneTrendWindow
                       ? played.subspan(played.size() - kShotZoneTrendWindow)
                       : played;
    auto games10 = games20.size() > kShotZoneWindow
                       ? games20.subspan(games20.size() - kShotZoneWindow)
                       : games20;
    const ShotZoneSample s10 = ComputeShotZoneSample(*t, games10);
    const int g10 = s10.games, g20 = static_cast<int>(games20.size());
    const size_t latest = t->IndexOf(played.back());

    OutputRow row(schema);
    row.Set(o.player_lookup, player)
        .Set(o.upid, text_value(upids[latest]))
        .Set(o.analysis_date, date_text)
        .SetOpt(o.paint_rate, s10.paint_rate)
        .SetOpt(o.mid_rate, s10.mid_range_rate)
        .SetOpt(o.three_rate, s10.three_pt_rate)
        .SetOpt(o.total_shots, s10.total_shots)
        .Set(o.games10, int64_t{g10})
        .Set(o.quality10, SampleQuality(g10, kShotZoneWindow))
        .SetOpt(o.paint_pct, s10.paint_pct)
        .SetOpt(o.mid_pct, s10.mid_range_pct)
        .SetOpt(o.three_pct, s10.three_pt_pct)
        .SetOpt(o.paint_pg, s10.paint_pg)
        .SetOpt(o.mid_pg, s10.mid_range_pg)
        .SetOpt(o.three_pg, s10.three_pt_pg)
        .Set(o.games20, int64_t{g20})
        .Set(o.quality20, SampleQuality(g20, kShotZoneTrendWindow))
        .SetOpt(o.assisted, s10.assisted_rate)
        .SetOpt(o.unassisted, s10.unassisted_rate)
        .Set(o.position, Value())
        .SetOpt(o.primary_zone,
                PrimaryScoringZone(s10.paint_rate, s10.mid_range_rate, s10.three_pt_rate))
        .Set(o.tier, ShotZoneQualityTier(g10))
        .Set(o.notes, Value());
    if (g20 >= kShotZoneTrendMinGames) {
      const ShotZoneSample s20 = ComputeShotZoneSample(*t, games20);
      row.SetOpt(o.paint_rate20, s20.paint_rate).SetOpt(o.paint_pct20, s20.paint_pct);
    }
    SetEarlySeason(row, o.tracking, g10, kShotZoneWindow);
    // Completeness against the player's current team (latest played row).
    const GameCounts counts = CountGames(season, *t, player, teams[latest], d, kShotZoneWindow);
    SetSourceTracking(row, o.tracking, *t, games20, counts);
    SetCompletenessBlock(row, o.tracking, d, opening, counts);
    rows.push_back(row.Build());
  }
  return rows;
}

const ProcessorInfo& PlayerShotZoneAnalysisInfo() {
  static const ProcessorInfo info{
      .name = "player_shot_zone_analysis",
      .order = 2,
      .output = &PlayerShotZoneAnalysisSchema(),
      .date_column = "analysis_date",
      .entity_column = "player_lookup",
      .phase3_inputs = {std::string(kPlayerGameSummary)},
      .phase3_columns = {{std::string(kPlayerGameSummary),
                          {"paint_attempts", "paint_makes", "mid_range_attempts", "mid_range_makes",
                           "three_pt_attempts", "three_pt_makes", "fg_makes", "assisted_fg_makes",
                           "unassisted_fg_makes", "universal_player_id", "team_abbr",
                           "processed_at"}}},
      .phase4_upstreams = {},
      .required_previous_game_date = {std::string(kPlayerGameSummary)},
      .required_same_date = {},
      .upstream_processor = "PlayerGameSummaryProcessor",
      .upstream_table = std::string(kPlayerGameSummary),
      .lookback_game_dates = 10,
      .hash_fields =
          {"player_lookup",           "universal_player_id",         "analysis_date",
           "paint_rate_last_10",      "mid_range_rate_last_10",      "three_pt_rate_last_10",
           "total_shots_last_10",     "games_in_sample_10",          "sample_quality_10",
           "paint_pct_last_10",       "mid_range_pct_last_10",       "three_pt_pct_last_10",
           "paint_attempts_per_game", "mid_range_attempts_per_game", "three_pt_attempts_per_game",
           "paint_rate_last_20",      "paint_pct_last_20",           "games_in_sample_20",
           "sample_quality_20",       "assisted_rate_last_10",       "unassisted_rate_last_10",
           "player_position",         "primary_scoring_zone",        "data_quality_tier",
           "calculation_notes"},
      .compute = &ComputePlayerShotZoneAnalysis,
  };
  return info;
}

}  // namespace phase4::processors
