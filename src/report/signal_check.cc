#include "processors/ml_feature_store/ml_feature_store.h"
#include "report/signal_check.h"

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <unordered_map>

#include "processors/common/duplicates.h"
#include "processors/common/season_inputs.h"

namespace phase4::report {

namespace {

// The player_game_summary rows of [start, end] that the signal check needs,
// as rows of the table's width, each date's rows in stored order (the order
// decision 36 breaks ties by).
Result<std::vector<Row>> PlayerGamesForSignal(Warehouse& wh, Date start, Date end) {
  const TableSchema& pgs = PlayerGameSummarySchema();
  std::vector<int> columns;
  for (const char* n : {"player_lookup", "game_date", "points", "is_active", "minutes_played",
                        "fg_attempts", "processed_at"})
    columns.push_back(pgs.ColumnIndex(n));
  return wh.SelectRows(pgs, start, end, columns, Warehouse::Order::kStored);
}

// Sums of absolute errors; Mean() turns them into a SignalError.
struct ErrorSums {
  int64_t samples = 0;
  double last_10 = 0, season = 0;
  SignalError Mean() const {
    SignalError e;
    e.samples = samples;
    if (samples > 0) {
      e.mae_last_10 = last_10 / static_cast<double>(samples);
      e.mae_season = season / static_cast<double>(samples);
    }
    return e;
  }
};

int MonthIndex(Date d) { return YearOf(d) * 12 + static_cast<int>(MonthOf(d)) - 1; }

}  // namespace

std::string MonthLabel(const SignalMonth& m) { return fmt::format("{:04}-{:02}", m.year, m.month); }

std::optional<double> LastTenGainPct(const SignalError& e) {
  if (e.samples == 0 || e.mae_season <= 0) return std::nullopt;
  return 100.0 * (e.mae_season - e.mae_last_10) / e.mae_season;
}

Result<SignalCheck> CheckSignal(Warehouse& wh, Date start, Date end) {
  if (start > end)
    return Status::InvalidInput("the signal check's start date is after its end date");
  PHASE4_ASSIGN_OR_RETURN(std::vector<Row> games, PlayerGamesForSignal(wh, start, end));
  const TableSchema& pgs = PlayerGameSummarySchema();
  const size_t player_col = static_cast<size_t>(pgs.ColumnIndex("player_lookup"));
  const size_t date_col = static_cast<size_t>(pgs.ColumnIndex("game_date"));
  const size_t points_col = static_cast<size_t>(pgs.ColumnIndex("points"));
  const size_t processed_col = static_cast<size_t>(pgs.ColumnIndex("processed_at"));
  auto key_of = [&](size_t i) {
    auto player = AsText(games[i][player_col]), date = AsText(games[i][date_col]);
    return player && date ? *player + '\0' + *date : std::string();
  };
  const processors::DuplicateWinners winners = processors::PickDuplicateWinners(
      games.size(), key_of, [&](size_t i) -> std::optional<std::string_view> {
        auto* p = std::get_if<std::string>(&games[i][processed_col]);
        return p ? std::optional<std::string_view>(*p) : std::nullopt;
      });
  std::unordered_map<std::string, int64_t> points_of;  // played games with points
  for (size_t i = 0; i < games.size(); ++i) {
    if (!winners.winner[i] || !processors::PlayedGame(games[i])) continue;
    if (auto points = AsInt(games[i][points_col])) points_of.emplace(key_of(i), *points);
  }
  const TableSchema& features = processors::MlFeatureStoreSchema();
  const int f_player = features.ColumnIndex("player_lookup"),
            f_date = features.ColumnIndex("game_date"),
            f_last_10 = features.ColumnIndex("points_avg_last_10"),
            f_season = features.ColumnIndex("points_avg_season");
  PHASE4_ASSIGN_OR_RETURN(
      std::vector<Row> predicted,
      wh.SelectRows(features, start, end, {f_player, f_date, f_last_10, f_season}));
  const int first_month = MonthIndex(start);
  std::vector<ErrorSums> months(static_cast<size_t>(MonthIndex(end) - first_month + 1));
  ErrorSums all;
  auto cell = [](const Row& row, int c) -> const Value& { return row[static_cast<size_t>(c)]; };
  for (const Row& row : predicted) {
    const std::string date = AsText(cell(row, f_date)).value_or("");
    auto it = points_of.find(AsText(cell(row, f_player)).value_or("") + '\0' + date);
    if (it == points_of.end()) continue;
    const double actual = static_cast<double>(it->second);
    const double e10 = std::abs(AsReal(cell(row, f_last_10)).value_or(0) - actual);
    const double es = std::abs(AsReal(cell(row, f_season)).value_or(0) - actual);
    // The key matched a player game of [start, end], so the date parses.
    ErrorSums& m = months[static_cast<size_t>(MonthIndex(*ParseDate(date)) - first_month)];
    for (ErrorSums* s : {&all, &m}) {
      ++s->samples;
      s->last_10 += e10;
      s->season += es;
    }
  }
  SignalCheck check;
  check.start = start;
  check.end = end;
  check.all = all.Mean();
  for (size_t i = 0; i < months.size(); ++i) {
    const int index = first_month + static_cast<int>(i);
    check.months.push_back({index / 12, static_cast<unsigned>(index % 12) + 1, months[i].Mean()});
  }
  return check;
}

}  // namespace phase4::report
