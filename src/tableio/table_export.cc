#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tableio/csv.h"
#include "tableio/table_io.h"

namespace phase4::tableio {

std::string FormatCell(const Column& c, const Value& v) {
  if (IsNull(v)) return {};
  if (c.type == ColumnType::kBool) return AsInt(v).value_or(0) ? "true" : "false";
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return fmt::format("{}", *p);  // shortest round trip
  // Stored text should be valid UTF-8 (import checks it), but a warehouse
  // written by other tools may hold anything; an export must still finish.
  return ToValidUtf8(std::get<std::string>(v));
}

int JsonNestingDepth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

namespace {

nlohmann::ordered_json CellJson(const Column& c, const Value& v) {
  if (IsNull(v)) return nullptr;
  if (c.type == ColumnType::kBool) return AsInt(v).value_or(0) != 0;
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return *p;
  const auto& s = std::get<std::string>(v);
  if (c.type == ColumnType::kJson && JsonNestingDepth(s) <= kMaxJsonDepth) {
    auto parsed = nlohmann::ordered_json::parse(s, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  return s;
}

}  // namespace

void AppendExportRow(const TableSchema& t, const Row& r, ExportFormat format, std::string* out) {
  if (format == ExportFormat::kCsv) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i) *out += ',';
      const Value& v = i < r.size() ? r[i] : Value{};
      AppendCsvField(out, FormatCell(t.columns[i], v), IsNull(v));
    }
    *out += '\n';
    return;
  }
  nlohmann::ordered_json obj;
  for (size_t i = 0; i < t.columns.size(); ++i)
    obj[t.columns[i].name] = CellJson(t.columns[i], i < r.size() ? r[i] : Value{});
  // Replace, not throw: bytes that are not UTF-8 (from a warehouse written
  // by other tools) become U+FFFD instead of aborting the export.
  *out += obj.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  *out += '\n';
}

Status ExportTable(Warehouse& wh, const TableSchema& t, std::optional<Date> start,
                   std::optional<Date> end, ExportFormat format, std::ostream& out) {
  PHASE4_ASSIGN_OR_RETURN(auto rows, wh.SelectRows(t, start, end));
  std::string buf;
  if (format == ExportFormat::kCsv) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i) buf += ',';
      AppendCsvField(&buf, t.columns[i].name);
    }
    buf += '\n';
  }
  for (const Row& r : rows) {
    AppendExportRow(t, r, format, &buf);
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
