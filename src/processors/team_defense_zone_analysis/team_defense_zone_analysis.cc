#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

#include <array>

#include "common/teams.h"
#include "processors/common/numeric.h"
#include "processors/common/output_row.h"

namespace phase4::processors {

namespace {

// Input columns of team_defense_game_summary, resolved once.
struct InputCols {
  int paint_m, paint_a, mid_m, mid_a, three_m, three_a;
  int paint_points, blocks_paint, blocks_mid, blocks_three, points_allowed;
  int drtg, pace;
  explicit InputCols(const TableSchema& s)
      : paint_m(ColumnOf(s, "opp_paint_makes")),
        paint_a(ColumnOf(s, "opp_paint_attempts")),
        mid_m(ColumnOf(s, "opp_mid_range_makes")),
        mid_a(ColumnOf(s, "opp_mid_range_attempts")),
        three_m(ColumnOf(s, "opp_three_pt_makes")),
        three_a(ColumnOf(s, "opp_three_pt_attempts")),
        paint_points(ColumnOf(s, "points_in_paint_allowed")),
        blocks_paint(ColumnOf(s, "blocks_paint")),
        blocks_mid(ColumnOf(s, "blocks_mid_range")),
        blocks_three(ColumnOf(s, "blocks_three_pt")),
        points_allowed(ColumnOf(s, "points_allowed")),
        drtg(ColumnOf(s, "defensive_rating")),
        pace(ColumnOf(s, "opponent_pace")) {}
};

const InputCols& In() {
  static const InputCols c(TeamDefenseGameSummarySchema());
  return c;
}

// Output columns, resolved once.
struct OutCols {
  int team_abbr, analysis_date;
  std::array<int, 3> pct, attempts_pg, blocks_pg, vs_league;
  int paint_points_pg, drtg, opp_ppg, pace, games, strongest, weakest, tier, notes;
  TrackingColumns tracking;
  explicit OutCols(const TableSchema& s)
      : team_abbr(ColumnOf(s, "team_abbr")),
        analysis_date(ColumnOf(s, "analysis_date")),
        pct{ColumnOf(s, "paint_pct_allowed_last_15"), ColumnOf(s, "mid_range_pct_allowed_last_15"),
            ColumnOf(s, "three_pt_pct_allowed_last_15")},
        attempts_pg{ColumnOf(s, "paint_attempts_allowed_per_game"),
                    ColumnOf(s, "mid_range_attempts_allowed_per_game"),
                    ColumnOf(s, "three_pt_attempts_allowed_per_game")},
        blocks_pg{ColumnOf(s, "paint_blocks_per_game"), ColumnOf(s, "mid_range_blocks_per_game"),
                  ColumnOf(s, "three_pt_blocks_per_game")},
        vs_league{ColumnOf(s, "paint_defense_vs_league_avg"),
                  ColumnOf(s, "mid_range_defense_vs_league_avg"),
                  ColumnOf(s, "three_pt_defense_vs_league_avg")},
        paint_points_pg(ColumnOf(s, "paint_points_allowed_per_game")),
        drtg(ColumnOf(s, "defensive_rating_last_15")),
        opp_ppg(ColumnOf(s, "opponent_points_per_game")),
        pace(ColumnOf(s, "opponent_pace")),
        games(ColumnOf(s, "games_in_sample")),
        strongest(ColumnOf(s, "strongest_zone")),
        weakest(ColumnOf(s, "weakest_zone")),
        tier(ColumnOf(s, "data_quality_tier")),
        notes(ColumnOf(s, "calculation_notes")),
        tracking(s, "source_team_defense") {}
};

const OutCols& Out() {
  static const OutCols c(TeamDefenseZoneAnalysisSchema());
  return c;
}

// Makes and attempts of one zone over a window.
struct ZoneSums {
  IntSum makes, attempts;
  // FG% from summed makes and attempts; NULL when the attempts sum to 0 or
  // either column is NULL in every game (decision 28).
  std::optional<Exact> Pct() const {
    if (attempts.all_null() || makes.all_null() || attempts.sum == 0) return std::nullopt;
    return Exact::Fraction(makes.sum, attempts.sum);
  }
  bool NoAttempts() const { return attempts.all_null() || attempts.sum == 0; }
};

struct WindowSums {
  int games = 0;
  std::array<ZoneSums, 3> zone;  // paint, mid-range, three
  IntSum paint_points, points_allowed;
  std::array<IntSum, 3> blocks;
  DecimalSum drtg, pace;

  WindowSums(const SeasonTable& t, std::span<const Row> rows, bool full) {
    const InputCols& c = In();
    games = static_cast<int>(rows.size());
    auto [b, e] = t.IndexRange(rows);
    zone[0].makes.AddRange(t.Ints(c.paint_m), b, e);
    zone[0].attempts.AddRange(t.Ints(c.paint_a), b, e);
    zone[1].makes.AddRange(t.Ints(c.mid_m), b, e);
    zone[1].attempts.AddRange(t.Ints(c.mid_a), b, e);
    zone[2].makes.AddRange(t.Ints(c.three_m), b, e);
    zone[2].attempts.AddRange(t.Ints(c.three_a), b, e);
    if (!full) return;  // the league average needs the zones only
    paint_points.AddRange(t.Ints(c.paint_points), b, e);
    points_allowed.AddRange(t.Ints(c.points_allowed), b, e);
    blocks[0].AddRange(t.Ints(c.blocks_paint), b, e);
    blocks[1].AddRange(t.Ints(c.blocks_mid), b, e);
    blocks[2].AddRange(t.Ints(c.blocks_three), b, e);
    drtg.AddRange(t.Reals(c.drtg), b, e);
    pace.AddRange(t.Reals(c.pace), b, e);
  }

  // Σ / G; NULL when the column is NULL in every game (decision 28).
  std::optional<Exact> PerGame(const IntSum& s) const {
    if (s.all_null() || games == 0) return std::nullopt;
    return Exact::Fraction(s.sum, games);
  }
};

constexpr std::array<const char*, 3> kZoneNames = {"paint", "mid_range", "perimeter"};
constexpr std::array<const char*, 3> kNoAttemptNotes = {
    "No paint attempts", "No mid-range attempts", "No three-point attempts"};

}  // namespace

LeagueAverages ComputeLeagueAverages(const SeasonTable& t, Date d) {
  const Date from = AddDays(d, -kLeagueAverageDays);
  std::array<BigExact, 3> sums;  // of ratios with unlike denominators: past 128 bits
  int teams = 0;
  for (const std::string& team : t.entities()) {
    auto rows = t.Between(team, from, d);
    if (static_cast<int>(rows.size()) < kLeagueMinTeamGames) continue;
    WindowSums w(t, rows, /*full=*/false);
    std::array<std::optional<Exact>, 3> pct = {w.zone[0].Pct(), w.zone[1].Pct(), w.zone[2].Pct()};
    if (!pct[0] || !pct[1] || !pct[2]) continue;
    for (size_t z = 0; z < 3; ++z) sums[z] = sums[z] + BigExact(*pct[z]);
    ++teams;
  }
  LeagueAverages out;
  if (teams < kLeagueMinTeams) return out;
  const BigExact n{Exact(teams)};
  for (size_t z = 0; z < 3; ++z) out.exact[z] = sums[z] / n;
  out.paint = out.exact[0].ToDouble();
  out.mid_range = out.exact[1].ToDouble();
  out.three_pt = out.exact[2].ToDouble();
  out.teams_in_sample = teams;
  return out;
}

namespace {

template <typename Delta>
std::pair<std::optional<std::string>, std::optional<std::string>> StrongestWeakest(
    const std::array<std::optional<Delta>, 3>& deltas) {
  int best = -1, worst = -1;
  for (int z = 0; z < 3; ++z) {
    const auto& v = deltas[static_cast<size_t>(z)];
    if (!v) continue;
    // Strict comparisons: on ties the earliest zone keeps its place.
    if (best < 0 || *v < *deltas[static_cast<size_t>(best)]) best = z;
    if (worst < 0 || *v > *deltas[static_cast<size_t>(worst)]) worst = z;
  }
  if (best < 0) return {std::nullopt, std::nullopt};
  return {std::string(kZoneNames[static_cast<size_t>(best)]),
          std::string(kZoneNames[static_cast<size_t>(worst)])};
}

}  // namespace

std::pair<std::optional<std::string>, std::optional<std::string>> StrongestWeakestZones(
    std::optional<double> paint, std::optional<double> mid_range, std::optional<double> three_pt) {
  return StrongestWeakest(std::array<std::optional<double>, 3>{paint, mid_range, three_pt});
}

std::pair<std::optional<std::string>, std::optional<std::string>> StrongestWeakestZones(
    const std::array<std::optional<BigExact>, 3>& deltas) {
  return StrongestWeakest(deltas);
}

std::string TeamDefenseQualityTier(int games) {
  if (games >= 15) return "high";
  if (games >= 10) return "medium";
  return "low";
}

Result<std::vector<Row>> ComputeTeamDefenseZoneAnalysis(Date d, const ProcessorInputs& in) {
  const SeasonTable* t = in.season ? in.season->Table(kTeamDefenseGameSummary) : nullptr;
  if (!t)
    return Status::FailedPrecondition(
        "team_defense_zone_analysis: the season inputs lack "
        "nba_analytics.team_defense_game_summary");
  const SeasonInputs& season = *in.season;
  const Date opening = season.calendar().OpeningNight(season.season_year());
  const LeagueAverages league = ComputeLeagueAverages(*t, d);
  const BigExact hundred{Exact(100)};
  const std::string date_text = FormatDate(d);

  const OutCols& o = Out();
  const TableSchema& schema = TeamDefenseZoneAnalysisSchema();
  std::vector<Row> rows;
  rows.reserve(AllTeams().size());
  for (const TeamInfo& team_info : AllTeams()) {
    const std::string team(team_info.tricode);
    auto window = t->LastN(team, d, kTeamDefenseWindow);
    const WindowSums w(*t, window, /*full=*/true);
    const int g = w.games;
    OutputRow row(schema);
    row.Set(o.team_abbr, team).Set(o.analysis_date, date_text).Set(o.games, int64_t{g});

    if (g > 0) {
      std::array<std::optional<BigExact>, 3> vs;
      std::string notes;
      for (size_t z = 0; z < 3; ++z) {
        const std::optional<Exact> pct = w.zone[z].Pct();
        // Percentage points, exact (decision 35).
        if (pct) vs[z] = (BigExact(*pct) - league.exact[z]) * hundred;
        if (w.zone[z].NoAttempts()) {
          if (!notes.empty()) notes += "; ";
          notes += kNoAttemptNotes[z];
        }
        row.SetExact(o.pct[z], pct)
            .SetExact(o.attempts_pg[z], w.PerGame(w.zone[z].attempts))
            .SetExact(o.blocks_pg[z], w.PerGame(w.blocks[z]))
            .SetExact(o.vs_league[z], vs[z]);
      }
      auto [strongest, weakest] = StrongestWeakestZones(vs);
      row.SetExact(o.paint_points_pg, w.PerGame(w.paint_points))
          .SetExact(o.drtg, w.drtg.Mean())
          .SetExact(o.opp_ppg, w.PerGame(w.points_allowed))
          .SetExact(o.pace, w.pace.Mean())
          .SetOpt(o.strongest, std::move(strongest))
          .SetOpt(o.weakest, std::move(weakest))
          .SetOpt(o.notes,
                  notes.empty() ? std::nullopt : std::optional<std::string>(std::move(notes)));
    }
    // A team with no game yet keeps every metric, both zones and the notes
    // NULL (decision 28).
    row.Set(o.tier, TeamDefenseQualityTier(g));
    SetEarlySeason(row, o.tracking, g, kTeamDefenseWindow);
    const GameCounts counts = CountGames(season, *t, team, team, d, kTeamDefenseWindow);
    SetSourceTracking(row, o.tracking, *t, window, counts);
    SetCompletenessBlock(row, o.tracking, d, opening, counts);
    rows.push_back(row.Build());
  }
  return rows;
}

const ProcessorInfo& TeamDefenseZoneAnalysisInfo() {
  static const ProcessorInfo info{
      .name = "team_defense_zone_analysis",
      .order = 1,
      .output = &TeamDefenseZoneAnalysisSchema(),
      .date_column = "analysis_date",
      .entity_column = "team_abbr",
      .phase3_inputs = {std::string(kTeamDefenseGameSummary)},
      .phase3_columns = {{std::string(kTeamDefenseGameSummary),
                          {"opp_paint_makes", "opp_paint_attempts", "opp_mid_range_makes",
                           "opp_mid_range_attempts", "opp_three_pt_makes", "opp_three_pt_attempts",
                           "points_in_paint_allowed", "blocks_paint", "blocks_mid_range",
                           "blocks_three_pt", "points_allowed", "defensive_rating", "opponent_pace",
                           "processed_at"}}},
      .phase4_upstreams = {},
      .required_previous_game_date = {std::string(kTeamDefenseGameSummary)},
      .required_same_date = {},
      .upstream_processor = "TeamDefenseGameSummaryProcessor",
      .upstream_table = std::string(kTeamDefenseGameSummary),
      .lookback_game_dates = 15,
      .hash_fields = {"team_abbr",
                      "analysis_date",
                      "paint_pct_allowed_last_15",
                      "paint_attempts_allowed_per_game",
                      "paint_points_allowed_per_game",
                      "paint_blocks_per_game",
                      "paint_defense_vs_league_avg",
                      "mid_range_pct_allowed_last_15",
                      "mid_range_attempts_allowed_per_game",
                      "mid_range_blocks_per_game",
                      "mid_range_defense_vs_league_avg",
                      "three_pt_pct_allowed_last_15",
                      "three_pt_attempts_allowed_per_game",
                      "three_pt_blocks_per_game",
                      "three_pt_defense_vs_league_avg",
                      "defensive_rating_last_15",
                      "opponent_points_per_game",
                      "opponent_pace",
                      "games_in_sample",
                      "strongest_zone",
                      "weakest_zone",
                      "data_quality_tier",
                      "calculation_notes"},
      .compute = &ComputeTeamDefenseZoneAnalysis,
  };
  return info;
}

}  // namespace phase4::processors
