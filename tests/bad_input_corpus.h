// The bad-input corpus under tests/data/bad_input/<kind>/: files of malformed
// input, each with a line in the folder's MANIFEST saying what loading it must
// report. Tests walk the folder, so adding a file (and its MANIFEST line) adds
// a case; a file without a line, or a line without a file, is a failing case.
//
// Also: a full dump of a warehouse (every table of every dataset file, rows in
// rowid order, plus the schema and version), to prove a failed load wrote
// nothing.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"
#include "warehouse/sqlite_warehouse.h"

namespace phase4::testing {

struct CorpusCase {
  std::string name;                 // file name, or "MANIFEST:<file>" for a line without a file
  std::filesystem::path path;       // the file
  std::vector<std::string> fields;  // the MANIFEST line after the file name
  std::string problem;              // non-empty: the case is broken (no line / no file)
};

// Test names carry the case name; print only that, not the struct's bytes.
inline void PrintTo(const CorpusCase& c, std::ostream* os) { *os << c.name; }

inline std::filesystem::path BadInputDir(const std::string& kind) {
  return std::filesystem::path(PHASE4_SOURCE_DIR) / "tests" / "data" / "bad_input" / kind;
}

inline std::filesystem::path GoodInputDir(const std::string& kind) {
  return std::filesystem::path(PHASE4_SOURCE_DIR) / "tests" / "data" / "good_input" / kind;
}

inline std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Every file of the folder (but MANIFEST) and every MANIFEST line, as cases.
// `columns` is the number of ' | '-separated fields after the file name.
inline std::vector<CorpusCase> ReadCorpus(const std::string& kind, size_t columns) {
  const auto dir = BadInputDir(kind);
  std::map<std::string, std::vector<std::string>> manifest;
  std::vector<CorpusCase> out;
  std::ifstream in(dir / "MANIFEST");
  if (!in) {
    out.push_back({"MANIFEST", dir / "MANIFEST", {}, "cannot read " + (dir / "MANIFEST").string()});
    return out;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    std::vector<std::string> parts;
    size_t pos = 0;
    while (parts.size() < columns) {
      size_t bar = line.find(" | ", pos);
      if (bar == std::string::npos) break;
      parts.push_back(Trim(line.substr(pos, bar - pos)));
      pos = bar + 3;
    }
    parts.push_back(Trim(line.substr(pos)));
    std::string file = parts.front();
    parts.erase(parts.begin());
    if (parts.size() != columns) {
      out.push_back({"MANIFEST:" + file, dir / file, parts,
                     "MANIFEST line for " + file + " needs " + std::to_string(columns + 1) +
                         " fields separated by ' | '"});
      continue;
    }
    manifest[file] = parts;
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "MANIFEST")
      files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto it = manifest.find(f);
    if (it == manifest.end()) {
      out.push_back({f, dir / f, {}, "no MANIFEST line for " + f + " (say what it must report)"});
      continue;
    }
    out.push_back({f, dir / f, it->second, ""});
    manifest.erase(it);
  }
  for (const auto& [f, fields] : manifest)
    out.push_back({"MANIFEST:" + f, dir / f, fields, "MANIFEST names " + f + ", which is absent"});
  return out;
}

// A gtest-safe name for a case ("too_many_fields.csv" -> "too_many_fields_csv").
// The message names the file and a line ("<path>: line N: ...") and quotes
// little of the input.
inline void ExpectFileAndLine(const std::string& message, const std::filesystem::path& file) {
  const std::string prefix = file.string() + ": line ";
  ASSERT_EQ(message.rfind(prefix, 0), 0u) << message;
  size_t digits = prefix.size();
  while (digits < message.size() && message[digits] >= '0' && message[digits] <= '9') ++digits;
  EXPECT_TRUE(digits > prefix.size() && message.compare(digits, 2, ": ") == 0) << message;
  EXPECT_LT(message.size(), 1000u) << "the message quotes too much of the input";
}

inline std::string CaseTestName(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// Every table of every dataset file: schema, user_version and all rows in
// rowid order (key order for a WITHOUT ROWID table), values tagged with
// their SQLite type.
inline std::string DumpWarehouse(const std::filesystem::path& dir) {
  auto wh = SqliteWarehouse::Open(dir.string(), /*create=*/false);
  if (!wh.ok()) {
    ADD_FAILURE() << "cannot open " << dir << ": " << wh.status().message();
    return {};
  }
  std::ostringstream out;
  for (const auto& ds : AllDatasets()) {
    auto version = (*wh)->Prepare("PRAGMA " + ds + ".user_version");
    if (version.ok() && version->Step())
      out << "== " << ds << " v" << version->ColumnInt(0) << "\n";
    auto tables = (*wh)->Prepare("SELECT name, sql FROM " + ds +
                                 ".sqlite_master WHERE type = 'table' ORDER BY name");
    if (!tables.ok()) {
      ADD_FAILURE() << tables.status().message();
      continue;
    }
    std::vector<std::pair<std::string, bool>> names;  // (name, has a rowid)
    while (tables->Step()) {
      const std::string sql = tables->ColumnText(1);
      names.emplace_back(tables->ColumnText(0), sql.find("WITHOUT ROWID") == std::string::npos);
      out << sql << "\n";
    }
    for (const auto& [name, rowid] : names) {
      // A WITHOUT ROWID table (the ledger) is stored in its key's order.
      auto rows = (*wh)->Prepare(rowid ? "SELECT rowid, * FROM " + ds + "." + name + " ORDER BY rowid"
                                       : "SELECT * FROM " + ds + "." + name);
      if (!rows.ok()) {
        ADD_FAILURE() << rows.status().message();
        continue;
      }
      size_t n = 0;
      while (rows->Step()) {
        ++n;
        out << ds << "." << name;
        for (int i = 0; i < rows->ColumnCount(); ++i) {
          const Value v = rows->ColumnValue(i);
          out << '|';
          if (IsNull(v))
            out << 'N';
          else if (auto p = std::get_if<int64_t>(&v))
            out << 'i' << *p;
          else if (auto d = std::get_if<double>(&v))
            out << 'r' << *d;
          else
            out << 't' << std::get<std::string>(v);
        }
        out << '\n';
      }
      out << "-- " << ds << "." << name << ": " << n << " rows\n";
    }
  }
  return out.str();
}

// The number of rows the dump holds for `table` (e.g. "nba_analytics.player_game_summary").
inline int DumpRowCount(const std::string& dump, const std::string& table) {
  std::string marker = "-- " + table + ": ";
  size_t pos = dump.find(marker);
  if (pos == std::string::npos) return -1;
  return std::stoi(dump.substr(pos + marker.size()));
}

// The first line where two dumps differ, for a readable failure.
inline std::string FirstDifference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int n = 1;; ++n) {
    bool ha = static_cast<bool>(std::getline(sa, la)), hb = static_cast<bool>(std::getline(sb, lb));
    if (!ha && !hb) return "no difference";
    if (la != lb || ha != hb)
      return "dump line " + std::to_string(n) + ": before '" + la.substr(0, 200) + "', after '" +
             lb.substr(0, 200) + "'";
  }
}

// `n` bytes from a fixed-seed generator: the same "random binary file" every run.
inline std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// What a `phase4` command run on a copy of a warehouse reported.
struct CopyRun {
  int exit_code = -1;
  std::string message;  // the "error: " line of stderr, without "error: "
  std::string err;
  std::string before;  // DumpWarehouse of the copy before the command
};

// Copies the warehouse `source`, runs `phase4 --warehouse COPY args...` on the
// copy and checks that the copy did not change (`what` names the command in
// the failure message): for commands that must fail and write nothing.
inline CopyRun RunOnCopyExpectingNoChange(const std::filesystem::path& source,
                                          const std::vector<std::string>& args,
                                          const std::string& what) {
  TempDir tmp;
  const std::filesystem::path wh = tmp.path() / "wh";
  std::filesystem::copy(source, wh, std::filesystem::copy_options::recursive);
  CopyRun out;
  out.before = DumpWarehouse(wh);
  std::vector<std::string> full{"--warehouse", wh.string()};
  full.insert(full.end(), args.begin(), args.end());
  auto r = RunPhase4(full);
  out.exit_code = r.exit_code;
  out.err = r.err;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("error: ", 0) == 0) {
      out.message = line.substr(7);
      break;
    }
  }
  const std::string after = DumpWarehouse(wh);
  EXPECT_TRUE(out.before == after)
      << "the failed " << what << " changed the warehouse: " << FirstDifference(out.before, after);
  return out;
}

}  // namespace phase4::testing
