#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/exact.h"
#include "common/teams.h"
#include "tableio/csv.h"
#include "tableio/table_io.h"

namespace phase4::tableio {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Columns holding team tricodes (decision 25: unknown teams are rejected).
bool IsTeamColumn(std::string_view name) {
  return name == "team_abbr" || EndsWith(name, "_team_abbr") || EndsWith(name, "_tricode");
}

// Counts, minutes, points, distances and rest days can never be negative
// (margins, plus-minus, spreads and differentials can).
bool IsNonNegative(std::string_view name) {
  static constexpr std::string_view kSuffixes[] = {"_attempts",
                                                   "_makes",
                                                   "minutes_played",
                                                   "_days",
                                                   "points",
                                                   "points_scored",
                                                   "points_allowed",
                                                   "assists",
                                                   "steals",
                                                   "blocks",
                                                   "turnovers",
                                                   "rebounds",
                                                   "possessions",
                                                   "personal_fouls",
                                                   "blocks_paint",
                                                   "blocks_mid_range",
                                                   "blocks_three_pt",
                                                   "_allowed",
                                                   "_scored",
                                                   "turnovers_forced",
                                                   "fouls_committed",
                                                   "_count",
                                                   "days_rest",
                                                   "_entering",
                                                   "overtime_periods",
                                                   "travel_miles",
                                                   "star_teammates_out",
                                                   "game_number_in_season",
                                                   "player_age",
                                                   "days_since_last_game"};
  for (auto s : kSuffixes)
    if (EndsWith(name, s)) return true;
  return false;
}

// Strict decimal integer: an optional '-' and digits, nothing else.
bool IsIntegerText(const std::string& t) {
  size_t i = !t.empty() && t[0] == '-' ? 1 : 0;
  if (i == t.size()) return false;
  for (; i < t.size(); ++i)
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

// Rounds a number's text to `scale` decimals: half to even on the decimal
// the text writes (decision 35: "2.675" is 2.675, stored 2.68), else, for
// text beyond 36 significant digits, on the binary value `v` (decision 34).
double RoundToScale(const std::string& text, double v, int scale) {
  if (auto exact = Exact::OfText(text)) return exact->Round(scale);
  // From 2^53 on a double has no fraction: rounding changes nothing, and the
  // printf text (up to 309 digits) would not fit the buffer.
  if (!(std::fabs(v) < 9007199254740992.0)) return v;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", scale, v);
  return std::strtod(buf, nullptr);
}

struct Parser {
  const TableSchema& table;
  const std::string& name;

  Status Error(int line, const std::string& field, const std::string& what) const {
    return Status::InvalidInput(fmt::format("{}: line {}: field {}: {}", name, line, field, what));
  }

  Status ParseCell(int line, const Column& c, const CsvField& f, Value* out) const {
    if (f.text.empty() && !f.quoted) {
      if (c.not_null) return Error(line, c.name, "is required (empty)");
      *out = std::monostate{};
      return Status::OK();
    }
    const std::string& t = f.text;
    switch (c.type) {
      case ColumnType::kInt: {
        char* end = nullptr;
        errno = 0;
        long long v = std::strtoll(t.c_str(), &end, 10);
        if (!IsIntegerText(t) || *end != '\0' || errno == ERANGE)
          return Error(line, c.name, fmt::format("'{}' is not an integer", Clip(t)));
        *out = static_cast<int64_t>(v);
        return Status::OK();
      }
      case ColumnType::kReal: {
        char* end = nullptr;
        double v = std::strtod(t.c_str(), &end);
        // strtod also skips leading blanks and reads hex floats: not CSV numbers.
        if (t.empty() || std::isspace(static_cast<unsigned char>(t[0])) ||
            t.find_first_of("xX") != std::string::npos || *end != '\0' || !std::isfinite(v))
          return Error(line, c.name, fmt::format("'{}' is not a number", Clip(t)));
        *out = c.scale >= 0 ? RoundToScale(t, v, c.scale) : v;
        return Status::OK();
      }
      case ColumnType::kBool: {
        if (t == "true" || t == "TRUE" || t == "True" || t == "1")
          *out = int64_t{1};
        else if (t == "false" || t == "FALSE" || t == "False" || t == "0")
          *out = int64_t{0};
        else
          return Error(line, c.name, fmt::format("'{}' is not true or false", Clip(t)));
        return Status::OK();
      }
      case ColumnType::kDate: {
        if (!ParseDate(t))
          return Error(line, c.name, fmt::format("'{}' is not a date (YYYY-MM-DD)", Clip(t)));
        *out = t;
        return Status::OK();
      }
      case ColumnType::kJson: {
        if (JsonNestingDepth(t) > kMaxJsonDepth)
          return Error(line, c.name,
                       fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth));
        if (nlohmann::json::parse(t, nullptr, false).is_discarded())
          return Error(line, c.name, "is not valid JSON");
        *out = t;
        return Status::OK();
      }
      default:
        *out = t;
        return Status::OK();
    }
  }

  static std::string Clip(const std::string& s) { return ForMessage(s); }
};

}  // namespace

Result<std::vector<Row>> ParseCsvRows(const TableSchema& table, const std::string& name,
                                      const std::string& content) {
  Parser parser{table, name};
  CsvReader reader(name, content);
  CsvRecord rec;
  PHASE4_RETURN_IF_ERROR(reader.Next(&rec));
  if (reader.done() || (rec.fields.size() == 1 && rec.fields[0].text.empty()))
    return Status::InvalidInput(
        fmt::format("{}: line 1: empty file (expected a header naming the columns of {})", name,
                    table.FullName()));

  // Header: every name a column of the table, each once, every NOT NULL
  // column present.
  std::vector<int> target;  // file field -> table column
  std::set<std::string> seen;
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    const CsvField& f = rec.fields[i];
    if (size_t bad = InvalidUtf8Offset(f.text); bad != std::string::npos)
      return parser.Error(LineInField(rec.line, f.text, bad), std::to_string(i + 1),
                          InvalidUtf8Message(f.text, bad));
    int idx = table.ColumnIndex(f.text);
    if (idx < 0)
      return Status::InvalidInput(fmt::format("{}: line 1: field {}: not a column of {}", name,
                                              Parser::Clip(f.text), table.FullName()));
    if (!seen.insert(f.text).second)
      return Status::InvalidInput(fmt::format("{}: line 1: field {}: named twice in the header",
                                              name, Parser::Clip(f.text)));
    target.push_back(idx);
  }
  for (const auto& c : table.columns)
    if (c.not_null && !seen.count(c.name) && c.name != "processed_at")
      return Status::InvalidInput(fmt::format(
          "{}: line 1: field {}: required column missing from the header", name, c.name));

  // Validation pairs: makes never above attempts.
  std::vector<std::pair<int, int>> makes_attempts;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const std::string& n = table.columns[i].name;
    if (EndsWith(n, "_makes")) {
      int a = table.ColumnIndex(n.substr(0, n.size() - 6) + "_attempts");
      if (a >= 0) makes_attempts.emplace_back(static_cast<int>(i), a);
    }
  }
  // Three-point attempts are field-goal attempts (own or opponents').
  std::vector<std::pair<int, int>> threes_fg;
  for (const char* prefix : {"", "opp_"}) {
    int t3 = table.ColumnIndex(std::string(prefix) + "three_pt_attempts");
    int fg = table.ColumnIndex(std::string(prefix) + "fg_attempts");
    if (t3 >= 0 && fg >= 0) threes_fg.emplace_back(t3, fg);
  }
  // A team never plays itself.
  int team_col = -1, opponent_col = -1;
  for (const char* n : {"team_abbr", "defending_team_abbr", "home_team_tricode"})
    if (team_col < 0) team_col = table.ColumnIndex(n);
  for (const char* n : {"opponent_team_abbr", "away_team_tricode"})
    if (opponent_col < 0) opponent_col = table.ColumnIndex(n);

  std::vector<int> key_cols;
  for (const auto& k : table.primary_key) key_cols.push_back(table.ColumnIndex(k));
  std::unordered_map<std::string, int> key_lines;

  std::vector<Row> rows;
  while (true) {
    PHASE4_RETURN_IF_ERROR(reader.Next(&rec));
    if (reader.done()) break;
    if (rec.fields.size() == 1 && rec.fields[0].text.empty() && !rec.fields[0].quoted) continue;
    if (rec.fields.size() != target.size()) {
      // Name the first missing field (by its header name) or the first extra one.
      std::string field = rec.fields.size() < target.size()
                              ? table.column(target[rec.fields.size()]).name
                              : std::to_string(target.size() + 1);
      return parser.Error(
          rec.line, field,
          fmt::format("expected {} fields, found {}", target.size(), rec.fields.size()));
    }
    Row row(table.size());
    for (size_t i = 0; i < target.size(); ++i) {
      const Column& c = table.column(target[i]);
      // Text is valid UTF-8 everywhere: a bad byte stored here would reach
      // every exporter and message downstream.
      const std::string& text = rec.fields[i].text;
      if (size_t bad = InvalidUtf8Offset(text); bad != std::string::npos)
        return parser.Error(LineInField(rec.line, text, bad), c.name,
                            InvalidUtf8Message(text, bad));
      PHASE4_RETURN_IF_ERROR(
          parser.ParseCell(rec.line, c, rec.fields[i], &row[static_cast<size_t>(target[i])]));
      const Value& v = row[static_cast<size_t>(target[i])];
      if (IsNull(v)) continue;
      if (IsTeamColumn(c.name) && !IsKnownTeam(std::get<std::string>(v)))
        return parser.Error(
            rec.line, c.name,
            fmt::format("unknown team '{}'", Parser::Clip(std::get<std::string>(v))));
      if ((c.type == ColumnType::kInt || c.type == ColumnType::kReal) && IsNonNegative(c.name) &&
          AsReal(v).value_or(0) < 0)
        return parser.Error(rec.line, c.name, fmt::format("negative value {}", FormatCell(c, v)));
    }
    for (auto [m, a] : makes_attempts) {
      auto makes = AsInt(row[static_cast<size_t>(m)]), att = AsInt(row[static_cast<size_t>(a)]);
      if (makes && att && *makes > *att)
        return parser.Error(
            rec.line, table.column(m).name,
            fmt::format("{} makes exceed {} attempts ({})", *makes, *att, table.column(a).name));
    }
    for (auto [t3_col, fg_col] : threes_fg) {
      auto t3 = AsInt(row[static_cast<size_t>(t3_col)]),
           fg = AsInt(row[static_cast<size_t>(fg_col)]);
      if (t3 && fg && *t3 > *fg)
        return parser.Error(
            rec.line, table.column(t3_col).name,
            fmt::format("{} three-point attempts exceed {} field-goal attempts", *t3, *fg));
    }
    if (team_col >= 0 && opponent_col >= 0) {
      auto team = AsText(row[static_cast<size_t>(team_col)]);
      if (team && team == AsText(row[static_cast<size_t>(opponent_col)]))
        return parser.Error(rec.line, table.column(opponent_col).name,
                            fmt::format("{} cannot play itself", *team));
    }
    std::string key;
    for (int k : key_cols) key += FormatCell(table.column(k), row[static_cast<size_t>(k)]) + '\x1f';
    auto [it, fresh] = key_lines.emplace(key, rec.line);
    if (!fresh)
      return parser.Error(rec.line, table.primary_key.front(),
                          fmt::format("duplicate key ({}) already on line {}",
                                      fmt::join(table.primary_key, ", "), it->second));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<ImportReport> ImportCsvFile(Warehouse& wh, const TableSchema& table,
                                   const std::string& path) {
  if (table.date_column.empty())
    return Status::InvalidInput(
        fmt::format("{} cannot be imported (no date column)", table.FullName()));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("{}: cannot open file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  PHASE4_ASSIGN_OR_RETURN(auto rows, ParseCsvRows(table, path, ss.str()));
  int date_col = table.ColumnIndex(table.date_column);
  std::set<Date> dates;
  for (const auto& r : rows)
    if (auto t = AsText(r[static_cast<size_t>(date_col)])) dates.insert(*ParseDate(*t));
  PHASE4_RETURN_IF_ERROR(wh.ReplaceDates(table, {dates.begin(), dates.end()}, rows));
  return ImportReport{static_cast<int64_t>(rows.size()),
                      static_cast<int64_t>(dates.size()),
                      {dates.begin(), dates.end()}};
}

}  // namespace phase4::tableio
