#include "processors/player_composite_factors/player_composite_factors.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <unordered_map>

#include "processors/common/hashing.h"
#include "processors/common/numeric.h"
#include "processors/common/output_row.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

namespace phase4::processors {

namespace {

// ---------------------------------------------------------------- JSON text
// A tiny writer for the context JSON objects (keys in insertion order).
// Everything is appended in place: four objects per player and date.
class JsonObject {
 public:
  JsonObject() { body_.reserve(256); }  // the largest object fits: one allocation
  JsonObject& Null(std::string_view k) { return Raw(k, "null"); }
  JsonObject& Bool(std::string_view k, bool v) { return Raw(k, v ? "true" : "false"); }
  JsonObject& Int(std::string_view k, int64_t v) {
    Key(k);
    fmt::format_to(std::back_inserter(body_), "{}", v);
    return *this;
  }
  JsonObject& Real(std::string_view k, double v) {
    Key(k);
    AppendPythonFloatRepr(body_, v);
    return *this;
  }
  JsonObject& OptReal(std::string_view k, std::optional<double> v) {
    return v ? Real(k, *v) : Null(k);
  }
  JsonObject& Str(std::string_view k, std::string_view v) {
    Key(k);
    Quote(v);
    return *this;
  }
  JsonObject& List(std::string_view k, const std::vector<std::string>& v) {
    Key(k);
    body_ += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) body_ += ", ";
      Quote(v[i]);
    }
    body_ += ']';
    return *this;
  }
  // The object's text; call once, last.
  std::string Build() {
    body_ += '}';
    return std::move(body_);
  }

 private:
  // Appends `v` as a JSON string; text needing no escape is copied whole.
  void Quote(std::string_view v) {
    body_ += '"';
    auto plain = [](char c) {
      return c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
    };
    if (std::all_of(v.begin(), v.end(), plain)) {
      body_ += v;
    } else {
      for (char c : v) {
        if (c == '"' || c == '\\') body_ += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(body_), "\\u{:04x}", static_cast<int>(c));
          continue;
        }
        body_ += c;
      }
    }
    body_ += '"';
  }
  void Key(std::string_view k) {
    if (body_.size() > 1) body_ += ", ";
    Quote(k);
    body_ += ": ";
  }
  JsonObject& Raw(std::string_view k, std::string_view v) {
    Key(k);
    body_ += v;
    return *this;
  }
  std::string body_ = "{";
};

std::string JsonArray(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
  return s + "]";
}

// ---------------------------------------------------------------- columns
struct ContextCols {
  int upid, game_id, team, opponent, pace_diff, opp_pace, projected_usage, b2b, days_rest, games7,
      minutes7, avg_minutes7, b2b14, usage7, age, stars, ready, processed_at;
  explicit ContextCols(const TableSchema& s)
      : upid(ColumnOf(s, "universal_player_id")),
        game_id(ColumnOf(s, "game_id")),
        team(ColumnOf(s, "team_abbr")),
        opponent(ColumnOf(s, "opponent_team_abbr")),
        pace_diff(ColumnOf(s, "pace_differential")),
        opp_pace(ColumnOf(s, "opponent_pace_last_10")),
        projected_usage(ColumnOf(s, "projected_usage_rate")),
        b2b(ColumnOf(s, "back_to_back")),
        days_rest(ColumnOf(s, "days_rest")),
        games7(ColumnOf(s, "games_in_last_7_days")),
        minutes7(ColumnOf(s, "minutes_in_last_7_days")),
        avg_minutes7(ColumnOf(s, "avg_minutes_per_game_last_7")),
        b2b14(ColumnOf(s, "back_to_backs_last_14_days")),
        usage7(ColumnOf(s, "avg_usage_rate_last_7_games")),
        age(ColumnOf(s, "player_age")),
        stars(ColumnOf(s, "star_teammates_out")),
        ready(ColumnOf(s, "is_production_ready")),
        processed_at(ColumnOf(s, "processed_at")) {}
};
const ContextCols& Ctx() {
  static const ContextCols c(UpcomingPlayerGameContextSchema());
  return c;
}

struct ShotCols {
  int player, zone, paint, mid, three, ready, hash, processed_at;
  explicit ShotCols(const TableSchema& s)
      : player(ColumnOf(s, "player_lookup")),
        zone(ColumnOf(s, "primary_scoring_zone")),
        paint(ColumnOf(s, "paint_rate_last_10")),
        mid(ColumnOf(s, "mid_range_rate_last_10")),
        three(ColumnOf(s, "three_pt_rate_last_10")),
        ready(ColumnOf(s, "is_production_ready")),
        hash(ColumnOf(s, "data_hash")),
        processed_at(ColumnOf(s, "processed_at")) {}
};
const ShotCols& Shot() {
  static const ShotCols c(PlayerShotZoneAnalysisSchema());
  return c;
}

struct DefenseCols {
  int team, paint, mid, three, weakest, ready, hash, processed_at;
  explicit DefenseCols(const TableSchema& s)
      : team(ColumnOf(s, "team_abbr")),
        paint(ColumnOf(s, "paint_defense_vs_league_avg")),
        mid(ColumnOf(s, "mid_range_defense_vs_league_avg")),
        three(ColumnOf(s, "three_pt_defense_vs_league_avg")),
        weakest(ColumnOf(s, "weakest_zone")),
        ready(ColumnOf(s, "is_production_ready")),
        hash(ColumnOf(s, "data_hash")),
        processed_at(ColumnOf(s, "processed_at")) {}
};
const DefenseCols& Def() {
  static const DefenseCols c(TeamDefenseZoneAnalysisSchema());
  return c;
}

struct OutCols {
  int player_lookup, upid, game_date, game_id, analysis_date, fatigue, zone, pace, usage, referee,
      look_ahead, travel, opponent_strength, total, fatigue_json, zone_json, pace_json, usage_json,
      version, data_completeness, missing_fields, has_warnings, warnings;
  int up_shot, up_defense, up_player_context, up_team_context, all_up;
  TrackingColumns player_context, team_context, player_shot, team_defense;
  explicit OutCols(const TableSchema& s)
      : player_lookup(ColumnOf(s, "player_lookup")),
        upid(ColumnOf(s, "universal_player_id")),
        game_date(ColumnOf(s, "game_date")),
        game_id(ColumnOf(s, "game_id")),
        analysis_date(ColumnOf(s, "analysis_date")),
        fatigue(ColumnOf(s, "fatigue_score")),
        zone(ColumnOf(s, "shot_zone_mismatch_score")),
        pace(ColumnOf(s, "pace_score")),
        usage(ColumnOf(s, "usage_spike_score")),
        referee(ColumnOf(s, "referee_favorability_score")),
        look_ahead(ColumnOf(s, "look_ahead_pressure_score")),
        travel(ColumnOf(s, "travel_impact_score")),
        opponent_strength(ColumnOf(s, "opponent_strength_score")),
        total(ColumnOf(s, "total_composite_adjustment")),
        fatigue_json(ColumnOf(s, "fatigue_context_json")),
        zone_json(ColumnOf(s, "shot_zone_context_json")),
        pace_json(ColumnOf(s, "pace_context_json")),
        usage_json(ColumnOf(s, "usage_context_json")),
        version(ColumnOf(s, "calculation_version")),
        data_completeness(ColumnOf(s, "data_completeness_pct")),
        missing_fields(ColumnOf(s, "missing_data_fields")),
        has_warnings(ColumnOf(s, "has_warnings")),
        warnings(ColumnOf(s, "warning_details")),
        up_shot(ColumnOf(s, "upstream_player_shot_ready")),
        up_defense(ColumnOf(s, "upstream_team_defense_ready")),
        up_player_context(ColumnOf(s, "upstream_player_context_ready")),
        up_team_context(ColumnOf(s, "upstream_team_context_ready")),
        all_up(ColumnOf(s, "all_upstreams_ready")),
        player_context(s, "source_player_context"),
        team_context(s, "source_team_context"),
        player_shot(s, "source_player_shot"),
        team_defense(s, "source_team_defense") {}
};
const OutCols& Out() {
  static const OutCols c(PlayerCompositeFactorsSchema());
  return c;
}

std::optional<double> RealAt(const Row& r, int c) { return AsReal(r[static_cast<size_t>(c)]); }
// The stored decimal of a cell (decision 35).
std::optional<Exact> ExactAt(const Row& r, int c, const char* what) {
  return ExactCell(r[static_cast<size_t>(c)], what);
}
std::optional<int64_t> IntAt(const Row& r, int c) { return AsInt(r[static_cast<size_t>(c)]); }
std::optional<std::string> TextAt(const Row& r, int c) { return AsText(r[static_cast<size_t>(c)]); }
bool TrueAt(const Row& r, int c) { return IntAt(r, c).value_or(0) != 0; }

// Source tracking from one upstream Phase 4 row (the player's #2 row, the
// opponent's #1 row): its processed_at, 1 row, 100 %, its data_hash; or
// NULL / 0 / 0 % / NULL when the row is missing.
void SetUpstreamRowTracking(OutputRow& row, const TrackingColumns& t, const Row* up,
                            int processed_at_col, int hash_col) {
  if (!up) {
    row.Set(t.source_last_updated, Value())
        .Set(t.source_rows_found, int64_t{0})
        .Set(t.source_completeness, 0.0)
        .Set(t.source_hash, Value());
    return;
  }
  row.Set(t.source_last_updated, (*up)[static_cast<size_t>(processed_at_col)])
      .Set(t.source_rows_found, int64_t{1})
      .Set(t.source_completeness, 100.0)
      .Set(t.source_hash, (*up)[static_cast<size_t>(hash_col)]);
}

}  // namespace

// ---------------------------------------------------------------- factors
FatigueResult FatigueScore(const FatigueInputs& in) {
  const int64_t r = in.days_rest.value_or(1);
  const bool b = in.back_to_back.value_or(false);
  const int64_t g7 = in.games_last_7.value_or(3);
  const double m7 = in.minutes_last_7.value_or(200.0);
  const double a7 = in.avg_minutes_last_7.value_or(30.0);
  const int64_t k = in.back_to_backs_last_14.value_or(0);
  const int64_t age = in.player_age.value_or(25);
  FatigueResult f;
  int sum = 0;
  auto penalty = [&](int points, const char* name) {
    sum -= points;
    f.penalties.push_back(fmt::format("{}: -{}", name, points));
  };
  if (b) {
    penalty(15, "back_to_back");  // takes precedence over the rest bonus
  } else if (r >= 3) {
    sum += 5;
    f.bonuses.push_back("extra_rest: +5");
  }
  if (g7 >= 4) penalty(10, "frequent_games");
  if (m7 > 240.0) penalty(10, "heavy_minutes");
  if (a7 > 35.0) penalty(8, "high_avg_minutes");
  if (k >= 2) {
    penalty(12, "multiple_back_to_backs");
  } else if (k == 1) {
    penalty(5, "recent_back_to_back");
  }
  if (age >= 35) {
    penalty(10, "veteran_age");
  } else if (age >= 30) {
    penalty(5, "age_30_plus");
  }
  f.score = std::clamp(100 + sum, 0, 100);
  return f;
}

Exact FatigueAdjustment(int fatigue_score) { return Exact::Fraction(fatigue_score - 100, 20); }

Exact ShotZoneMismatch(std::optional<Exact> zone_rate, std::optional<Exact> defense_vs_league) {
  const Exact u = zone_rate.value_or(Exact(50));
  const Exact d = defense_vs_league.value_or(Exact(0));
  Exact w = d * Min(u / Exact(50), Exact(1));
  if (w.Abs() > Exact(5)) w = w * Exact::Decimal(12, 1);
  return Clamp(w, -10, 10);
}

Exact PaceScore(std::optional<Exact> pace_differential) {
  if (!pace_differential) return Exact(0);
  return Clamp(*pace_differential / Exact(2), -3, 3);
}

Exact UsageSpike(std::optional<Exact> projected, std::optional<Exact> baseline,
                 std::optional<int64_t> star_teammates_out) {
  const Exact q = baseline.value_or(Exact(25));
  const Exact p = projected.value_or(q);  // decision 31: no spike from a missing projection
  const int64_t s = star_teammates_out.value_or(0);
  if (q.sign() == 0) return Exact(0);
  Exact x = Exact::Decimal(3, 1) * (p - q);
  if (x.sign() > 0 && s == 1) x = x * Exact::Decimal(115, 2);
  if (x.sign() > 0 && s >= 2) x = x * Exact::Decimal(130, 2);
  return Clamp(x, -3, 3);
}

// ---------------------------------------------------------------- compute
Result<std::vector<Row>> ComputePlayerCompositeFactors(Date d, const ProcessorInputs& in) {
  const SeasonTable* ctx = in.season ? in.season->Table(kUpcomingPlayerGameContext) : nullptr;
  const SeasonTable* tctx = in.season ? in.season->Table(kUpcomingTeamGameContext) : nullptr;
  const SeasonTable* pgs = in.season ? in.season->Table(kPlayerGameSummary) : nullptr;
  if (!ctx || !tctx || !pgs)
    return Status::FailedPrecondition(
        "player_composite_factors: the season inputs lack the player context, the team context or "
        "player_game_summary");
  const SeasonInputs& season = *in.season;
  const Date opening = season.calendar().OpeningNight(season.season_year());
  const std::string date_text = FormatDate(d);
  const ContextCols& c = Ctx();
  const ShotCols& sc = Shot();
  const DefenseCols& dc = Def();
  const OutCols& o = Out();
  const TableSchema& schema = PlayerCompositeFactorsSchema();

  // Upstream rows of D, as stored (decision 31): first row per key.
  std::unordered_map<std::string, const Row*> shot_rows, defense_rows;
  for (const Row& r : in.Upstream("player_shot_zone_analysis"))
    if (auto k = TextAt(r, sc.player)) shot_rows.emplace(*k, &r);
  for (const Row& r : in.Upstream("team_defense_zone_analysis"))
    if (auto k = TextAt(r, dc.team)) defense_rows.emplace(*k, &r);
  // The team context of D by team (the opponent's readiness).
  std::unordered_map<std::string, const Row*> team_rows;
  const int player_col = ctx->Col("player_lookup");
  const int team_col = tctx->Col("team_abbr");
  const int team_ready_col = tctx->Col("is_production_ready");
  for (const Row* r : tctx->RowsOn(d))
    if (auto k = TextAt(*r, team_col)) team_rows.emplace(*k, r);

  std::vector<Row> rows;
  // One context row per player (decisions 9, 36: the season load keeps it).
  for (const Row* cr : ctx->RowsOn(d)) {
    const Row& x = *cr;
    std::optional<std::string> player = TextAt(x, player_col);
    if (!player) continue;
    const std::string team = TextAt(x, c.team).value_or("");
    const std::optional<std::string> opponent = TextAt(x, c.opponent);

    // Factor 1.
    FatigueInputs fi;
    fi.days_rest = IntAt(x, c.days_rest);
    if (auto b = IntAt(x, c.b2b)) fi.back_to_back = *b != 0;
    fi.games_last_7 = IntAt(x, c.games7);
    fi.minutes_last_7 = RealAt(x, c.minutes7);
    fi.avg_minutes_last_7 = RealAt(x, c.avg_minutes7);
    fi.back_to_backs_last_14 = IntAt(x, c.b2b14);
    fi.player_age = IntAt(x, c.age);
    const FatigueResult fatigue = FatigueScore(fi);
    const Exact fatigue_adj = FatigueAdjustment(fatigue.score);

    // Factor 2 (from #1 and #2 as stored).
    auto shot_it = shot_rows.find(*player);
    const Row* shot = shot_it == shot_rows.end() ? nullptr : shot_it->second;
    const Row* defense = nullptr;
    if (opponent) {
      auto it = defense_rows.find(*opponent);
      if (it != defense_rows.end()) defense = it->second;
    }
    Exact zone_raw;
    std::string zone_json = JsonObject().Bool("missing_data", true).Build();
    if (shot && defense) {
      const std::optional<std::string> zone = TextAt(*shot, sc.zone);
      int rate_col = sc.paint, def_col = dc.paint;  // paint, balanced, NULL: the paint columns
      if (zone == "mid_range") {
        rate_col = sc.mid;
        def_col = dc.mid;
      } else if (zone == "perimeter") {
        rate_col = sc.three;
        def_col = dc.three;
      }
      const std::optional<double> rate = RealAt(*shot, rate_col), def = RealAt(*defense, def_col);
      zone_raw =
          ShotZoneMismatch(ExactAt(*shot, rate_col, "player_shot_zone_analysis rate"),
                           ExactAt(*defense, def_col, "team_defense_zone_analysis vs_league"));
      zone_json = JsonObject()
                      .Str("player_primary_zone", zone.value_or("unknown"))
                      .Real("primary_zone_frequency", rate.value_or(0.0))
                      .Str("opponent_weak_zone", TextAt(*defense, dc.weakest).value_or("unknown"))
                      .Real("opponent_defense_vs_league", def.value_or(0.0))
                      .Str("mismatch_type", zone_raw > Exact(2)    ? "favorable"
                                            : zone_raw < Exact(-2) ? "unfavorable"
                                                                   : "neutral")
                      .Real("final_score", zone_raw.Round(1))
                      .Build();
    }

    // Factor 3.
    const std::optional<double> pace_diff = RealAt(x, c.pace_diff);
    const Exact pace_raw = PaceScore(ExactAt(x, c.pace_diff, "pace_differential"));
    const double pd = pace_diff.value_or(0.0);
    const std::string pace_json =
        JsonObject()
            .OptReal("pace_differential", pace_diff)
            .Real("opponent_pace_last_10", RealAt(x, c.opp_pace).value_or(100.0))
            .Real("league_avg_pace", 100.0)
            .Str("pace_environment", pd > 2    ? "fast"
                                     : pd < -2 ? "slow"
                                               : "normal")
            .Real("final_score", pace_raw.Round(1))
            .Build();

    // Factor 4 (decision 31).
    const std::optional<Exact> projected = ExactAt(x, c.projected_usage, "projected_usage_rate");
    const std::optional<Exact> baseline = ExactAt(x, c.usage7, "avg_usage_rate_last_7_games");
    const std::optional<int64_t> stars = IntAt(x, c.stars);
    const Exact usage_raw = UsageSpike(projected, baseline, stars);
    const Exact q = baseline.value_or(Exact(25));
    const Exact p = projected.value_or(q);
    const Exact diff = p - q;
    const std::string usage_json = JsonObject()
                                       .Real("projected_usage_rate", p.ToDouble())
                                       .Real("avg_usage_last_7", q.ToDouble())
                                       .Bool("projected_usage_defaulted", !projected)
                                       .Real("usage_differential", diff.ToDouble())
                                       .Int("star_teammates_out", stars.value_or(0))
                                       .Str("usage_trend", diff > Exact(2)    ? "spike"
                                                           : diff < Exact(-2) ? "drop"
                                                                              : "stable")
                                       .Real("final_score", usage_raw.Round(1))
                                       .Build();

    const std::string fatigue_json =
        JsonObject()
            .Int("days_rest", fi.days_rest.value_or(0))
            .Bool("back_to_back", fi.back_to_back.value_or(false))
            .Int("games_last_7", fi.games_last_7.value_or(0))
            .Real("minutes_last_7", fi.minutes_last_7.value_or(0.0))
            .Real("avg_minutes_pg_last_7", fi.avg_minutes_last_7.value_or(0.0))
            .Int("back_to_backs_last_14", fi.back_to_backs_last_14.value_or(0))
            .Int("player_age", fi.player_age.value_or(25))
            .List("penalties_applied", fatigue.penalties)
            .List("bonuses_applied", fatigue.bonuses)
            .Int("final_score", fatigue.score)
            .Build();

    // Total from the unrounded parts (deferred factors are 0).
    const double total = (fatigue_adj + zone_raw + pace_raw + usage_raw).Round(2);

    // Quality: the five input checks (§A6).
    std::vector<std::string> missing;
    if (!fi.days_rest) missing.push_back("days_rest");
    if (!projected) missing.push_back("projected_usage_rate");
    if (!pace_diff) missing.push_back("pace_differential");
    if (!shot) missing.push_back("player_shot_zone");
    if (!defense) missing.push_back("team_defense_zone");
    const double data_completeness = RoundedPercent(5 - static_cast<int64_t>(missing.size()), 5, 2);
    std::string missing_text;
    for (size_t i = 0; i < missing.size(); ++i) missing_text += (i ? ", " : "") + missing[i];

    std::vector<std::string> warnings;
    if (fatigue.score < 50) warnings.push_back("EXTREME_FATIGUE: Player showing severe fatigue");
    if (zone_raw.Abs() > Exact(8)) warnings.push_back("EXTREME_MATCHUP: Unusual zone mismatch");
    if (std::fabs(total) > 12.0)
      warnings.push_back("EXTREME_ADJUSTMENT: Very large composite adjustment");
    if (!projected)
      warnings.push_back(
          "DEFAULT_USAGE_PROJECTION: projected_usage_rate missing, baseline used (no spike)");
    std::string warning_text;
    for (size_t i = 0; i < warnings.size(); ++i) warning_text += (i ? "; " : "") + warnings[i];

    // Upstream readiness (§A7): missing row or NULL -> false.
    const bool shot_ready = shot && TrueAt(*shot, sc.ready);
    const bool defense_ready = defense && TrueAt(*defense, dc.ready);
    const bool context_ready = TrueAt(x, c.ready);
    const Row* opp_team = nullptr;
    if (opponent) {
      auto it = team_rows.find(*opponent);
      if (it != team_rows.end()) opp_team = it->second;
    }
    const bool team_context_ready = opp_team && TrueAt(*opp_team, team_ready_col);
    const bool all_ready = shot_ready && defense_ready && context_ready && team_context_ready;

    OutputRow row(schema);
    row.Set(o.player_lookup, *player)
        .Set(o.upid, x[static_cast<size_t>(c.upid)])
        .Set(o.game_date, date_text)
        .Set(o.game_id, x[static_cast<size_t>(c.game_id)])
        .Set(o.analysis_date, date_text)
        .Set(o.fatigue, int64_t{fatigue.score})
        .SetExact(o.zone, zone_raw)
        .SetExact(o.pace, pace_raw)
        .SetExact(o.usage, usage_raw)
        .Set(o.referee, 0.0)
        .Set(o.look_ahead, 0.0)
        .Set(o.travel, 0.0)
        .Set(o.opponent_strength, 0.0)
        .Set(o.total, total)
        .Set(o.fatigue_json, fatigue_json)
        .Set(o.zone_json, zone_json)
        .Set(o.pace_json, pace_json)
        .Set(o.usage_json, usage_json)
        .Set(o.version, std::string(kCompositeCalculationVersion))
        .Set(o.data_completeness, data_completeness)
        .Set(o.missing_fields, missing.empty() ? Value() : Value(missing_text))
        .SetBool(o.has_warnings, !warnings.empty())
        .Set(o.warnings, warnings.empty() ? Value() : Value(warning_text))
        .SetBool(o.up_shot, shot_ready)
        .SetBool(o.up_defense, defense_ready)
        .SetBool(o.up_player_context, context_ready)
        .SetBool(o.up_team_context, team_context_ready)
        .SetBool(o.all_up, all_ready);

    // Source tracking: the rows this player's values came from.
    auto one = [](std::span<const Row> w) {
      return GameCounts{static_cast<int64_t>(w.size()), static_cast<int64_t>(w.size())};
    };
    const auto own_context = ctx->Between(*player, d, AddDays(d, 1));
    SetSourceTracking(row, o.player_context, *ctx, own_context, one(own_context));
    const auto opp_context =
        opponent ? tctx->Between(*opponent, d, AddDays(d, 1)) : std::span<const Row>();
    SetSourceTracking(row, o.team_context, *tctx, opp_context, one(opp_context));
    if (opp_context.empty()) row.Set(o.team_context.source_completeness, 0.0);
    SetUpstreamRowTracking(row, o.player_shot, shot, sc.processed_at, sc.hash);
    SetUpstreamRowTracking(row, o.team_defense, defense, dc.processed_at, dc.hash);

    // Early season (decision 30) and own completeness over the last 10 of
    // the context team's games.
    const int64_t games = static_cast<int64_t>(pgs->Before(*player, d).size());
    const bool early = games < kCompositeMinGames;
    row.SetBool(o.player_context.early_season_flag, early)
        .Set(o.player_context.insufficient_data_reason,
             early ? Value(fmt::format("Only {} games played, need {} minimum", games,
                                       kCompositeMinGames))
                   : Value());
    const GameCounts counts = CountGames(season, *pgs, *player, team, d, kCompositeMinGames);
    SetCompletenessBlock(row, o.player_context, d, opening, counts);
    const double own_pct =
        counts.expected > 0 ? RoundedPercent(counts.actual, counts.expected, 1) : 0.0;
    const bool own_ready = own_pct >= kProductionReadyPct;
    std::vector<std::string> issues;
    if (!own_ready) issues.push_back("own_data_incomplete");
    if (!shot_ready) issues.push_back("upstream_player_shot_zone_incomplete");
    if (!defense_ready) issues.push_back("upstream_team_defense_zone_incomplete");
    if (!context_ready) issues.push_back("upstream_player_context_incomplete");
    if (!team_context_ready) issues.push_back("upstream_team_context_incomplete");
    row.SetBool(o.player_context.ready, own_ready && all_ready)
        .Set(o.player_context.issues, JsonArray(issues));
    rows.push_back(row.Build());
  }
  return rows;
}

const ProcessorInfo& PlayerCompositeFactorsInfo() {
  static const ProcessorInfo info{
      .name = "player_composite_factors",
      .order = 3,
      .output = &PlayerCompositeFactorsSchema(),
      .date_column = "game_date",
      .entity_column = "player_lookup",
      .phase3_inputs = {std::string(kUpcomingPlayerGameContext),
                        std::string(kUpcomingTeamGameContext), std::string(kPlayerGameSummary)},
      .phase3_columns = {{std::string(kUpcomingPlayerGameContext),
                          {"player_lookup", "universal_player_id", "game_id", "team_abbr",
                           "opponent_team_abbr", "pace_differential", "opponent_pace_last_10",
                           "projected_usage_rate", "back_to_back", "days_rest",
                           "games_in_last_7_days", "minutes_in_last_7_days",
                           "avg_minutes_per_game_last_7", "back_to_backs_last_14_days",
                           "avg_usage_rate_last_7_games", "player_age", "star_teammates_out",
                           "is_production_ready", "processed_at"}},
                         {std::string(kUpcomingTeamGameContext),
                          {"team_abbr", "is_production_ready", "processed_at"}},
                         // Windows only: counted by date, no cell read.
                         {std::string(kPlayerGameSummary), {}}},
      .phase4_upstreams = {"team_defense_zone_analysis", "player_shot_zone_analysis"},
      .upstream_columns = {{"team_defense_zone_analysis",
                            {"team_abbr", "paint_defense_vs_league_avg",
                             "mid_range_defense_vs_league_avg", "three_pt_defense_vs_league_avg",
                             "weakest_zone", "is_production_ready", "data_hash", "processed_at"}},
                           {"player_shot_zone_analysis",
                            {"player_lookup", "primary_scoring_zone", "paint_rate_last_10",
                             "mid_range_rate_last_10", "three_pt_rate_last_10",
                             "is_production_ready", "data_hash", "processed_at"}}},
      .required_previous_game_date = {},
      .required_same_date = {std::string(kUpcomingPlayerGameContext),
                             std::string(kUpcomingTeamGameContext)},
      .upstream_processor = "UpcomingPlayerGameContextProcessor",
      .upstream_table = std::string(kUpcomingPlayerGameContext),
      .lookback_game_dates = 14,
      .hash_fields = {"player_lookup",
                      "universal_player_id",
                      "game_date",
                      "game_id",
                      "analysis_date",
                      "fatigue_score",
                      "shot_zone_mismatch_score",
                      "pace_score",
                      "usage_spike_score",
                      "referee_favorability_score",
                      "look_ahead_pressure_score",
                      "travel_impact_score",
                      "opponent_strength_score",
                      "total_composite_adjustment",
                      "calculation_version",
                      "early_season_flag",
                      "insufficient_data_reason",
                      "data_completeness_pct",
                      "missing_data_fields",
                      "has_warnings",
                      "warning_details"},
      .compute = &ComputePlayerCompositeFactors,
  };
  return info;
}

}  // namespace phase4::processors
