#include "tableio/training_export.h"

#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "processors/common/season_inputs.h"
#include "processors/ml_feature_store/ml_feature_store.h"
#include "tableio/csv.h"
#include "tableio/table_io.h"

namespace phase4::tableio {

namespace {

constexpr const char* kIdColumns[] = {"player_lookup", "game_date", "opponent_team_abbr",
                                      "feature_version", "feature_quality_score"};

// (player_lookup, game_date) -> points of the game the player played.
using ActualPoints = std::map<std::pair<std::string, std::string>, int64_t>;

Result<ActualPoints> ReadActualPoints(Warehouse& wh, std::optional<Date> start,
                                      std::optional<Date> end) {
  const TableSchema& pgs = PlayerGameSummarySchema();
  PHASE4_ASSIGN_OR_RETURN(auto rows, wh.SelectRows(pgs, start, end));
  const size_t player = static_cast<size_t>(pgs.ColumnIndex("player_lookup"));
  const size_t date = static_cast<size_t>(pgs.ColumnIndex("game_date"));
  const size_t points = static_cast<size_t>(pgs.ColumnIndex("points"));
  ActualPoints out;
  for (const Row& r : rows) {
    // Decision 27: a player who did not play has no actual points.
    if (!processors::PlayedGame(r)) continue;
    auto p = AsInt(r[points]);
    auto who = AsText(r[player]);
    auto when = AsText(r[date]);
    if (!p || !who || !when) continue;
    out.emplace(std::make_pair(*who, *when), *p);  // the first played row of a date wins
  }
  return out;
}

}  // namespace

std::vector<std::string> TrainingCsvColumns() {
  std::vector<std::string> cols(std::begin(kIdColumns), std::end(kIdColumns));
  for (std::string_view n : processors::FeatureNames()) cols.emplace_back(n);
  cols.emplace_back("actual_points");
  return cols;
}

Status ExportTrainingSet(Warehouse& wh, std::optional<Date> start, std::optional<Date> end,
                         ExportFormat format, std::ostream& out) {
  const TableSchema& t = processors::MlFeatureStoreSchema();
  PHASE4_ASSIGN_OR_RETURN(auto rows, wh.SelectRows(t, start, end));
  PHASE4_ASSIGN_OR_RETURN(ActualPoints actual, ReadActualPoints(wh, start, end));

  std::vector<int> id_cols, feature_cols;
  for (const char* c : kIdColumns) id_cols.push_back(t.ColumnIndex(c));
  for (std::string_view n : processors::FeatureNames()) feature_cols.push_back(t.ColumnIndex(n));
  const int player_col = t.ColumnIndex("player_lookup"), date_col = t.ColumnIndex("game_date");
  const int features_col = t.ColumnIndex("features"), names_col = t.ColumnIndex("feature_names");
  auto cell = [](const Row& r, int c) -> const Value& { return r[static_cast<size_t>(c)]; };

  std::string buf;
  if (format == ExportFormat::kCsv) {
    bool first = true;
    for (const std::string& c : TrainingCsvColumns()) {
      if (!first) buf += ',';
      first = false;
      AppendCsvField(&buf, c);
    }
    buf += '\n';
  }
  for (const Row& r : rows) {
    std::optional<int64_t> points;
    auto who = AsText(cell(r, player_col));
    auto when = AsText(cell(r, date_col));
    if (who && when) {
      auto it = actual.find({*who, *when});
      if (it != actual.end()) points = it->second;
    }
    if (format == ExportFormat::kCsv) {
      for (size_t i = 0; i < id_cols.size(); ++i) {
        if (i) buf += ',';
        const Value& v = cell(r, id_cols[i]);
        AppendCsvField(&buf, FormatCell(t.columns[static_cast<size_t>(id_cols[i])], v), IsNull(v));
      }
      for (int c : feature_cols) {
        buf += ',';
        const Value& v = cell(r, c);
        AppendCsvField(&buf, FormatCell(t.columns[static_cast<size_t>(c)], v), IsNull(v));
      }
      buf += ',';
      AppendCsvField(&buf, points ? std::to_string(*points) : std::string(), !points);
      buf += '\n';
    } else {
      nlohmann::ordered_json obj;
      for (int c : id_cols) {
        const Value& v = cell(r, c);
        const std::string& name = t.columns[static_cast<size_t>(c)].name;
        if (IsNull(v))
          obj[name] = nullptr;
        else if (auto d = std::get_if<double>(&v))
          obj[name] = *d;
        else if (auto i = std::get_if<int64_t>(&v))
          obj[name] = *i;
        else
          obj[name] = std::get<std::string>(v);
      }
      for (int c : {features_col, names_col}) {
        const std::string& name = t.columns[static_cast<size_t>(c)].name;
        auto text = AsText(cell(r, c));
        auto parsed = nlohmann::ordered_json::parse(text.value_or("null"), nullptr,
                                                    /*allow_exceptions=*/false);
        // Too deep to write back (the JSON writer recurses per level).
        if (parsed.is_discarded() || JsonNestingDepth(text.value_or("")) > kMaxJsonDepth)
          return Status::InvalidInput("ml_feature_store_v2: unparsable " + name + " for " +
                                      who.value_or("?") + " on " + when.value_or("?"));
        obj[name] = std::move(parsed);
      }
      obj["actual_points"] = points ? nlohmann::ordered_json(*points) : nullptr;
      // Invalid UTF-8 becomes U+FFFD instead of aborting (table_export.cc).
      buf += obj.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      buf += '\n';
    }
    if (buf.size() > (1 << 16)) {
      out << buf;
      buf.clear();
    }
  }
  out << buf;
  out.flush();
  if (!out) return Status::IoError("cannot write the export (output closed?)");
  return Status::OK();
}

}  // namespace phase4::tableio
