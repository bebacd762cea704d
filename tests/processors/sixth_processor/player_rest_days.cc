#include "player_rest_days.h"

#include "processors/common/season_inputs.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/registry.h"
#include "warehouse/schema_columns.h"

namespace phase4::testing {

namespace {

using processors::kPlayerGameSummary;

Result<std::vector<Row>> ComputeRestDays(Date d, const processors::ProcessorInputs& in) {
  const processors::SeasonTable* games = in.season->Table(kPlayerGameSummary);
  const TableSchema& cache = processors::PlayerDailyCacheSchema();
  const size_t player = static_cast<size_t>(cache.ColumnIndex("player_lookup"));
  const size_t games_7 = static_cast<size_t>(cache.ColumnIndex("games_in_last_7_days"));
  std::vector<Row> rows;
  for (const Row& up : in.Upstream("player_daily_cache")) {
    const std::string lookup = TextOf(up[player]);
    RowBuilder b(PlayerRestDaysSchema());
    b.Set("player_lookup", lookup)
        .Set("game_date", FormatDate(d))
        .Set("games_in_last_7_days", up[games_7]);
    if (games) {
      const processors::SeasonTable::Rows before = games->Before(lookup, d);
      if (!before.empty()) {
        const Date last = games->DateOf(before.back());
        b.Set("last_game_date", FormatDate(last))
            .Set("days_rest", static_cast<int64_t>(DaysBetween(last, d)));
      }
    }
    rows.push_back(b.Build());
  }
  return rows;
}

}  // namespace

const TableSchema& PlayerRestDaysSchema() {
  using namespace cols;
  static const TableSchema s{
      "nba_precompute",
      "player_rest_days",
      {TextNN("player_lookup"), DateNN("game_date"), Int("days_rest"), DateCol("last_game_date"),
       Int("games_in_last_7_days"), TextNN("data_hash"), TimestampNN("processed_at"),
       Timestamp("created_at")},
      {"game_date", "player_lookup"},
      "game_date",
      "Days since each cached player's previous game (a test processor)"};
  return s;
}

const processors::ProcessorInfo& PlayerRestDaysInfo() {
  static const processors::ProcessorInfo info{
      .name = "player_rest_days",
      .order = 6,
      .output = &PlayerRestDaysSchema(),
      .date_column = "game_date",
      .entity_column = "player_lookup",
      .phase3_inputs = {std::string(kPlayerGameSummary)},
      .phase3_columns = {{std::string(kPlayerGameSummary), {"minutes_played"}}},
      .phase4_upstreams = {"player_daily_cache"},
      .upstream_columns = {{"player_daily_cache", {"games_in_last_7_days"}}},
      .required_previous_game_date = {},
      .required_same_date = {},
      .upstream_processor = "PlayerDailyCacheProcessor",
      .upstream_table = "nba_precompute.player_daily_cache",
      .lookback_game_dates = 0,
      .hash_fields = {"player_lookup", "game_date", "days_rest", "last_game_date",
                      "games_in_last_7_days"},
      .compute = ComputeRestDays,
  };
  return info;
}

// The one registration line.
PHASE4_REGISTER_PROCESSOR(PlayerRestDaysInfo);

}  // namespace phase4::testing
