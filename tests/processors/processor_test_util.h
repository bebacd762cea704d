// Builders for processor tests: a schedule, Phase 3 rows and season inputs
// made in memory.
#pragma once

#include <fmt/format.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "calendar/season_calendar.h"
#include "processors/common/processor.h"
#include "processors/common/season_inputs.h"
#include "warehouse/schema.h"

namespace phase4::processors::test {

inline Date D(const char* text) { return *ParseDate(text); }

// A schedule built game by game.
class ScheduleBuilder {
 public:
  ScheduleBuilder& Game(Date d, std::string home, std::string away,
                        GameType type = GameType::kRegularSeason) {
    ScheduleGame g;
    g.game_id =
        fmt::format("00{}{:02d}{:05d}", static_cast<int>(type), SeasonYearOf(d) % 100, ++seq_);
    g.game_date = d;
    g.season_year = SeasonYearOf(d);
    g.game_type = type;
    g.game_status = 3;
    g.home_team = std::move(home);
    g.away_team = std::move(away);
    g.data_source = "test";
    games_.push_back(std::move(g));
    return *this;
  }
  const std::vector<ScheduleGame>& games() const { return games_; }
  std::unique_ptr<SeasonCalendar> Calendar(int bootstrap_days = kDefaultBootstrapDays) const {
    return std::make_unique<SeasonCalendar>(games_, bootstrap_days);
  }

 private:
  std::vector<ScheduleGame> games_;
  int seq_ = 0;
};

// One team_defense_game_summary row; the defaults are test vector T1's game.
struct DefenseGame {
  std::string team = "LAL";
  std::string opponent = "BOS";
  Date date{};
  std::optional<int64_t> paint_makes = 20, paint_attempts = 35;
  std::optional<int64_t> mid_makes = 8, mid_attempts = 20;
  std::optional<int64_t> three_makes = 12, three_attempts = 35;
  std::optional<int64_t> paint_points = 42, mid_points = 16, three_points = 36;
  std::optional<int64_t> blocks_paint = 2, blocks_mid = 1, blocks_three = 0;
  std::optional<int64_t> points_allowed = 110;
  std::optional<double> defensive_rating = 112.5, opponent_pace = 99.2;
  std::string processed_at = "2025-01-01T00:00:00.000000Z";
};

inline Row DefenseRow(const DefenseGame& g) {
  RowBuilder b(TeamDefenseGameSummarySchema());
  b.Set("game_id", FormatCompactDate(g.date) + "_" + g.opponent + "_" + g.team)
      .Set("game_date", FormatDate(g.date))
      .Set("defending_team_abbr", g.team)
      .Set("opponent_team_abbr", g.opponent)
      .Set("season_year", int64_t{SeasonYearOf(g.date)})
      .Set("points_allowed", ToValue(g.points_allowed))
      .Set("opp_three_pt_attempts", ToValue(g.three_attempts))
      .Set("opp_three_pt_makes", ToValue(g.three_makes))
      .Set("opp_paint_attempts", ToValue(g.paint_attempts))
      .Set("opp_paint_makes", ToValue(g.paint_makes))
      .Set("opp_mid_range_attempts", ToValue(g.mid_attempts))
      .Set("opp_mid_range_makes", ToValue(g.mid_makes))
      .Set("points_in_paint_allowed", ToValue(g.paint_points))
      .Set("mid_range_points_allowed", ToValue(g.mid_points))
      .Set("three_pt_points_allowed", ToValue(g.three_points))
      .Set("blocks_paint", ToValue(g.blocks_paint))
      .Set("blocks_mid_range", ToValue(g.blocks_mid))
      .Set("blocks_three_pt", ToValue(g.blocks_three))
      .Set("defensive_rating", ToValue(g.defensive_rating))
      .Set("opponent_pace", ToValue(g.opponent_pace))
      .Set("home_game", int64_t{1})
      .Set("processed_at", g.processed_at);
  return b.Build();
}

// One player_game_summary row; the defaults are test vector P1's average game.
struct PlayerGame {
  std::string player = "lebronjames";
  std::string upid = "lebronjames_001";
  std::string team = "LAL";
  std::string opponent = "BOS";
  Date date{};
  std::optional<double> minutes = 35;
  std::optional<int64_t> fg_attempts = 18, fg_makes = 9;
  std::optional<int64_t> paint_attempts = 8, paint_makes = 5;
  std::optional<int64_t> mid_attempts = 4, mid_makes = 2;
  std::optional<int64_t> three_attempts = 6, three_makes = 2;
  std::optional<int64_t> assisted = 6, unassisted = 3;
  bool is_active = true;
  std::string processed_at = "2025-01-01T00:00:00.000000Z";
};

inline Row PlayerRow(const PlayerGame& g) {
  RowBuilder b(PlayerGameSummarySchema());
  b.Set("player_lookup", g.player)
      .Set("universal_player_id", g.upid)
      .Set("game_id", FormatCompactDate(g.date) + "_" + g.opponent + "_" + g.team)
      .Set("game_date", FormatDate(g.date))
      .Set("team_abbr", g.team)
      .Set("opponent_team_abbr", g.opponent)
      .Set("season_year", int64_t{SeasonYearOf(g.date)})
      .Set("minutes_played", ToValue(g.minutes))
      .Set("fg_attempts", ToValue(g.fg_attempts))
      .Set("fg_makes", ToValue(g.fg_makes))
      .Set("three_pt_attempts", ToValue(g.three_attempts))
      .Set("three_pt_makes", ToValue(g.three_makes))
      .Set("paint_attempts", ToValue(g.paint_attempts))
      .Set("paint_makes", ToValue(g.paint_makes))
      .Set("mid_range_attempts", ToValue(g.mid_attempts))
      .Set("mid_range_makes", ToValue(g.mid_makes))
      .Set("assisted_fg_makes", ToValue(g.assisted))
      .Set("unassisted_fg_makes", ToValue(g.unassisted))
      .Set("starter_flag", int64_t{1})
      .Set("win_flag", int64_t{0})
      .Set("is_active", int64_t{g.is_active ? 1 : 0})
      .Set("processed_at", g.processed_at);
  return b.Build();
}

// Season inputs over a calendar that the fixture keeps alive.
struct Inputs {
  std::unique_ptr<SeasonCalendar> calendar;
  std::unique_ptr<SeasonInputs> season;
  ProcessorInputs For(Date d) const {
    ProcessorInputs in;
    in.date = d;
    in.calendar = calendar.get();
    in.season = season.get();
    return in;
  }
};

inline Inputs MakeInputs(const ScheduleBuilder& schedule, int season_year,
                         const std::map<std::string, std::vector<Row>>& tables) {
  Inputs in;
  in.calendar = schedule.Calendar();
  in.season = std::make_unique<SeasonInputs>(season_year, *in.calendar);
  for (const auto& [name, rows] : tables) {
    Status s = in.season->AddTable(name, rows);
    if (!s.ok()) throw std::runtime_error(s.message());
  }
  return in;
}

// The cell of `column` in a row of `schema`.
inline const Value& CellOf(const TableSchema& schema, const Row& row, const char* column) {
  int i = schema.ColumnIndex(column);
  if (i < 0) throw std::runtime_error(std::string("no column ") + column);
  return row[static_cast<size_t>(i)];
}
inline std::optional<double> RealOf(const TableSchema& s, const Row& r, const char* c) {
  return AsReal(CellOf(s, r, c));
}
inline std::optional<int64_t> IntOf(const TableSchema& s, const Row& r, const char* c) {
  return AsInt(CellOf(s, r, c));
}
inline std::optional<std::string> TextOf(const TableSchema& s, const Row& r, const char* c) {
  return AsText(CellOf(s, r, c));
}

// The row of `entity` (column `entity_column`) among rows, or nullptr.
inline const Row* FindRow(const TableSchema& s, const std::vector<Row>& rows,
                          const char* entity_column, const std::string& entity) {
  for (const Row& r : rows)
    if (TextOf(s, r, entity_column) == entity) return &r;
  return nullptr;
}

}  // namespace phase4::processors::test
