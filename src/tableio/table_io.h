// Import and export of whole tables as CSV (header = column names) or JSONL.
//
// Export writes what import reads back: import(export(t)) reproduces t
// exactly. CSV cells: NULL is an empty unquoted field, an empty string is
// "", booleans are true/false, reals use the shortest text that reads back
// as the same double. JSONL: one object per row; JSON columns are embedded
// as JSON values.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4::tableio {

enum class ExportFormat { kCsv, kJsonl };

Status ExportTable(Warehouse& wh, const TableSchema& table, std::optional<Date> start,
                   std::optional<Date> end, ExportFormat format, std::ostream& out);

// Appends one row of `table` as ExportTable writes it (a CSV record or a
// JSONL line, with its newline). Any cell content is accepted: text that is
// not valid UTF-8 has its bad bytes replaced by U+FFFD, so the output is
// always valid UTF-8 and never throws (fuzz/jsonl_export_fuzz.cc).
void AppendExportRow(const TableSchema& table, const Row& row, ExportFormat format,
                     std::string* out);

// JSON cells nest at most this deep: import rejects deeper ones, and export
// (whose JSON writer recurses per level) writes a deeper stored value as a
// string instead of embedding it.
inline constexpr int kMaxJsonDepth = 64;
// The deepest nesting of arrays and objects in JSON text (brackets inside
// strings do not count); any text is accepted.
int JsonNestingDepth(std::string_view text);

// Formats one cell for CSV (without quoting) / parses one back.
std::string FormatCell(const Column& column, const Value& v);

struct ImportReport {
  int64_t rows = 0;
  int64_t dates = 0;            // distinct dates replaced
  std::vector<Date> date_list;  // those dates, ascending
};

// Parses and validates every row of a CSV file for `table` (decision 25:
// the first problem is reported with file, line and field), then replaces
// the rows of the dates the file covers in one transaction. Nothing is
// written when any row is bad.
Result<ImportReport> ImportCsvFile(Warehouse& wh, const TableSchema& table,
                                   const std::string& path);
// The same over content already in memory (`name` is used in messages).
Result<std::vector<Row>> ParseCsvRows(const TableSchema& table, const std::string& name,
                                      const std::string& content);

}  // namespace phase4::tableio
