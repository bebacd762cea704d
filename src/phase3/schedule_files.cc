#include "phase3/schedule_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "common/teams.h"
#include "tableio/csv.h"

namespace phase4::phase3 {

namespace {

using nlohmann::json;

int LineOfOffset(const std::string& content, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < content.size(); ++i)
    if (content[i] == '\n') ++line;
  return line;
}

// Playoff ids read `004 YY 00 R M G`: round R.
std::string PlayoffRoundFromId(const std::string& id, GameType t) {
  if (t == GameType::kPlayIn) return "play_in";
  if (t != GameType::kPlayoffs) return {};
  switch (id[7]) {
    case '1':
      return "first_round";
    case '2':
      return "conf_semifinals";
    case '3':
      return "conf_finals";
    case '4':
      return "nba_finals";
    default:
      return {};
  }
}

// The season of a valid game id: `00 T YY ...`, YY 46-99 = 19YY, else 20YY
// (the league's first season was 1946-47).
int SeasonOfGameId(std::string_view id) {
  int yy = (id[3] - '0') * 10 + (id[4] - '0');
  return yy >= 46 ? 1900 + yy : 2000 + yy;
}

std::string SeasonName(int season) { return fmt::format("{}-{:02}", season, (season + 1) % 100); }

// Empty when `date` falls in the season of the game id; else the problem.
std::string SeasonMismatch(const std::string& id, Date date) {
  int from_date = SeasonYearOf(date), from_id = SeasonOfGameId(id);
  if (from_date == from_id) return {};
  return fmt::format("{} is in season {}, but game id {} is of season {}", FormatDate(date),
                     SeasonName(from_date), id, SeasonName(from_id));
}

// The DOM parser, but every parse error, out-of-range numbers (1e400)
// included, is kept with its byte offset instead of thrown.
struct DomParserKeepingErrors : nlohmann::detail::json_sax_dom_parser<json> {
  explicit DomParserKeepingErrors(json& doc)
      : nlohmann::detail::json_sax_dom_parser<json>(doc, /*allow_exceptions_=*/false) {}
  template <class Exception>
  bool parse_error(size_t offset, const std::string& /*token*/, const Exception& e) {
    failed = true;
    error_offset = offset;
    error = e.what();
    return false;
  }
  bool failed = false;
  size_t error_offset = 0;
  std::string error;
};

// Byte offsets where the elements of the top-level object's "games" array
// start, for valid JSON text (the DOM keeps no positions). Linear; the last
// "games" key wins, as in the parsed document.
std::vector<size_t> GameOffsets(std::string_view s) {
  std::vector<size_t> result, current;
  int depth = 0;
  bool games_key = false;  // just read the key "games" of the top-level object
  bool in_games = false, expect_element = false;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (expect_element) {
      expect_element = false;
      if (c != ']') current.push_back(i);
    }
    if (c == '"') {
      size_t begin = ++i;
      while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
      std::string_view text = s.substr(begin, std::min(i, s.size()) - begin);
      ++i;
      if (depth == 1 && !in_games) {
        size_t j = i;
        while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        if (j < s.size() && s[j] == ':') {
          games_key = text == "games";
          i = j + 1;
        }
      }
      continue;
    }
    if (c == '[' || c == '{') {
      ++depth;
      if (c == '[' && depth == 2 && games_key) {
        in_games = true;
        expect_element = true;
        current.clear();
      }
      games_key = false;
    } else if (c == ']' || c == '}') {
      if (in_games && depth == 2) {
        in_games = false;
        result = current;
      }
      --depth;
    } else if (c == ',') {
      if (in_games && depth == 2) expect_element = true;
    } else {
      games_key = false;  // a scalar value
    }
    ++i;
  }
  return result;
}

// The JSON path (`games[3].homeTeam.teamTricode`) of the value or key that
// byte `offset` falls in, read from the text before it; the text need not be
// valid JSON after `offset`. "document" when it is outside every container.
std::string JsonPathAt(std::string_view s, size_t offset) {
  struct Level {
    bool object;
    std::string key;   // object: the last key read
    size_t index = 0;  // array: the element being read
  };
  std::vector<Level> stack;
  bool after_colon = false;  // an object's value is being read
  for (size_t i = 0; i < offset && i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      size_t begin = ++i;
      while (i < offset && i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
      if (i >= offset) {
        // The offset is inside this string: a key names itself (read whole).
        if (!stack.empty() && stack.back().object && !after_colon) {
          while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
          stack.back().key = std::string(s.substr(begin, std::min(i, s.size()) - begin));
        }
        break;
      }
      if (!stack.empty() && stack.back().object && !after_colon)
        stack.back().key = std::string(s.substr(begin, i - begin));
    } else if (c == ':') {
      after_colon = true;
    } else if (c == '{' || c == '[') {
      stack.push_back(Level{c == '{', {}, 0});
      after_colon = false;
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      after_colon = false;
    } else if (c == ',') {
      if (!stack.empty() && !stack.back().object) ++stack.back().index;
      after_colon = false;
    }
  }
  std::string path;
  for (const Level& l : stack) {
    if (l.object) {
      if (l.key.empty()) break;
      if (!path.empty()) path += '.';
      path += tableio::ForMessage(l.key);
    } else {
      path += fmt::format("[{}]", l.index);
    }
  }
  return path.empty() ? "document" : path;
}

// Offset of the first byte of the first string (key or value) longer than
// the CSV importer's field cap, or npos: the same cap for every reader.
size_t OverlongString(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '"') continue;
    size_t begin = ++i;
    while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
    if (std::min(i, s.size()) - begin > tableio::CsvReader::kMaxFieldBytes) return begin;
  }
  return std::string_view::npos;
}

}  // namespace

Result<ParsedSchedule> ParseScheduleFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("{}: cannot open file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseScheduleContent(path, ss.str());
}

Result<ParsedSchedule> ParseScheduleContent(const std::string& path,
                                            const std::string& raw_content) {
  // A byte order mark is not content: without it the format is chosen and
  // the JSON parsed as if it were absent (lines are unchanged).
  std::string without_bom;
  if (tableio::SkipUtf8Bom(raw_content).size() != raw_content.size()) without_bom = raw_content.substr(3);
  const std::string& content = without_bom.empty() ? raw_content : without_bom;
  size_t first = content.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return Status::InvalidInput(fmt::format("{}: line 1: empty file", path));
  if (content[first] == '{' || content[first] == '[') return ParseScheduleJson(path, content);
  return ParseGameIdCsv(path, content);
}

Result<ParsedSchedule> ParseGameIdCsv(const std::string& path, const std::string& content) {
  tableio::CsvReader reader(path, content);
  tableio::CsvRecord rec;
  PHASE4_RETURN_IF_ERROR(reader.Next(&rec));
  if (reader.done()) return Status::InvalidInput(fmt::format("{}: line 1: empty file", path));
  auto fail = [&](int line, const std::string& field, const std::string& what) {
    return Status::InvalidInput(fmt::format("{}: line {}: field {}: {}", path, line, field, what));
  };
  std::vector<std::string> header;
  int id_col = -1, date_col = -1;
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    const std::string& text = rec.fields[i].text;
    if (size_t bad = tableio::InvalidUtf8Offset(text); bad != std::string::npos)
      return fail(tableio::LineInField(rec.line, text, bad), std::to_string(i + 1),
                  tableio::InvalidUtf8Message(text, bad));
    header.push_back(rec.fields[i].text);
    if (rec.fields[i].text == "game_id") id_col = static_cast<int>(i);
    if (rec.fields[i].text == "game_date") date_col = static_cast<int>(i);
  }
  if (id_col < 0 || date_col < 0)
    return fail(1, id_col < 0 ? "game_id" : "game_date",
                "missing from the header (expected game_id,game_date)");
  ParsedSchedule out;
  std::unordered_map<std::string, int> id_lines;
  while (true) {
    PHASE4_RETURN_IF_ERROR(reader.Next(&rec));
    if (reader.done()) break;
    if (rec.fields.size() == 1 && rec.fields[0].text.empty()) continue;  // blank line
    if (rec.fields.size() != header.size())
      return fail(rec.line,
                  rec.fields.size() < header.size() ? tableio::ForMessage(header[rec.fields.size()])
                                                    : std::to_string(header.size() + 1),
                  fmt::format("expected {} fields, found {}", header.size(), rec.fields.size()));
    for (size_t i = 0; i < rec.fields.size(); ++i) {
      const std::string& text = rec.fields[i].text;
      if (size_t bad = tableio::InvalidUtf8Offset(text); bad != std::string::npos)
        return fail(tableio::LineInField(rec.line, text, bad), tableio::ForMessage(header[i]),
                    tableio::InvalidUtf8Message(text, bad));
    }
    const std::string& id = rec.fields[static_cast<size_t>(id_col)].text;
    const std::string& date_text = rec.fields[static_cast<size_t>(date_col)].text;
    auto type = GameTypeFromId(id);
    if (!type)
      return fail(rec.line, "game_id",
                  fmt::format("'{}' is not a 10-digit NBA game id", tableio::ForMessage(id)));
    auto [seen, fresh] = id_lines.emplace(id, rec.line);
    if (!fresh)
      return fail(rec.line, "game_id", fmt::format("{} is already on line {}", id, seen->second));
    auto date = ParseDate(date_text);
    if (!date)
      return fail(rec.line, "game_date",
                  fmt::format("'{}' is not a date (YYYY-MM-DD)", tableio::ForMessage(date_text)));
    if (std::string wrong = SeasonMismatch(id, *date); !wrong.empty())
      return fail(rec.line, "game_date", wrong);
    if (!CountsAsGameDate(*type)) {
      ++out.skipped;
      continue;
    }
    ScheduleGame g;
    g.game_id = id;
    g.game_date = *date;
    g.season_year = SeasonYearOf(*date);
    g.game_type = *type;
    g.game_status = 3;  // the file lists games that were played
    g.playoff_round = PlayoffRoundFromId(id, *type);
    g.data_source = "game_id_csv";
    out.games.push_back(std::move(g));
  }
  return out;
}

Result<ParsedSchedule> ParseScheduleJson(const std::string& path, const std::string& content) {
  // Checked before parsing so the message names the member, as for any
  // other bad value (the JSON parser would only say "ill-formed UTF-8").
  if (size_t bad = tableio::InvalidUtf8Offset(content); bad != std::string::npos)
    return Status::InvalidInput(fmt::format("{}: line {}: {}: invalid UTF-8 (byte \\x{:02x})", path,
                                            LineOfOffset(content, bad), JsonPathAt(content, bad),
                                            static_cast<unsigned char>(content[bad])));
  if (size_t long_at = OverlongString(content); long_at != std::string::npos)
    return Status::InvalidInput(
        fmt::format("{}: line {}: {}: longer than {} bytes", path, LineOfOffset(content, long_at),
                    JsonPathAt(content, long_at), tableio::CsvReader::kMaxFieldBytes));
  json doc;
  DomParserKeepingErrors sax(doc);
  if (!json::sax_parse(content, &sax) || sax.failed)
    return Status::InvalidInput(fmt::format("{}: line {}: invalid JSON: {}", path,
                                            LineOfOffset(content, sax.error_offset),
                                            tableio::ForMessage(sax.error, 300)));
  if (!doc.is_object() || !doc.contains("games") || !doc["games"].is_array())
    return Status::InvalidInput(
        fmt::format("{}: line 1: field games: expected an array of games", path));
  ParsedSchedule out;
  const auto& games = doc["games"];
  // Lines are worked out only for a message: where each game starts, and its
  // gameId key when it has one.
  std::vector<size_t> offsets;
  auto line_of_game = [&](size_t i) {
    if (offsets.empty()) offsets = GameOffsets(content);
    if (i >= offsets.size()) return 1;
    size_t begin = offsets[i], end = i + 1 < offsets.size() ? offsets[i + 1] : content.size();
    size_t key = content.find("\"gameId\"", begin);
    return LineOfOffset(content, key < end ? key : begin);
  };
  std::unordered_map<std::string, size_t> id_index;
  for (size_t i = 0; i < games.size(); ++i) {
    const json& g = games[i];
    auto fail = [&](const std::string& field, const std::string& what) {
      return Status::InvalidInput(fmt::format("{}: line {}: games[{}]{}{}: {}", path,
                                              line_of_game(i), i, field.empty() ? "" : ".", field,
                                              what));
    };
    if (!g.is_object()) return fail("", "expected an object");
    // Optional members: absent and null are the same; another type is an error.
    auto member = [&](const json& obj, const char* key) -> const json* {
      auto it = obj.find(key);
      return it == obj.end() || it->is_null() ? nullptr : &*it;
    };
    const json* id_json = member(g, "gameId");
    if (!id_json) return fail("gameId", "missing");
    if (!id_json->is_string()) return fail("gameId", "not a string");
    const std::string id = id_json->get<std::string>();
    auto type = GameTypeFromId(id);
    if (!type)
      return fail("gameId", fmt::format("'{}' is not a 10-digit NBA game id", tableio::ForMessage(id)));
    auto [seen, fresh] = id_index.emplace(id, i);
    if (!fresh)
      return fail("gameId",
                  fmt::format("{} is already on line {}", id, line_of_game(seen->second)));
    if (!CountsAsGameDate(*type)) {
      ++out.skipped;
      continue;
    }
    const json* date_json = member(g, "gameDateEst");
    if (!date_json) return fail("gameDateEst", "missing");
    if (!date_json->is_string()) return fail("gameDateEst", "not a string");
    std::string date_text = date_json->get<std::string>().substr(0, 10);
    auto date = ParseDate(date_text);
    if (!date) return fail("gameDateEst", fmt::format("'{}' is not a date", tableio::ForMessage(date_text)));
    if (std::string wrong = SeasonMismatch(id, *date); !wrong.empty())
      return fail("gameDateEst", wrong);
    ScheduleGame sg;
    sg.game_id = id;
    sg.game_date = *date;
    sg.season_year = SeasonYearOf(*date);
    sg.game_type = *type;
    sg.game_status = 1;
    if (const json* status = member(g, "gameStatus")) {
      if (!status->is_number_integer() || status->get<int64_t>() < 1 || status->get<int64_t>() > 3)
        return fail("gameStatus", "not a game status (1, 2 or 3)");
      sg.game_status = static_cast<int>(status->get<int64_t>());
    }
    for (const char* side : {"homeTeam", "awayTeam"}) {
      const json* team = member(g, side);
      if (!team || !team->is_object()) return fail(side, "missing");
      const std::string field = std::string(side) + ".";
      std::string tricode;
      if (const json* t = member(*team, "teamTricode")) {
        if (!t->is_string()) return fail(field + "teamTricode", "not a string");
        tricode = t->get<std::string>();
      }
      if (!IsKnownTeam(tricode))
        return fail(field + "teamTricode", fmt::format("unknown team '{}'", tableio::ForMessage(tricode)));
      std::optional<int> score;
      if (const json* v = member(*team, "score")) {
        if (!v->is_number_integer() || v->get<int64_t>() < 0 || v->get<int64_t>() > 999 ||
            (v->is_number_unsigned() && v->get<uint64_t>() > 999))
          return fail(field + "score",
                      fmt::format("{} is not a score (0 to 999)", tableio::ForMessage(v->dump())));
        if (sg.game_status == 3) score = static_cast<int>(v->get<int64_t>());  // final only
      }
      if (std::string(side) == "homeTeam") {
        sg.home_team = tricode;
        sg.home_score = score;
      } else {
        sg.away_team = tricode;
        sg.away_score = score;
      }
    }
    if (sg.home_team == sg.away_team)
      return fail("awayTeam.teamTricode", fmt::format("{} cannot play itself", sg.away_team));
    sg.playoff_round = PlayoffRoundFromId(id, *type);
    if (const json* round = member(g, "playoffRound")) {
      if (!round->is_string()) return fail("playoffRound", "not a string");
      if (!round->get<std::string>().empty()) sg.playoff_round = round->get<std::string>();
    }
    if (const json* city = member(g, "arenaCity")) {
      if (!city->is_string()) return fail("arenaCity", "not a string");
      sg.arena_city = city->get<std::string>();
    }
    if (const json* neutral = member(g, "isNeutral")) {
      if (!neutral->is_boolean()) return fail("isNeutral", "not a boolean");
      sg.neutral_site = neutral->get<bool>();
    }
    sg.data_source = "schedule_json";
    out.games.push_back(std::move(sg));
  }
  return out;
}

}  // namespace phase4::phase3
