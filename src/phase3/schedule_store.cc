#include "phase3/schedule_store.h"

#include <fmt/format.h>

#include <unordered_map>

namespace phase4::phase3 {

namespace {

// How much a row tells about its game; the richer row wins a merge.
int Richness(const ScheduleGame& g) {
  return (g.has_matchup() ? 4 : 0) + (g.has_score() ? 2 : 0) + (g.arena_city.empty() ? 0 : 1);
}

std::string GameCode(const ScheduleGame& g) {
  if (!g.has_matchup()) return {};
  return FormatCompactDate(g.game_date) + "/" + g.away_team + g.home_team;
}

}  // namespace

Row ScheduleGameToRow(const ScheduleGame& g, const std::string& processed_at) {
  RowBuilder b(ScheduleSchema());
  auto text_or_null = [](const std::string& s) -> Value {
    if (s.empty()) return std::monostate{};
    return s;
  };
  std::optional<std::string> winner;
  if (g.has_matchup() && g.has_score() && *g.home_score != *g.away_score)
    winner = *g.home_score > *g.away_score ? g.home_team : g.away_team;
  b.Set("game_id", g.game_id)
      .Set("game_code", text_or_null(GameCode(g)))
      .Set("season_year", static_cast<int64_t>(g.season_year))
      .Set("game_date", FormatDate(g.game_date))
      .Set("game_type", std::string(GameTypeName(g.game_type)))
      .Set("game_status", static_cast<int64_t>(g.game_status))
      .Set("home_team_tricode", text_or_null(g.home_team))
      .Set("away_team_tricode", text_or_null(g.away_team))
      .Set("home_team_score", ToValue(g.home_score))
      .Set("away_team_score", ToValue(g.away_score))
      .Set("winning_team_tricode", ToValue(winner))
      .Set("is_regular_season", int64_t{g.game_type == GameType::kRegularSeason})
      .Set("is_playoffs",
           int64_t{g.game_type == GameType::kPlayoffs || g.game_type == GameType::kPlayIn})
      .Set("is_all_star", int64_t{g.game_type == GameType::kAllStar})
      .Set("playoff_round", text_or_null(g.playoff_round))
      .Set("arena_city", text_or_null(g.arena_city))
      .Set("neutral_site_flag", int64_t{g.neutral_site})
      .Set("data_source", g.data_source)
      .Set("processed_at", processed_at);
  return b.Build();
}

ScheduleGame ScheduleGameFromRow(const Row& row) {
  const TableSchema& s = ScheduleSchema();
  auto at = [&](const char* c) -> const Value& {
    return row[static_cast<size_t>(s.ColumnIndex(c))];
  };
  auto text = [&](const char* c) { return AsText(at(c)).value_or(""); };
  auto opt_int = [&](const char* c) -> std::optional<int> {
    if (auto v = AsInt(at(c))) return static_cast<int>(*v);
    return std::nullopt;
  };
  ScheduleGame g;
  g.game_id = text("game_id");
  g.game_date = ParseDate(text("game_date")).value_or(Date{});
  g.season_year = opt_int("season_year").value_or(SeasonYearOf(g.game_date));
  g.game_type = GameTypeFromName(text("game_type")).value_or(GameType::kRegularSeason);
  g.game_status = opt_int("game_status").value_or(3);
  g.home_team = text("home_team_tricode");
  g.away_team = text("away_team_tricode");
  g.home_score = opt_int("home_team_score");
  g.away_score = opt_int("away_team_score");
  g.playoff_round = text("playoff_round");
  g.arena_city = text("arena_city");
  g.neutral_site = opt_int("neutral_site_flag").value_or(0) != 0;
  g.data_source = text("data_source");
  return g;
}

Result<std::vector<ScheduleGame>> ReadSchedule(Warehouse& wh) {
  PHASE4_ASSIGN_OR_RETURN(auto rows, wh.SelectRows(ScheduleSchema(), std::nullopt, std::nullopt));
  std::vector<ScheduleGame> games;
  games.reserve(rows.size());
  for (const auto& r : rows) games.push_back(ScheduleGameFromRow(r));
  return games;
}

Result<SeasonCalendar> ReadCalendar(Warehouse& wh, int bootstrap_days) {
  PHASE4_ASSIGN_OR_RETURN(auto games, ReadSchedule(wh));
  return SeasonCalendar(std::move(games), bootstrap_days);
}

Result<int64_t> MergeSchedule(Warehouse& wh, const std::vector<ScheduleGame>& games) {
  PHASE4_ASSIGN_OR_RETURN(auto existing, ReadSchedule(wh));
  std::unordered_map<std::string, int> richness;
  for (const auto& g : existing) richness[g.game_id] = Richness(g);
  // Within the batch the richest row of a game wins too (later rows win ties).
  std::unordered_map<std::string, const ScheduleGame*> best;
  std::vector<std::string> order;
  for (const auto& g : games) {
    auto [it, inserted] = best.emplace(g.game_id, &g);
    if (inserted)
      order.push_back(g.game_id);
    else if (Richness(g) >= Richness(*it->second))
      it->second = &g;
  }
  std::string now = NowTimestampUtc();
  std::vector<Row> rows;
  for (const auto& id : order) {
    const ScheduleGame& g = *best[id];
    auto it = richness.find(id);
    if (it != richness.end() && it->second > Richness(g)) continue;  // keep the richer row
    rows.push_back(ScheduleGameToRow(g, now));
  }
  PHASE4_RETURN_IF_ERROR(wh.ReplaceByKey(ScheduleSchema(), "game_id", rows));
  return static_cast<int64_t>(rows.size());
}

}  // namespace phase4::phase3
