#include "phase3/schedule_files.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/teams.h"
#include "tableio/csv.h"

namespace phase4 {

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

}  // namespace

Result<ParsedSchedule> ParseScheduleFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("{}: cannot open file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  size_t first = content.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return Status::InvalidInput(fmt::format("{}: line 1: empty file", path));
  if (content[first] == '{' || content[first] == '[') return ParseScheduleJson(path, content);
  return ParseGameIdCsv(path, content);
}

Result<ParsedSchedule> ParseGameIdCsv(const std::string& path, const std::string& content) {
  CsvReader reader(path, content);
  CsvRecord rec;
  PHASE4_RETURN_IF_ERROR(reader.Next(&rec));
  if (reader.done()) return Status::InvalidInput(fmt::format("{}: line 1: empty file", path));
  int id_col = -1, date_col = -1;
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    if (rec.fields[i].text == "game_id") id_col = static_cast<int>(i);
    if (rec.fields[i].text == "game_date") date_col = static_cast<int>(i);
  }
  if (id_col < 0 || date_col < 0)
    return Status::InvalidInput(
        fmt::format("{}: line 1: header must name the columns game_id and game_date", path));
  ParsedSchedule out;
  while (true) {
    PHASE4_RETURN_IF_ERROR(reader.Next(&rec));
    if (reader.done()) break;
    if (rec.fields.size() == 1 && rec.fields[0].text.empty()) continue;  // blank line
    if (rec.fields.size() != 2)
      return Status::InvalidInput(fmt::format("{}: line {}: expected 2 fields, found {}", path,
                                              rec.line, rec.fields.size()));
    const std::string& id = rec.fields[static_cast<size_t>(id_col)].text;
    const std::string& date_text = rec.fields[static_cast<size_t>(date_col)].text;
    auto type = GameTypeFromId(id);
    if (!type)
      return Status::InvalidInput(fmt::format(
          "{}: line {}: field game_id: '{}' is not a 10-digit NBA game id", path, rec.line, id));
    auto date = ParseDate(date_text);
    if (!date)
      return Status::InvalidInput(
          fmt::format("{}: line {}: field game_date: '{}' is not a date (YYYY-MM-DD)", path,
                      rec.line, date_text));
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
  json doc;
  try {
    doc = json::parse(content);
  } catch (const json::parse_error& e) {
    return Status::InvalidInput(fmt::format("{}: line {}: invalid JSON: {}", path,
                                            LineOfOffset(content, e.byte), e.what()));
  }
  if (!doc.is_object() || !doc.contains("games") || !doc["games"].is_array())
    return Status::InvalidInput(
        fmt::format("{}: line 1: field games: expected an array of games", path));
  ParsedSchedule out;
  const auto& games = doc["games"];
  for (size_t i = 0; i < games.size(); ++i) {
    const json& g = games[i];
    std::string id = g.is_object() && g.contains("gameId") && g["gameId"].is_string()
                         ? g["gameId"].get<std::string>()
                         : std::string();
    // Name the line of this game's id, or of the array when the id is absent.
    int line = 1;
    if (!id.empty()) {
      size_t pos = content.find("\"" + id + "\"");
      if (pos != std::string::npos) line = LineOfOffset(content, pos);
    }
    auto fail = [&](const std::string& field, const std::string& what) {
      return Status::InvalidInput(
          fmt::format("{}: line {}: games[{}].{}: {}", path, line, i, field, what));
    };
    if (!g.is_object()) return fail("", "expected an object");
    auto type = GameTypeFromId(id);
    if (!type) return fail("gameId", fmt::format("'{}' is not a 10-digit NBA game id", id));
    if (!CountsAsGameDate(*type)) {
      ++out.skipped;
      continue;
    }
    if (!g.contains("gameDateEst") || !g["gameDateEst"].is_string())
      return fail("gameDateEst", "missing");
    std::string date_text = g["gameDateEst"].get<std::string>().substr(0, 10);
    auto date = ParseDate(date_text);
    if (!date) return fail("gameDateEst", fmt::format("'{}' is not a date", date_text));
    ScheduleGame sg;
    sg.game_id = id;
    sg.game_date = *date;
    sg.season_year = SeasonYearOf(*date);
    sg.game_type = *type;
    sg.game_status = g.value("gameStatus", 1);
    for (const char* side : {"homeTeam", "awayTeam"}) {
      if (!g.contains(side) || !g[side].is_object()) return fail(side, "missing");
      const json& team = g[side];
      std::string tricode = team.value("teamTricode", "");
      if (!IsKnownTeam(tricode))
        return fail(std::string(side) + ".teamTricode", fmt::format("unknown team '{}'", tricode));
      std::optional<int> score;
      if (team.contains("score") && team["score"].is_number_integer()) {
        int v = team["score"].get<int>();
        if (v < 0) return fail(std::string(side) + ".score", "negative score");
        if (sg.game_status == 3) score = v;  // scores of unfinished games are not final
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
      return fail("awayTeam.teamTricode", "a team cannot play itself");
    if (g.contains("playoffRound") && g["playoffRound"].is_string())
      sg.playoff_round = g["playoffRound"].get<std::string>();
    else
      sg.playoff_round = PlayoffRoundFromId(id, *type);
    sg.arena_city = g.value("arenaCity", "");
    sg.neutral_site = g.value("isNeutral", false);
    sg.data_source = "schedule_json";
    out.games.push_back(std::move(sg));
  }
  return out;
}

}  // namespace phase4
