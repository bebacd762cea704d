#include "processors/common/phase3_tables.h"

namespace phase4::processors {

const std::vector<TableSpec>& Phase3TableSpecs() {
  static const std::vector<TableSpec> s{
      {kPlayerGameSummary, &PlayerGameSummarySchema, "player_lookup", true},
      {kTeamOffenseGameSummary, &TeamOffenseGameSummarySchema, "team_abbr", true},
      {kTeamDefenseGameSummary, &TeamDefenseGameSummarySchema, "defending_team_abbr", true},
      {kUpcomingPlayerGameContext, &UpcomingPlayerGameContextSchema, "player_lookup", false},
      {kUpcomingTeamGameContext, &UpcomingTeamGameContextSchema, "team_abbr", false},
  };
  return s;
}

const TableSpec* FindPhase3Table(std::string_view name) {
  for (const auto& s : Phase3TableSpecs()) {
    if (s.name == name) return &s;
    // Bare table names are accepted too.
    if (s.name.substr(s.name.find('.') + 1) == name) return &s;
  }
  return nullptr;
}

// Decision 26: the row's game is a counted game (regular season, play-in,
// playoffs) on a game date. When the schedule lacks matchups for that date

std::vector<int> SeasonIndexColumns(const TableSpec& spec) {
  const TableSchema& schema = spec.schema();
  std::vector<std::string> names{schema.date_column, spec.entity_column, "processed_at"};
  names.insert(names.end(), schema.primary_key.begin(), schema.primary_key.end());
  if (spec.name == kPlayerGameSummary)
    names.insert(names.end(), {"team_abbr", "is_active", "minutes_played", "fg_attempts"});
  std::vector<int> columns;
  for (const auto& n : names)
    if (int c = schema.ColumnIndex(n); c >= 0) columns.push_back(c);
  return columns;
}

bool PlayedGame(const Row& row) {
  static const int active = PlayerGameSummarySchema().ColumnIndex("is_active");
  static const int minutes = PlayerGameSummarySchema().ColumnIndex("minutes_played");
  static const int fga = PlayerGameSummarySchema().ColumnIndex("fg_attempts");
  if (active >= 0) {
    auto a = AsInt(row[static_cast<size_t>(active)]);
    if (a && *a == 0) return false;
  }
  if (minutes >= 0) {
    auto m = AsReal(row[static_cast<size_t>(minutes)]);
    if (m && *m > 0) return true;
  }
  if (fga >= 0) {
    auto f = AsInt(row[static_cast<size_t>(fga)]);
    if (f && *f > 0) return true;
  }
  return false;
}

}  // namespace phase4::processors
