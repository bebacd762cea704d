#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tableio/csv.h"
#include "tableio/table_io.h"

namespace phase4 {

std::string FormatCell(const Column& c, const Value& v) {
  if (IsNull(v)) return {};
  if (c.type == ColumnType::kBool) return AsInt(v).value_or(0) ? "true" : "false";
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return fmt::format("{}", *p);  // shortest round trip
  return std::get<std::string>(v);
}

namespace {

nlohmann::ordered_json CellJson(const Column& c, const Value& v) {
  if (IsNull(v)) return nullptr;
  if (c.type == ColumnType::kBool) return AsInt(v).value_or(0) != 0;
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return *p;
  const auto& s = std::get<std::string>(v);
  if (c.type == ColumnType::kJson) {
    auto parsed = nlohmann::ordered_json::parse(s, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  return s;
}

}  // namespace

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
    if (format == ExportFormat::kCsv) {
      for (size_t i = 0; i < t.columns.size(); ++i) {
        if (i) buf += ',';
        AppendCsvField(&buf, FormatCell(t.columns[i], r[i]), IsNull(r[i]));
      }
      buf += '\n';
    } else {
      nlohmann::ordered_json obj;
      for (size_t i = 0; i < t.columns.size(); ++i)
        obj[t.columns[i].name] = CellJson(t.columns[i], r[i]);
      buf += obj.dump();
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

}  // namespace phase4
