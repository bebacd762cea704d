#include "backfill/pipeline_report.h"

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "ledger/ledger.h"
#include "processors/common/duplicates.h"
#include "processors/common/season_inputs.h"
#include "processors/registry.h"

namespace phase4 {

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

}  // namespace

Result<PipelineReport> BuildPipelineReport(Warehouse& wh, Date start, Date end, Date signal_start,
                                           Date signal_end) {
  PipelineReport r;
  for (const TableSchema* t : Phase3Tables()) {
    PHASE4_ASSIGN_OR_RETURN(int64_t n, wh.CountRows(*t));
    r.table_rows.emplace_back(t->FullName(), n);
  }
  for (const TableSchema* t : Phase4Tables()) {
    PHASE4_ASSIGN_OR_RETURN(int64_t n, wh.CountRows(*t));
    r.table_rows.emplace_back(t->FullName(), n);
  }
  for (const auto* p : processors::AllProcessors()) {
    JobDates j;
    j.job = p->name;
    PHASE4_ASSIGN_OR_RETURN(ledger::UnitMap units, ledger::ReadUnits(wh, *p, start, end));
    j.has_units = !units.empty();
    for (const auto& [d, u] : units) {
      j.successful += u.state == ledger::UnitState::kSucceeded;
      j.skipped += u.state == ledger::UnitState::kSkipped;
      j.failed += u.state == ledger::UnitState::kFailed;
      j.blocked += u.state == ledger::UnitState::kBlocked;
    }
    r.jobs.push_back(j);
  }
  const TableSchema& features = MlFeatureStoreSchema();
  {
    const int quality = features.ColumnIndex("feature_quality_score");
    PHASE4_ASSIGN_OR_RETURN(std::vector<Row> rows, wh.SelectRows(features, start, end, {quality}));
    double sum = 0;
    int64_t scored = 0;
    for (const Row& row : rows)
      if (auto q = AsReal(row[static_cast<size_t>(quality)])) {
        sum += *q;
        ++scored;
      }
    r.feature_rows = static_cast<int64_t>(rows.size());
    r.mean_feature_quality = scored > 0 ? sum / static_cast<double>(scored) : 0;  // AVG skips NULLs
  }
  // The signal check reads the player games as the processors do: one row
  // per player and date (decision 36) and the played rule (decision 27),
  // both from the processors' own code.
  PHASE4_ASSIGN_OR_RETURN(std::vector<Row> games,
                          PlayerGamesForSignal(wh, signal_start, signal_end));
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
  const int f_player = features.ColumnIndex("player_lookup"),
            f_date = features.ColumnIndex("game_date"),
            f_last_10 = features.ColumnIndex("points_avg_last_10"),
            f_season = features.ColumnIndex("points_avg_season");
  PHASE4_ASSIGN_OR_RETURN(
      std::vector<Row> predicted,
      wh.SelectRows(features, signal_start, signal_end, {f_player, f_date, f_last_10, f_season}));
  r.signal.start = signal_start;
  r.signal.end = signal_end;
  double error_last_10 = 0, error_season = 0;
  auto cell = [](const Row& row, int c) -> const Value& { return row[static_cast<size_t>(c)]; };
  for (const Row& row : predicted) {
    auto it = points_of.find(AsText(cell(row, f_player)).value_or("") + '\0' +
                             AsText(cell(row, f_date)).value_or(""));
    if (it == points_of.end()) continue;
    const double actual = static_cast<double>(it->second);
    ++r.signal.samples;
    error_last_10 += std::abs(AsReal(cell(row, f_last_10)).value_or(0) - actual);
    error_season += std::abs(AsReal(cell(row, f_season)).value_or(0) - actual);
  }
  if (r.signal.samples > 0) {
    r.signal.mae_last_10 = error_last_10 / static_cast<double>(r.signal.samples);
    r.signal.mae_season = error_season / static_cast<double>(r.signal.samples);
  }
  return r;
}

std::string FormatPipelineReport(const PipelineReport& r) {
  std::string out;
  const std::string rule(72, '=');
  out += rule + "\nPHASE 4 PIPELINE REPORT\n" + rule + "\n";
  out += "Rows per table:\n";
  for (const auto& [name, n] : r.table_rows) out += fmt::format("  {:<48} {:>10}\n", name, n);
  out += "Dates per job (from the unit ledger):\n";
  out += fmt::format("  {:<30} {:>10} {:>8} {:>7} {:>7}\n", "job", "processed", "skipped", "failed",
                     "blocked");
  for (const auto& j : r.jobs) {
    if (!j.has_units)
      out += fmt::format("  {:<30} {:>10}\n", j.job, "not run");
    else
      out += fmt::format("  {:<30} {:>10} {:>8} {:>7} {:>7}\n", j.job, j.successful, j.skipped,
                         j.failed, j.blocked);
  }
  out += fmt::format("Mean feature quality: {:.2f} over {} feature rows\n", r.mean_feature_quality,
                     r.feature_rows);
  const auto& s = r.signal;
  out += fmt::format("Signal check, {} to {} ({} player-games):\n", FormatDate(s.start),
                     FormatDate(s.end), s.samples);
  out +=
      fmt::format("  MAE of points_avg_last_10 as a prediction of points: {:.3f}\n", s.mae_last_10);
  out +=
      fmt::format("  MAE of points_avg_season  as a prediction of points: {:.3f}\n", s.mae_season);
  if (s.samples > 0 && s.mae_season > 0)
    out += fmt::format("  points_avg_last_10 is {:.1f}% {} than the season average\n",
                       100.0 * std::abs(s.mae_season - s.mae_last_10) / s.mae_season,
                       s.mae_last_10 <= s.mae_season ? "better" : "worse");
  out += rule + "\n";
  return out;
}

}  // namespace phase4
