#include "processors/player_daily_cache/player_daily_cache.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "processors/common/numeric.h"
#include "processors/common/output_row.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"

namespace phase4::processors {

namespace {

struct PgsCols {
  int points, minutes, usage, ts, fg_makes, assisted;
  explicit PgsCols(const TableSchema& s)
      : points(ColumnOf(s, "points")),
        minutes(ColumnOf(s, "minutes_played")),
        usage(ColumnOf(s, "usage_rate")),
        ts(ColumnOf(s, "ts_pct")),
        fg_makes(ColumnOf(s, "fg_makes")),
        assisted(ColumnOf(s, "assisted_fg_makes")) {}
};
const PgsCols& Pgs() {
  static const PgsCols c(PlayerGameSummarySchema());
  return c;
}

struct ContextCols {
  int player, upid, team, games7, games14, minutes7, minutes14, b2b14, q4_minutes7, avg_minutes7,
      age;
  explicit ContextCols(const TableSchema& s)
      : player(ColumnOf(s, "player_lookup")),
        upid(ColumnOf(s, "universal_player_id")),
        team(ColumnOf(s, "team_abbr")),
        games7(ColumnOf(s, "games_in_last_7_days")),
        games14(ColumnOf(s, "games_in_last_14_days")),
        minutes7(ColumnOf(s, "minutes_in_last_7_days")),
        minutes14(ColumnOf(s, "minutes_in_last_14_days")),
        b2b14(ColumnOf(s, "back_to_backs_last_14_days")),
        q4_minutes7(ColumnOf(s, "fourth_quarter_minutes_last_7")),
        avg_minutes7(ColumnOf(s, "avg_minutes_per_game_last_7")),
        age(ColumnOf(s, "player_age")) {}
};
const ContextCols& Ctx() {
  static const ContextCols c(UpcomingPlayerGameContextSchema());
  return c;
}

struct ShotCols {
  int player, zone, paint, three, hash, processed_at;
  explicit ShotCols(const TableSchema& s)
      : player(ColumnOf(s, "player_lookup")),
        zone(ColumnOf(s, "primary_scoring_zone")),
        paint(ColumnOf(s, "paint_rate_last_10")),
        three(ColumnOf(s, "three_pt_rate_last_10")),
        hash(ColumnOf(s, "data_hash")),
        processed_at(ColumnOf(s, "processed_at")) {}
};
const ShotCols& Shot() {
  static const ShotCols c(PlayerShotZoneAnalysisSchema());
  return c;
}

struct OutCols {
  int player_lookup, upid, cache_date, pts5, pts10, pts_season, std10, minutes10, usage10, ts10,
      games_season, team_pace, team_ortg, usage_season, games7, games14, minutes7, minutes14, b2b14,
      q4_minutes7, avg_minutes7, zone, paint_rate, three_rate, assisted, age;
  int l5_pct, l5_ok, l10_pct, l10_ok, l7d_pct, l7d_ok, l14d_pct, l14d_ok, all_ok;
  int version, shot_available, tier, quality_score;
  TrackingColumns player_game, team_offense, upcoming_context, shot_zone;
  explicit OutCols(const TableSchema& s)
      : player_lookup(ColumnOf(s, "player_lookup")),
        upid(ColumnOf(s, "universal_player_id")),
        cache_date(ColumnOf(s, "cache_date")),
        pts5(ColumnOf(s, "points_avg_last_5")),
        pts10(ColumnOf(s, "points_avg_last_10")),
        pts_season(ColumnOf(s, "points_avg_season")),
        std10(ColumnOf(s, "points_std_last_10")),
        minutes10(ColumnOf(s, "minutes_avg_last_10")),
        usage10(ColumnOf(s, "usage_rate_last_10")),
        ts10(ColumnOf(s, "ts_pct_last_10")),
        games_season(ColumnOf(s, "games_played_season")),
        team_pace(ColumnOf(s, "team_pace_last_10")),
        team_ortg(ColumnOf(s, "team_off_rating_last_10")),
        usage_season(ColumnOf(s, "player_usage_rate_season")),
        games7(ColumnOf(s, "games_in_last_7_days")),
        games14(ColumnOf(s, "games_in_last_14_days")),
        minutes7(ColumnOf(s, "minutes_in_last_7_days")),
        minutes14(ColumnOf(s, "minutes_in_last_14_days")),
        b2b14(ColumnOf(s, "back_to_backs_last_14_days")),
        q4_minutes7(ColumnOf(s, "fourth_quarter_minutes_last_7")),
        avg_minutes7(ColumnOf(s, "avg_minutes_per_game_last_7")),
        zone(ColumnOf(s, "primary_scoring_zone")),
        paint_rate(ColumnOf(s, "paint_rate_last_10")),
        three_rate(ColumnOf(s, "three_pt_rate_last_10")),
        assisted(ColumnOf(s, "assisted_rate_last_10")),
        age(ColumnOf(s, "player_age")),
        l5_pct(ColumnOf(s, "l5_completeness_pct")),
        l5_ok(ColumnOf(s, "l5_is_complete")),
        l10_pct(ColumnOf(s, "l10_completeness_pct")),
        l10_ok(ColumnOf(s, "l10_is_complete")),
        l7d_pct(ColumnOf(s, "l7d_completeness_pct")),
        l7d_ok(ColumnOf(s, "l7d_is_complete")),
        l14d_pct(ColumnOf(s, "l14d_completeness_pct")),
        l14d_ok(ColumnOf(s, "l14d_is_complete")),
        all_ok(ColumnOf(s, "all_windows_complete")),
        version(ColumnOf(s, "cache_version")),
        shot_available(ColumnOf(s, "shot_zone_data_available")),
        tier(ColumnOf(s, "quality_tier")),
        quality_score(ColumnOf(s, "cache_quality_score")),
        player_game(s, "source_player_game"),
        team_offense(s, "source_team_offense"),
        upcoming_context(s, "source_upcoming_context"),
        shot_zone(s, "source_shot_zone") {}
};
const OutCols& Out() {
  static const OutCols c(PlayerDailyCacheSchema());
  return c;
}

// An integer copy of a context cell: integers as is, reals truncated (the
// reference's int() cast); NULL stays NULL.
Value IntCopy(const Value& v) {
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(std::trunc(*p));
  return v;
}

// Completeness of a days window: the team's scheduled final games in
// [from, to) and how many of those dates the player played.
GameCounts CountDays(const SeasonInputs& season, const SeasonTable& pgs, std::string_view player,
                     std::string_view team, Date from, Date to) {
  GameCounts c;
  std::span<const Date> all = season.TeamScheduleDates(team);
  auto b = std::lower_bound(all.begin(), all.end(), from);
  auto e = std::lower_bound(all.begin(), all.end(), to);
  c.expected = static_cast<int64_t>(e - b);
  auto rows = pgs.Between(player, from, to);
  size_t i = 0;
  for (auto it = b; it != e; ++it) {
    while (i < rows.size() && pgs.DateOf(rows[i]) < *it) ++i;
    if (i < rows.size() && pgs.DateOf(rows[i]) == *it) ++c.actual;
  }
  return c;
}

// Window completeness, percent at 1 decimal; nothing expected -> 100
// (nothing is missing: the All-Star break, a team's first game).
double WindowPct(const GameCounts& c) {
  if (c.expected == 0) return 100.0;
  return RoundedPercent(std::min(c.actual, c.expected), c.expected, 1);
}

}  // namespace

PlayerCacheStats ComputePlayerCacheStats(const SeasonTable& t, std::span<const Row> games) {
  const PgsCols& c = Pgs();
  if (games.size() > kDailyCacheSeasonWindow)
    games = games.subspan(games.size() - kDailyCacheSeasonWindow);
  PlayerCacheStats s;
  s.games = static_cast<int64_t>(games.size());
  if (games.empty()) return s;
  auto last = [&](size_t n) { return games.size() > n ? games.subspan(games.size() - n) : games; };
  auto mean = [&](int col, std::span<const Row> w) {
    auto [b, e] = t.IndexRange(w);
    DecimalSum sum;
    sum.AddRange(t.Reals(col), b, e);
    return sum.Mean();
  };
  auto mean_int = [&](int col, std::span<const Row> w) -> std::optional<Exact> {
    auto [b, e] = t.IndexRange(w);
    IntSum sum;
    sum.AddRange(t.Ints(col), b, e);
    if (sum.all_null()) return std::nullopt;
    return Exact::Fraction(sum.sum, sum.non_null);
  };
  const auto g5 = last(5), g10 = last(10);
  s.points_avg_last_5 = mean_int(c.points, g5);
  s.points_avg_last_10 = mean_int(c.points, g10);
  s.points_avg_season = mean_int(c.points, games);
  {
    // Sample variance from exact integer sums, (n * sum x^2 - (sum x)^2) /
    // (n (n - 1)); only its square root is a double (decision 35).
    auto [b, e] = t.IndexRange(g10);
    const auto& pts = t.Ints(c.points);
    Exact::Int n = 0, sum = 0, squares = 0;
    for (size_t i = b; i < e; ++i)
      if (pts.present(i)) {
        const Exact::Int v = pts.value[i];
        sum += v;
        squares += v * v;
        ++n;
      }
    if (n >= 2) {
      const Exact variance = Exact::Fraction(n * squares - sum * sum, n * (n - 1));
      s.points_std_last_10 = std::sqrt(variance.ToDouble());
    }
  }
  s.minutes_avg_last_10 = mean(c.minutes, g10);
  s.usage_rate_last_10 = mean(c.usage, g10);
  s.ts_pct_last_10 = mean(c.ts, g10);
  s.usage_rate_season = mean(c.usage, games);
  {
    auto [b, e] = t.IndexRange(g10);
    IntSum fgm, ast;
    fgm.AddRange(t.Ints(c.fg_makes), b, e);
    ast.AddRange(t.Ints(c.assisted), b, e);
    if (!fgm.all_null() && fgm.sum > 0 && !ast.all_null())
      s.assisted_rate_last_10 = Clamp(Exact::Fraction(ast.sum, fgm.sum), 0, 1);
  }
  return s;
}

Result<std::vector<Row>> ComputePlayerDailyCache(Date d, const ProcessorInputs& in) {
  const SeasonTable* ctx = in.season ? in.season->Table(kUpcomingPlayerGameContext) : nullptr;
  const SeasonTable* pgs = in.season ? in.season->Table(kPlayerGameSummary) : nullptr;
  const SeasonTable* tog = in.season ? in.season->Table(kTeamOffenseGameSummary) : nullptr;
  if (!ctx || !pgs || !tog)
    return Status::FailedPrecondition(
        "player_daily_cache: the season inputs lack the player context, player_game_summary or "
        "team_offense_game_summary");
  const SeasonInputs& season = *in.season;
  const Date opening = season.calendar().OpeningNight(season.season_year());
  const std::string date_text = FormatDate(d);
  const ContextCols& c = Ctx();
  const ShotCols& sc = Shot();
  const OutCols& o = Out();
  const TableSchema& schema = PlayerDailyCacheSchema();
  const int pace_col = tog->Col("pace"), ortg_col = tog->Col("offensive_rating");

  std::unordered_map<std::string, const Row*> shot_rows;
  for (const Row& r : in.Upstream("player_shot_zone_analysis"))
    if (auto k = AsText(r[static_cast<size_t>(sc.player)])) shot_rows.emplace(*k, &r);

  std::vector<Row> rows;
  // One context row per player (decisions 9, 36: the season load keeps it).
  for (const Row* cr : ctx->RowsOn(d)) {
    const Row& x = *cr;
    auto cell = [&](int col) -> const Value& { return x[static_cast<size_t>(col)]; };
    std::optional<std::string> player = AsText(cell(c.player));
    if (!player) continue;
    const std::string team = AsText(cell(c.team)).value_or("");

    // Played games of the season before D (decisions 5, 26, 27), at most 82.
    auto played = pgs->Before(*player, d);
    if (played.size() > kDailyCacheSeasonWindow)
      played = played.subspan(played.size() - kDailyCacheSeasonWindow);
    const PlayerCacheStats st = ComputePlayerCacheStats(*pgs, played);

    // The context team's last 10 games of the season before D (decision 32).
    const auto team_games = tog->LastN(team, d, 10);
    std::optional<Exact> pace, ortg;
    {
      auto [b, e] = tog->IndexRange(team_games);
      DecimalSum p, r;
      p.AddRange(tog->Reals(pace_col), b, e);
      r.AddRange(tog->Reals(ortg_col), b, e);
      pace = p.Mean();
      ortg = r.Mean();
    }

    auto shot_it = shot_rows.find(*player);
    const Row* shot = shot_it == shot_rows.end() ? nullptr : shot_it->second;

    OutputRow row(schema);
    row.Set(o.player_lookup, *player)
        .Set(o.upid, cell(c.upid))
        .Set(o.cache_date, date_text)
        .SetExact(o.pts5, st.points_avg_last_5)
        .SetExact(o.pts10, st.points_avg_last_10)
        .SetExact(o.pts_season, st.points_avg_season)
        .SetOpt(o.std10, st.points_std_last_10)
        .SetExact(o.minutes10, st.minutes_avg_last_10)
        .SetExact(o.usage10, st.usage_rate_last_10)
        .SetExact(o.ts10, st.ts_pct_last_10)
        .Set(o.games_season, st.games)
        .SetExact(o.team_pace, pace)
        .SetExact(o.team_ortg, ortg)
        .SetExact(o.usage_season, st.usage_rate_season)
        .Set(o.games7, IntCopy(cell(c.games7)))
        .Set(o.games14, IntCopy(cell(c.games14)))
        .Set(o.minutes7, IntCopy(cell(c.minutes7)))
        .Set(o.minutes14, IntCopy(cell(c.minutes14)))
        .Set(o.b2b14, IntCopy(cell(c.b2b14)))
        .Set(o.q4_minutes7, IntCopy(cell(c.q4_minutes7)))
        .SetExact(o.avg_minutes7, ExactCell(cell(c.avg_minutes7), "avg_minutes_per_game_last_7"))
        .SetExact(o.assisted, st.assisted_rate_last_10)
        .Set(o.age, IntCopy(cell(c.age)))
        .Set(o.version, std::string(kDailyCacheVersion))
        .SetBool(o.shot_available, shot != nullptr);
    if (shot) {
      row.Set(o.zone, (*shot)[static_cast<size_t>(sc.zone)])
          .Set(o.paint_rate, (*shot)[static_cast<size_t>(sc.paint)])
          .Set(o.three_rate, (*shot)[static_cast<size_t>(sc.three)]);
    }

    // Early season (decision 30).
    const bool early = st.games < kDailyCacheMinGames;
    row.SetBool(o.player_game.early_season_flag, early)
        .Set(o.player_game.insufficient_data_reason,
             early ? Value(fmt::format("Only {} games played, need {} minimum", st.games,
                                       kDailyCacheMinGames))
                   : Value());

    // Completeness over the four windows, against the context team.
    const GameCounts l5 = CountGames(season, *pgs, *player, team, d, 5);
    const GameCounts l10 = CountGames(season, *pgs, *player, team, d, 10);
    const GameCounts l7d = CountDays(season, *pgs, *player, team, AddDays(d, -7), d);
    const GameCounts l14d = CountDays(season, *pgs, *player, team, AddDays(d, -14), d);
    const double p5 = WindowPct(l5), p10 = WindowPct(l10), p7 = WindowPct(l7d),
                 p14 = WindowPct(l14d);
    const bool ok5 = p5 >= kDailyCacheWindowReadyPct, ok10 = p10 >= kDailyCacheWindowReadyPct,
               ok7 = p7 >= kDailyCacheWindowReadyPct, ok14 = p14 >= kDailyCacheWindowReadyPct;
    const bool all_ok = ok5 && ok10 && ok7 && ok14;
    row.Set(o.l5_pct, p5)
        .SetBool(o.l5_ok, ok5)
        .Set(o.l10_pct, p10)
        .SetBool(o.l10_ok, ok10)
        .Set(o.l7d_pct, p7)
        .SetBool(o.l7d_ok, ok7)
        .Set(o.l14d_pct, p14)
        .SetBool(o.l14d_ok, ok14)
        .SetBool(o.all_ok, all_ok)
        .Set(o.tier, QualityTier(p5))
        .Set(o.quality_score, p5);
    // The primary completeness metric is L5 (c73a7dee).
    SetCompletenessBlock(row, o.player_game, d, opening, l5);
    row.SetBool(o.player_game.ready, all_ok);

    // Source tracking: the rows that entered this player's values.
    SetSourceTracking(row, o.player_game, *pgs, played, l10);
    const GameCounts team_counts = CountGames(season, *tog, team, team, d, 10);
    SetSourceTracking(row, o.team_offense, *tog, team_games, team_counts);
    const auto own_context = ctx->Between(*player, d, AddDays(d, 1));
    SetSourceTracking(row, o.upcoming_context, *ctx, own_context,
                      GameCounts{static_cast<int64_t>(own_context.size()),
                                 static_cast<int64_t>(own_context.size())});
    if (shot) {
      row.Set(o.shot_zone.source_last_updated, (*shot)[static_cast<size_t>(sc.processed_at)])
          .Set(o.shot_zone.source_rows_found, int64_t{1})
          .Set(o.shot_zone.source_completeness, 100.0)
          .Set(o.shot_zone.source_hash, (*shot)[static_cast<size_t>(sc.hash)]);
    } else {
      row.Set(o.shot_zone.source_rows_found, int64_t{0}).Set(o.shot_zone.source_completeness, 0.0);
    }
    rows.push_back(row.Build());
  }
  return rows;
}

const ProcessorInfo& PlayerDailyCacheInfo() {
  static const ProcessorInfo info{
      .name = "player_daily_cache",
      .order = 4,
      .output = &PlayerDailyCacheSchema(),
      .date_column = "cache_date",
      .entity_column = "player_lookup",
      .phase3_inputs = {std::string(kPlayerGameSummary), std::string(kTeamOffenseGameSummary),
                        std::string(kUpcomingPlayerGameContext)},
      .phase3_columns = {{std::string(kPlayerGameSummary),
                          {"points", "minutes_played", "usage_rate", "ts_pct", "fg_makes",
                           "assisted_fg_makes", "processed_at"}},
                         {std::string(kTeamOffenseGameSummary),
                          {"pace", "offensive_rating", "processed_at"}},
                         {std::string(kUpcomingPlayerGameContext),
                          {"player_lookup", "universal_player_id", "team_abbr",
                           "games_in_last_7_days", "games_in_last_14_days",
                           "minutes_in_last_7_days", "minutes_in_last_14_days",
                           "back_to_backs_last_14_days", "fourth_quarter_minutes_last_7",
                           "avg_minutes_per_game_last_7", "player_age", "processed_at"}}},
      .phase4_upstreams = {"team_defense_zone_analysis", "player_shot_zone_analysis",
                           "player_composite_factors"},
      // #1 and #3 are dependencies only (decision 16): their keys suffice.
      .upstream_columns = {{"team_defense_zone_analysis", {}},
                           {"player_shot_zone_analysis",
                            {"player_lookup", "primary_scoring_zone", "paint_rate_last_10",
                             "three_pt_rate_last_10", "data_hash", "processed_at"}},
                           {"player_composite_factors", {}}},
      .required_previous_game_date = {std::string(kPlayerGameSummary),
                                      std::string(kTeamOffenseGameSummary)},
      .required_same_date = {std::string(kUpcomingPlayerGameContext)},
      .upstream_processor = "PlayerGameSummaryProcessor",
      .upstream_table = std::string(kPlayerGameSummary),
      .lookback_game_dates = 10,
      .hash_fields = {"player_lookup",
                      "universal_player_id",
                      "cache_date",
                      "points_avg_last_5",
                      "points_avg_last_10",
                      "points_avg_season",
                      "points_std_last_10",
                      "minutes_avg_last_10",
                      "usage_rate_last_10",
                      "ts_pct_last_10",
                      "games_played_season",
                      "team_pace_last_10",
                      "team_off_rating_last_10",
                      "player_usage_rate_season",
                      "games_in_last_7_days",
                      "games_in_last_14_days",
                      "minutes_in_last_7_days",
                      "minutes_in_last_14_days",
                      "back_to_backs_last_14_days",
                      "fourth_quarter_minutes_last_7",
                      "avg_minutes_per_game_last_7",
                      "primary_scoring_zone",
                      "paint_rate_last_10",
                      "three_pt_rate_last_10",
                      "assisted_rate_last_10",
                      "player_age",
                      "cache_quality_score",
                      "cache_version"},
      .compute = &ComputePlayerDailyCache,
  };
  return info;
}

}  // namespace phase4::processors
