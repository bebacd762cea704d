#include "processors/ml_feature_store/ml_feature_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>

#include "processors/common/hashing.h"
#include "processors/common/numeric.h"
#include "processors/common/output_row.h"
#include "processors/player_composite_factors/player_composite_factors.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

namespace phase4::processors {

const std::array<std::string_view, kFeatureCount>& FeatureNames() {
  static const std::array<std::string_view, kFeatureCount> names{
      "points_avg_last_5",
      "points_avg_last_10",
      "points_avg_season",
      "points_std_last_10",
      "games_in_last_7_days",
      "fatigue_score",
      "shot_zone_mismatch_score",
      "pace_score",
      "usage_spike_score",
      "rest_advantage",
      "injury_risk",
      "recent_trend",
      "minutes_change",
      "opponent_def_rating",
      "opponent_pace",
      "home_away",
      "back_to_back",
      "playoff_game",
      "pct_paint",
      "pct_mid_range",
      "pct_three",
      "pct_free_throw",
      "team_pace",
      "team_off_rating",
      "team_win_pct",
  };
  return names;
}

std::string_view SourceLabel(FeatureSource s) {
  switch (s) {
    case FeatureSource::kPhase4:
      return "phase4";
    case FeatureSource::kPhase3:
      return "phase3";
    case FeatureSource::kCalculated:
      return "calculated";
    case FeatureSource::kDefault:
      return "default";
  }
  return "default";
}

int SourceWeight(std::string_view label) {
  if (label == "phase4" || label == "calculated") return 100;
  if (label == "phase3") return 75;
  return 40;  // default, and any unknown label
}

double FeatureQualityScore(std::span<const std::string_view> labels) {
  if (labels.empty()) return 0.0;
  int64_t sum = 0;  // integer weights: the mean is one correctly rounded division
  for (std::string_view l : labels) sum += SourceWeight(l);
  return Exact::Fraction(sum, static_cast<int64_t>(labels.size())).Round(2);
}

std::string DataSourceLabel(std::span<const std::string_view> labels) {
  if (labels.empty()) return "unknown";
  int64_t n4 = 0, n3 = 0;
  for (std::string_view l : labels) {
    if (l == "phase4") ++n4;
    if (l == "phase3") ++n3;
  }
  // Integer comparisons of n/N >= 0.9 and >= 0.5 (no rounding at the edges).
  const int64_t n = static_cast<int64_t>(labels.size());
  if (n4 * 10 >= n * 9) return "phase4";
  if (n4 * 2 >= n) return "phase4_partial";
  if (n3 * 2 >= n) return "phase3";
  return "mixed";
}

double RestAdvantage(std::optional<int64_t> days_rest, std::optional<int64_t> opponent_days_rest) {
  if (!days_rest || !opponent_days_rest) return 0.0;
  return static_cast<double>(std::clamp<int64_t>(*days_rest - *opponent_days_rest, -2, 2));
}

double InjuryRisk(std::optional<std::string_view> player_status) {
  if (!player_status) return 0.0;
  std::string s(*player_status);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "probable") return 1.0;
  if (s == "questionable") return 2.0;
  if (s == "doubtful" || s == "out") return 3.0;
  return 0.0;  // available, "", anything else
}

namespace {

// The -2..2 step of f11 and f12, on exact values (decision 35).
double Step(const Exact& x, const Exact& big, const Exact& small) {
  if (x >= big) return 2.0;
  if (x >= small) return 1.0;
  if (x <= -big) return -2.0;
  if (x <= -small) return -1.0;
  return 0.0;
}

constexpr const char* kPoints = "nba_analytics.player_game_summary.points";

// The exact sum of stored values (points, minutes). Integral values, the
// points, are summed as integers.
Exact SumOf(std::span<const double> values, const char* what) {
  Exact sum;
  int64_t integral = 0;
  for (double v : values) {
    if (v == std::trunc(v) && std::fabs(v) < 0x1p52)
      integral += static_cast<int64_t>(v);
    else
      sum += StoredExact(v, what);
  }
  return sum + Exact(integral);
}

}  // namespace

double RecentTrend(std::span<const double> p) {
  if (p.size() < 5) return 0.0;
  const Exact recent = SumOf(p.subspan(0, 2), kPoints) / Exact(2);
  const Exact older = SumOf(p.subspan(2, 3), kPoints) / Exact(3);
  return Step(recent - older, 5, 2);
}

double MinutesChange(const Exact& recent_minutes, const Exact& season_minutes) {
  if (season_minutes.sign() == 0 || recent_minutes.sign() == 0) return 0.0;
  return Step((recent_minutes - season_minutes) / season_minutes, Exact::Fraction(1, 5),
              Exact::Fraction(1, 10));
}

double PctFreeThrow(std::span<const double> ft_makes, std::span<const double> points) {
  if (points.size() < 5) return 0.15;
  const Exact pts = SumOf(points, kPoints);
  if (pts.sign() == 0) return 0.15;
  return Clamp(SumOf(ft_makes, "nba_analytics.player_game_summary.ft_makes") / pts, 0,
               Exact::Fraction(1, 2))
      .ToDouble();
}

double TeamWinPct(int64_t wins, int64_t games) {
  if (games < 5) return 0.5;
  return Exact::Fraction(wins, games).ToDouble();
}

FeatureVector BuildFeatures(const Phase4Record& p4, const Phase3Record& p3) {
  FeatureVector f;
  auto present = [](const std::optional<double>& v) { return v && std::isfinite(*v); };
  auto set = [&](int i, double v, FeatureSource s) {
    f.values[static_cast<size_t>(i)] = v;
    f.sources[static_cast<size_t>(i)] = s;
  };
  // Phase 4, else Phase 3, else the default.
  auto fb = [&](int i, const std::optional<double>& v4, const std::optional<double>& v3,
                double def) {
    if (present(v4))
      set(i, *v4, FeatureSource::kPhase4);
    else if (present(v3))
      set(i, *v3, FeatureSource::kPhase3);
    else
      set(i, def, FeatureSource::kDefault);
  };
  const std::optional<double> none;

  // Phase 3 points windows (played games with points, newest first).
  const size_t n = p3.last_points.size();
  std::optional<double> l5, l10;
  const std::span<const double> points(p3.last_points);
  if (n >= 5) l5 = (SumOf(points.first(5), kPoints) / Exact(5)).ToDouble();
  if (n >= 1) l10 = (SumOf(points, kPoints) / Exact(n)).ToDouble();
  fb(0, p4.points_avg_last_5, l5, 10.0);
  fb(1, p4.points_avg_last_10, l10, 10.0);
  fb(2, p4.points_avg_season, p3.points_avg_season, 10.0);
  fb(3, p4.points_std_last_10, none, 5.0);
  fb(4, p4.games_in_last_7_days, none, 3.0);
  fb(5, p4.fatigue_score, none, 50.0);
  fb(6, p4.shot_zone_mismatch_score, none, 0.0);
  fb(7, p4.pace_score, none, 0.0);
  fb(8, p4.usage_spike_score, none, 0.0);

  set(9, RestAdvantage(p3.days_rest, p3.opponent_days_rest), FeatureSource::kCalculated);
  set(10,
      InjuryRisk(p3.player_status ? std::optional<std::string_view>(*p3.player_status)
                                  : std::nullopt),
      FeatureSource::kCalculated);
  set(11, RecentTrend(p3.last_points), FeatureSource::kCalculated);
  // f12: recent minutes from the daily cache, else the mean of the last
  // games' minutes (0 with none); season minutes 0 when absent.
  Exact recent_minutes;
  if (present(p4.minutes_avg_last_10)) {
    recent_minutes = StoredExact(*p4.minutes_avg_last_10, "minutes_avg_last_10");
  } else if (!p3.last_minutes.empty()) {
    recent_minutes = SumOf(p3.last_minutes, "nba_analytics.player_game_summary.minutes_played") /
                     Exact(p3.last_minutes.size());
  }
  set(12, MinutesChange(recent_minutes, p3.minutes_avg_season.value_or(Exact(0))),
      FeatureSource::kCalculated);

  fb(13, p4.opponent_def_rating, none, 112.0);
  fb(14, p4.opponent_pace, none, 100.0);
  set(15, p3.home_game ? 1.0 : 0.0, FeatureSource::kPhase3);
  set(16, p3.back_to_back ? 1.0 : 0.0, FeatureSource::kPhase3);
  bool playoffs = false;
  if (p3.season_phase) {
    std::string s = *p3.season_phase;
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    playoffs = s == "playoffs";
  }
  set(17, playoffs ? 1.0 : 0.0, FeatureSource::kPhase3);

  // 18-20: shot zones first, else the daily cache (paint, three), as a
  // fraction; the first non-NULL value wins (§9.4 recommended mode).
  auto zone = [&](int i, const std::optional<double>& a, const std::optional<double>& b,
                  double def) {
    // A stored percentage as a fraction: the decimal divided exactly.
    auto fraction = [](double pct) {
      return (StoredExact(pct, "a shot-zone rate") / Exact(100)).ToDouble();
    };
    if (present(a))
      set(i, fraction(*a), FeatureSource::kPhase4);
    else if (present(b))
      set(i, fraction(*b), FeatureSource::kPhase4);
    else
      set(i, def, FeatureSource::kDefault);
  };
  zone(18, p4.paint_rate_last_10, p4.cache_paint_rate_last_10, 0.30);
  zone(19, p4.mid_range_rate_last_10, none, 0.20);
  zone(20, p4.three_pt_rate_last_10, p4.cache_three_pt_rate_last_10, 0.35);
  set(21, PctFreeThrow(p3.last_ft_makes, p3.last_points), FeatureSource::kCalculated);
  fb(22, p4.team_pace_last_10, none, 100.0);
  fb(23, p4.team_off_rating_last_10, none, 112.0);
  set(24, TeamWinPct(p3.team_wins, p3.team_games), FeatureSource::kCalculated);
  return f;
}

namespace {

constexpr std::string_view kDailyCache = "player_daily_cache";
constexpr std::string_view kComposite = "player_composite_factors";
constexpr std::string_view kShotZones = "player_shot_zone_analysis";
constexpr std::string_view kTeamDefense = "team_defense_zone_analysis";

// Minimum rows per upstream table for its source completeness (§5.1 step 3).
constexpr int64_t kMinPlayerRows = 100;
constexpr int64_t kMinTeamRows = 20;

// One upstream Phase 4 table of D: its rows by entity, and its tracking.
struct Upstream {
  const TableSchema* schema = nullptr;
  std::unordered_map<std::string_view, const Row*> by_entity;
  int64_t rows = 0;
  std::optional<std::string> last_updated;  // MAX(processed_at)
  int ready_col = -1, hash_col = -1;

  double completeness = 0;  // of the date: round2(100 * min(rows, minimum) / minimum)

  Upstream(const TableSchema& s, const std::vector<Row>& rows_of_d, std::string_view entity_col,
           int64_t min_rows)
      : schema(&s) {
    const int e = ColumnOf(s, entity_col), p = ColumnOf(s, "processed_at");
    ready_col = ColumnOf(s, "is_production_ready");
    hash_col = ColumnOf(s, "data_hash");
    rows = static_cast<int64_t>(rows_of_d.size());
    completeness = RoundedPercent(std::min(rows, min_rows), min_rows, 2);
    for (const Row& r : rows_of_d) {
      if (auto* k = std::get_if<std::string>(&r[static_cast<size_t>(e)]))
        by_entity.emplace(*k, &r);  // first row of an entity wins (keys are unique)
      if (auto* t = std::get_if<std::string>(&r[static_cast<size_t>(p)]))
        if (!last_updated || *t > *last_updated) last_updated = *t;
    }
  }
  const Row* Find(std::string_view entity) const {
    auto it = by_entity.find(entity);
    return it == by_entity.end() ? nullptr : it->second;
  }
  std::optional<double> Real(const Row* r, int col) const {
    if (!r) return std::nullopt;
    return AsReal((*r)[static_cast<size_t>(col)]);
  }
  bool Ready(const Row* r) const {
    return r && AsInt((*r)[static_cast<size_t>(ready_col)]).value_or(0) != 0;
  }
};

struct UpCols {
  int dc_l5, dc_l10, dc_season, dc_std, dc_g7, dc_paint, dc_three, dc_pace, dc_off, dc_min;
  int cf_fatigue, cf_mismatch, cf_pace, cf_usage;
  int sz_paint, sz_mid, sz_three;
  int td_rating, td_pace;
  UpCols() {
    const TableSchema& dc = PlayerDailyCacheSchema();
    dc_l5 = ColumnOf(dc, "points_avg_last_5");
    dc_l10 = ColumnOf(dc, "points_avg_last_10");
    dc_season = ColumnOf(dc, "points_avg_season");
    dc_std = ColumnOf(dc, "points_std_last_10");
    dc_g7 = ColumnOf(dc, "games_in_last_7_days");
    dc_paint = ColumnOf(dc, "paint_rate_last_10");
    dc_three = ColumnOf(dc, "three_pt_rate_last_10");
    dc_pace = ColumnOf(dc, "team_pace_last_10");
    dc_off = ColumnOf(dc, "team_off_rating_last_10");
    dc_min = ColumnOf(dc, "minutes_avg_last_10");
    const TableSchema& cf = PlayerCompositeFactorsSchema();
    cf_fatigue = ColumnOf(cf, "fatigue_score");
    cf_mismatch = ColumnOf(cf, "shot_zone_mismatch_score");
    cf_pace = ColumnOf(cf, "pace_score");
    cf_usage = ColumnOf(cf, "usage_spike_score");
    const TableSchema& sz = PlayerShotZoneAnalysisSchema();
    sz_paint = ColumnOf(sz, "paint_rate_last_10");
    sz_mid = ColumnOf(sz, "mid_range_rate_last_10");
    sz_three = ColumnOf(sz, "three_pt_rate_last_10");
    const TableSchema& td = TeamDefenseZoneAnalysisSchema();
    td_rating = ColumnOf(td, "defensive_rating_last_15");
    td_pace = ColumnOf(td, "opponent_pace");
  }
};

struct InCols {
  // player_game_summary
  int points, ft_makes, minutes, pgs_upid;
  // team_offense_game_summary
  int win_flag;
  // upcoming_player_game_context
  int player, upid, game_id, team, opponent, home, b2b, phase, days_rest, opp_rest, status;
  InCols() {
    const TableSchema& pgs = PlayerGameSummarySchema();
    points = ColumnOf(pgs, "points");
    ft_makes = ColumnOf(pgs, "ft_makes");
    minutes = ColumnOf(pgs, "minutes_played");
    pgs_upid = ColumnOf(pgs, "universal_player_id");
    win_flag = ColumnOf(TeamOffenseGameSummarySchema(), "win_flag");
    const TableSchema& u = UpcomingPlayerGameContextSchema();
    player = ColumnOf(u, "player_lookup");
    upid = ColumnOf(u, "universal_player_id");
    game_id = ColumnOf(u, "game_id");
    team = ColumnOf(u, "team_abbr");
    opponent = ColumnOf(u, "opponent_team_abbr");
    home = ColumnOf(u, "home_game");
    b2b = ColumnOf(u, "back_to_back");
    phase = ColumnOf(u, "season_phase");
    days_rest = ColumnOf(u, "days_rest");
    opp_rest = ColumnOf(u, "opponent_days_rest");
    status = ColumnOf(u, "player_status");
  }
};

struct OutCols {
  int player_lookup, upid, game_date, game_id, features, names, count, version, sources;
  std::array<int, kFeatureCount> feature{};
  int gen_ms, quality, tier, opponent, is_home, days_rest, data_source, updated_at;
  TrackingColumns daily, composite, shot_zones, team_defense;
  explicit OutCols(const TableSchema& s)
      : player_lookup(ColumnOf(s, "player_lookup")),
        upid(ColumnOf(s, "universal_player_id")),
        game_date(ColumnOf(s, "game_date")),
        game_id(ColumnOf(s, "game_id")),
        features(ColumnOf(s, "features")),
        names(ColumnOf(s, "feature_names")),
        count(ColumnOf(s, "feature_count")),
        version(ColumnOf(s, "feature_version")),
        sources(ColumnOf(s, "feature_sources")),
        gen_ms(ColumnOf(s, "feature_generation_time_ms")),
        quality(ColumnOf(s, "feature_quality_score")),
        tier(ColumnOf(s, "quality_tier")),
        opponent(ColumnOf(s, "opponent_team_abbr")),
        is_home(ColumnOf(s, "is_home")),
        days_rest(ColumnOf(s, "days_rest")),
        data_source(ColumnOf(s, "data_source")),
        updated_at(ColumnOf(s, "updated_at")),
        daily(s, "source_daily_cache"),
        composite(s, "source_composite"),
        shot_zones(s, "source_shot_zones"),
        team_defense(s, "source_team_defense") {
    for (int i = 0; i < kFeatureCount; ++i)
      feature[static_cast<size_t>(i)] = ColumnOf(s, FeatureNames()[static_cast<size_t>(i)]);
  }
};

const UpCols& Up() {
  static const UpCols c;
  return c;
}
const InCols& In() {
  static const InCols c;
  return c;
}
const OutCols& Out() {
  static const OutCols c(MlFeatureStoreSchema());
  return c;
}

std::optional<std::string> TextCell(const Row& r, int col) {
  return AsText(r[static_cast<size_t>(col)]);
}

// The JSON arrays of the row: values as Python repr (shortest round trip,
// `3.0`), which is valid JSON for finite values; names and labels quoted.
std::string JsonNumbers(const std::array<double, kFeatureCount>& v) {
  std::string out = "[";
  out.reserve(12 * v.size());  // one allocation for most rows
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    AppendPythonFloatRepr(out, v[i]);
  }
  out += ']';
  return out;
}
template <typename Strings>
std::string JsonStrings(const Strings& v) {
  size_t size = 2;
  for (std::string_view s : v) size += s.size() + 4;
  std::string out = "[";
  out.reserve(size);
  bool first = true;
  for (std::string_view s : v) {
    if (!first) out += ", ";
    first = false;
    out += '"';
    out += s;
    out += '"';
  }
  out += ']';
  return out;
}

const std::string& FeatureNamesJson() {
  static const std::string s = JsonStrings(FeatureNames());
  return s;
}

// `<source>_*` tracking of one upstream table: NULL when the table has no
// rows for D (the dependency is missing); the hash is the data_hash of the
// upstream row this player's features read (NULL when there is none).
void SetUpstreamTracking(OutputRow& row, const TrackingColumns& c, const Upstream& up,
                         const Row* read) {
  if (up.rows == 0) {
    row.Set(c.source_last_updated, Value())
        .Set(c.source_rows_found, Value())
        .Set(c.source_completeness, Value());
  } else {
    row.SetOpt(c.source_last_updated, up.last_updated)
        .Set(c.source_rows_found, up.rows)
        .Set(c.source_completeness, up.completeness);
  }
  row.Set(c.source_hash, read ? (*read)[static_cast<size_t>(up.hash_col)] : Value());
}

}  // namespace

Result<std::vector<Row>> ComputeMlFeatureStore(Date d, const ProcessorInputs& in) {
  const SeasonTable* pgs = in.season ? in.season->Table(kPlayerGameSummary) : nullptr;
  const SeasonTable* upcg = in.season ? in.season->Table(kUpcomingPlayerGameContext) : nullptr;
  const SeasonTable* offense = in.season ? in.season->Table(kTeamOffenseGameSummary) : nullptr;
  if (!pgs || !upcg || !offense)
    return Status::FailedPrecondition(
        "ml_feature_store: the season inputs lack player_game_summary, "
        "team_offense_game_summary or upcoming_player_game_context");
  const SeasonInputs& season = *in.season;
  const Date opening = season.calendar().OpeningNight(season.season_year());
  const std::string date_text = FormatDate(d);
  const InCols& ic = In();
  const UpCols& uc = Up();
  const OutCols& o = Out();
  const TableSchema& schema = MlFeatureStoreSchema();

  const Upstream daily(PlayerDailyCacheSchema(), in.Upstream(kDailyCache), "player_lookup",
                       kMinPlayerRows);
  const Upstream composite(PlayerCompositeFactorsSchema(), in.Upstream(kComposite), "player_lookup",
                           kMinPlayerRows);
  const Upstream zones(PlayerShotZoneAnalysisSchema(), in.Upstream(kShotZones), "player_lookup",
                       kMinPlayerRows);
  const Upstream defense(TeamDefenseZoneAnalysisSchema(), in.Upstream(kTeamDefense), "team_abbr",
                         kMinTeamRows);

  // Candidates: the upcoming context rows of D, one per player (decisions
  // 9, 36: the season load keeps one).
  std::vector<const Row*> candidates;
  for (const Row* r : upcg->RowsOn(d)) {
    auto player = TextCell(*r, ic.player);
    if (player && !player->empty()) candidates.push_back(r);
  }

  const auto& points = pgs->Ints(ic.points);
  const auto& ft = pgs->Ints(ic.ft_makes);
  const auto& minutes = pgs->Reals(ic.minutes);
  const auto& wins = offense->Ints(ic.win_flag);

  std::vector<Row> rows;
  rows.reserve(candidates.size());
  for (const Row* cand : candidates) {
    const std::string player = *TextCell(*cand, ic.player);
    const std::string team = TextCell(*cand, ic.team).value_or("");
    const std::optional<std::string> opponent = TextCell(*cand, ic.opponent);

    // Phase 4.
    Phase4Record p4;
    const Row* dc = daily.Find(player);
    const Row* cf = composite.Find(player);
    const Row* sz = zones.Find(player);
    const Row* td = opponent ? defense.Find(*opponent) : nullptr;
    p4.points_avg_last_5 = daily.Real(dc, uc.dc_l5);
    p4.points_avg_last_10 = daily.Real(dc, uc.dc_l10);
    p4.points_avg_season = daily.Real(dc, uc.dc_season);
    p4.points_std_last_10 = daily.Real(dc, uc.dc_std);
    p4.games_in_last_7_days = daily.Real(dc, uc.dc_g7);
    p4.cache_paint_rate_last_10 = daily.Real(dc, uc.dc_paint);
    p4.cache_three_pt_rate_last_10 = daily.Real(dc, uc.dc_three);
    p4.team_pace_last_10 = daily.Real(dc, uc.dc_pace);
    p4.team_off_rating_last_10 = daily.Real(dc, uc.dc_off);
    p4.minutes_avg_last_10 = daily.Real(dc, uc.dc_min);
    p4.fatigue_score = composite.Real(cf, uc.cf_fatigue);
    p4.shot_zone_mismatch_score = composite.Real(cf, uc.cf_mismatch);
    p4.pace_score = composite.Real(cf, uc.cf_pace);
    p4.usage_spike_score = composite.Real(cf, uc.cf_usage);
    p4.paint_rate_last_10 = zones.Real(sz, uc.sz_paint);
    p4.mid_range_rate_last_10 = zones.Real(sz, uc.sz_mid);
    p4.three_pt_rate_last_10 = zones.Real(sz, uc.sz_three);
    p4.opponent_def_rating = defense.Real(td, uc.td_rating);
    p4.opponent_pace = defense.Real(td, uc.td_pace);

    // Phase 3: the context row and the played games before D (decisions 5,
    // 7, 26, 27 are applied by the season inputs).
    Phase3Record p3;
    const Row& u = *cand;
    p3.home_game = AsInt(u[static_cast<size_t>(ic.home)]).value_or(0) != 0;
    p3.back_to_back = AsInt(u[static_cast<size_t>(ic.b2b)]).value_or(0) != 0;
    p3.season_phase = TextCell(u, ic.phase);
    p3.player_status = TextCell(u, ic.status);
    p3.days_rest = AsInt(u[static_cast<size_t>(ic.days_rest)]);
    p3.opponent_days_rest = AsInt(u[static_cast<size_t>(ic.opp_rest)]);

    const auto played = pgs->Before(player, d);
    auto [b, e] = pgs->IndexRange(played);
    IntSum season_points;
    DecimalSum season_minutes;
    season_points.AddRange(points, b, e);
    season_minutes.AddRange(minutes, b, e);
    if (!season_points.all_null())
      p3.points_avg_season = Exact::Fraction(season_points.sum, season_points.non_null).ToDouble();
    p3.minutes_avg_season = season_minutes.Mean();
    for (size_t i = e; i > b && p3.last_points.size() < 10; --i) {
      const size_t k = i - 1;
      if (!points.present(k)) continue;  // a game without points enters no points window
      p3.last_points.push_back(static_cast<double>(points.value[k]));
      p3.last_ft_makes.push_back(ft.present(k) ? static_cast<double>(ft.value[k]) : 0.0);
      if (minutes.present(k)) p3.last_minutes.push_back(minutes.value[k]);
    }
    if (!team.empty()) {
      // One game per date (duplicate team rows never count twice).
      const auto games = offense->Before(team, d);
      auto [tb, te] = offense->IndexRange(games);
      std::optional<Date> last;
      for (size_t i = tb; i < te; ++i) {
        const Date gd = offense->DateOf(games[i - tb]);
        if (last && *last == gd) continue;
        last = gd;
        ++p3.team_games;
        if (wins.present(i) && wins.value[i] != 0) ++p3.team_wins;
      }
    }

    const FeatureVector f = BuildFeatures(p4, p3);
    std::array<std::string_view, kFeatureCount> labels;
    for (size_t i = 0; i < labels.size(); ++i) labels[i] = SourceLabel(f.sources[i]);
    const double quality = FeatureQualityScore(labels);

    OutputRow row(schema);
    Value upid = u[static_cast<size_t>(ic.upid)];
    if (IsNull(upid) && !played.empty()) upid = played.back()[static_cast<size_t>(ic.pgs_upid)];
    row.Set(o.player_lookup, player)
        .Set(o.upid, std::move(upid))
        .Set(o.game_date, date_text)
        .Set(o.game_id, TextCell(u, ic.game_id).value_or(""))
        .Set(o.features, JsonNumbers(f.values))
        .Set(o.names, FeatureNamesJson())
        .Set(o.count, int64_t{kFeatureCount})
        .Set(o.version, std::string(kFeatureVersion))
        .Set(o.sources, JsonStrings(labels));
    for (size_t i = 0; i < f.values.size(); ++i) row.Set(o.feature[i], f.values[i]);
    row.Set(o.gen_ms, Value())  // compute is pure: no clock (doc/processors.md)
        .Set(o.quality, quality)
        .Set(o.tier, QualityTier(quality))
        .SetOpt(o.opponent, opponent)
        .SetBool(o.is_home, p3.home_game)
        .SetOpt(o.days_rest, p3.days_rest)
        .Set(o.data_source, DataSourceLabel(labels))
        .Set(o.updated_at, Value());
    SetUpstreamTracking(row, o.daily, daily, dc);
    SetUpstreamTracking(row, o.composite, composite, cf);
    SetUpstreamTracking(row, o.shot_zones, zones, sz);
    SetUpstreamTracking(row, o.team_defense, defense, td);

    // Decision 30.
    const int64_t games = static_cast<int64_t>(played.size());
    const bool early = games < kFeatureStoreMinGames;
    row.SetBool(o.daily.early_season_flag, early)
        .Set(o.daily.insufficient_data_reason,
             early ? Value(fmt::format("Only {} games played, need {} minimum", games,
                                       kFeatureStoreMinGames))
                   : Value());

    // Completeness against the context team's last 10 scheduled games; the
    // row is production ready when that is and the four upstream rows it
    // read are (§5.1 step 7); the failing upstreams are listed.
    const GameCounts counts = CountGames(season, *pgs, player, team, d, kFeatureStoreMinGames);
    SetCompletenessBlock(row, o.daily, d, opening, counts);
    std::vector<std::string_view> issues;
    if (!daily.Ready(dc)) issues.push_back("upstream_player_daily_cache_incomplete");
    if (!composite.Ready(cf)) issues.push_back("upstream_player_composite_factors_incomplete");
    if (!zones.Ready(sz)) issues.push_back("upstream_player_shot_zone_incomplete");
    if (!defense.Ready(td)) issues.push_back("upstream_team_defense_zone_incomplete");
    const double pct =
        counts.expected > 0 ? RoundedPercent(counts.actual, counts.expected, 1) : 0.0;
    row.SetBool(o.daily.ready, pct >= kProductionReadyPct && issues.empty())
        .Set(o.daily.issues, JsonStrings(issues));
    rows.push_back(row.Build());
  }
  return rows;
}

const ProcessorInfo& MlFeatureStoreInfo() {
  static const ProcessorInfo info{
      .name = "ml_feature_store",
      .order = 5,
      .output = &MlFeatureStoreSchema(),
      .date_column = "game_date",
      .entity_column = "player_lookup",
      .phase3_inputs = {std::string(kPlayerGameSummary), std::string(kTeamOffenseGameSummary),
                        std::string(kUpcomingPlayerGameContext)},
      .phase3_columns = {{std::string(kPlayerGameSummary),
                          {"points", "ft_makes", "minutes_played", "universal_player_id"}},
                         {std::string(kTeamOffenseGameSummary), {"win_flag"}},
                         {std::string(kUpcomingPlayerGameContext),
                          {"player_lookup", "universal_player_id", "game_id", "team_abbr",
                           "opponent_team_abbr", "home_game", "back_to_back", "season_phase",
                           "days_rest", "opponent_days_rest", "player_status", "processed_at"}}},
      .phase4_upstreams = {std::string(kTeamDefense), std::string(kShotZones),
                           std::string(kComposite), std::string(kDailyCache)},
      // The features read (UpCols) and the source tracking of each
      // upstream (Upstream: entity, processed_at, readiness, data_hash).
      .upstream_columns =
          {{std::string(kTeamDefense),
            {"team_abbr", "processed_at", "is_production_ready", "data_hash",
             "defensive_rating_last_15", "opponent_pace"}},
           {std::string(kShotZones),
            {"player_lookup", "processed_at", "is_production_ready", "data_hash",
             "paint_rate_last_10", "mid_range_rate_last_10", "three_pt_rate_last_10"}},
           {std::string(kComposite),
            {"player_lookup", "processed_at", "is_production_ready", "data_hash", "fatigue_score",
             "shot_zone_mismatch_score", "pace_score", "usage_spike_score"}},
           {std::string(kDailyCache),
            {"player_lookup", "processed_at", "is_production_ready", "data_hash",
             "points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10",
             "games_in_last_7_days", "paint_rate_last_10", "three_pt_rate_last_10",
             "team_pace_last_10", "team_off_rating_last_10", "minutes_avg_last_10"}}},
      .required_previous_game_date = {std::string(kPlayerGameSummary),
                                      std::string(kTeamOffenseGameSummary)},
      .required_same_date = {std::string(kUpcomingPlayerGameContext)},
      .upstream_processor = "PlayerGameSummaryProcessor",
      .upstream_table = std::string(kPlayerGameSummary),
      .lookback_game_dates = 10,
      .hash_fields = {"player_lookup", "universal_player_id", "game_date", "game_id", "features",
                      "feature_names", "feature_count", "feature_version", "feature_quality_score",
                      "opponent_team_abbr", "is_home", "days_rest", "data_source",
                      "early_season_flag", "insufficient_data_reason"},
      .compute = &ComputeMlFeatureStore,
  };
  return info;
}

}  // namespace phase4::processors
