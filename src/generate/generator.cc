#include "generate/generator.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "generate/calendar_builder.h"
#include "generate/pairings.h"
#include "generate/roster.h"
#include "generate/season_facts.h"
#include "generate/season_sim.h"

namespace phase4::generate {

namespace {

constexpr int kMinSeason = 1946;
constexpr int kMaxSeason = 2099;
constexpr int kFirstFactSeason = 2021;

std::optional<int> ParseYear(std::string_view s) {
  if (s.size() != 4) return std::nullopt;
  int y = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    y = y * 10 + (c - '0');
  }
  return y;
}

}  // namespace

Result<std::pair<int, int>> ParseSeasonRange(std::string_view text) {
  const std::string shown(text);
  std::optional<int> a, b;
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    a = b = ParseYear(text);
  } else {
    a = ParseYear(text.substr(0, dash));
    b = ParseYear(text.substr(dash + 1));
  }
  if (!a || !b) {
    return Status::InvalidInput("'" + shown +
                                "' is not a season range: expected FIRST-LAST season start "
                                "years, e.g. 2021-2024");
  }
  if (*a > *b) {
    return Status::InvalidInput("season range '" + shown + "': the first season is after the last");
  }
  if (*a < kMinSeason || *b > kMaxSeason) {
    return Status::InvalidInput("season range '" + shown + "': seasons must lie within " +
                                std::to_string(kMinSeason) + "-" + std::to_string(kMaxSeason));
  }
  return std::make_pair(*a, *b);
}

Status GenerateLeagueBySeason(const GenerateOptions& options,
                              const std::vector<ScheduleGame>& loaded, const SeasonSink& sink) {
  if (options.first_season > options.last_season || options.first_season < kMinSeason ||
      options.last_season > kMaxSeason) {
    return Status::InvalidInput("invalid season range " + std::to_string(options.first_season) +
                                "-" + std::to_string(options.last_season));
  }
  // The loaded schedule's games by season (decision 1 on the game date;
  // decision 26: the season_year column is not trusted). Only regular
  // season, play-in and playoff games get box scores.
  std::map<int, std::vector<ScheduleGame>> loaded_by_season;
  for (const ScheduleGame& g : loaded) {
    if (!CountsAsGameDate(g.game_type)) continue;
    int season = SeasonYearOf(g.game_date);
    if (season < options.first_season || season > options.last_season) continue;
    ScheduleGame copy = g;
    copy.season_year = season;
    // What an earlier run generated is generated again (from the same ids
    // and dates), so re-running with the same seed reproduces the same rows
    // and a new seed replaces the synthetic matchups and scores.
    if (copy.data_source == generate::kGeneratedSource) {
      copy.home_team.clear();
      copy.away_team.clear();
      copy.arena_city.clear();
    }
    if (copy.data_source == generate::kGeneratedSource ||
        copy.data_source == generate::kGeneratedScoreSource || !copy.has_matchup()) {
      copy.home_score.reset();  // a score without teams means nothing
      copy.away_score.reset();
    }
    loaded_by_season[season].push_back(std::move(copy));
  }

  // Rosters evolve from a fixed base season, so a season's players do not
  // depend on where the requested range starts (from 2021 on).
  const int base = std::min(options.first_season, kFirstFactSeason);
  generate::League league(options.seed, base);
  std::vector<generate::PriorStats> prior;
  for (int season = base; season <= options.last_season; ++season) {
    const generate::SeasonRoster& roster = league.StartSeason(season);
    if (season < options.first_season) continue;
    std::vector<ScheduleGame> games;
    auto it = loaded_by_season.find(season);
    if (it != loaded_by_season.end()) {
      games = std::move(it->second);
    } else {
      games = generate::BuildSeasonCalendar(generate::FactsForSeason(season), options.seed);
    }
    std::vector<ScheduleGame*> regular;
    for (auto& g : games) {
      if (g.game_type != GameType::kRegularSeason) continue;
      regular.push_back(&g);
      if (!g.has_matchup()) g.data_source = generate::kGeneratedSource;  // pairings fill it
    }
    const std::string where = "season " + std::to_string(season);
    PHASE4_RETURN_IF_ERROR(generate::FillRegularSeasonPairings(
                               regular, generate::MixSeed({options.seed, static_cast<uint64_t>(season)}))
                               .WithContext(where));
    GeneratedLeague part;
    PHASE4_RETURN_IF_ERROR(
        generate::SimulateSeason(season, std::move(games), league, roster, options.seed, prior, part)
            .WithContext(where));
    PHASE4_RETURN_IF_ERROR(sink(season, std::move(part)));
  }
  return Status::OK();
}

Result<GeneratedLeague> GenerateLeague(const GenerateOptions& options,
                                       const std::vector<ScheduleGame>& loaded) {
  GeneratedLeague out;
  auto append = [](std::vector<Row>& to, std::vector<Row>& from) {
    if (to.empty()) {
      to = std::move(from);
    } else {
      to.insert(to.end(), std::make_move_iterator(from.begin()),
                std::make_move_iterator(from.end()));
    }
  };
  Status s = GenerateLeagueBySeason(options, loaded, [&](int, GeneratedLeague&& part) {
    out.schedule.insert(out.schedule.end(), std::make_move_iterator(part.schedule.begin()),
                        std::make_move_iterator(part.schedule.end()));
    append(out.player_game_summary, part.player_game_summary);
    append(out.team_offense_game_summary, part.team_offense_game_summary);
    append(out.team_defense_game_summary, part.team_defense_game_summary);
    append(out.upcoming_player_game_context, part.upcoming_player_game_context);
    append(out.upcoming_team_game_context, part.upcoming_team_game_context);
    return Status::OK();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace phase4::generate
