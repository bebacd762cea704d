// libFuzzer target: the CSV import parsing path (doc/fuzzing.md).
//
// The input is a whole CSV file. It is parsed for every importable table
// (each table reads the same bytes; a header that names no column of a table
// fails fast). For every table whose parse succeeds, the rows are written back
// as CSV the way `phase4 export` does and parsed again: the second parse must
// succeed and give the same rows (import(export(t)) == t).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tableio/csv.h"
#include "tableio/table_io.h"
#include "warehouse/schema.h"

namespace {

using namespace phase4;

std::string WriteBack(const TableSchema& t, const std::vector<Row>& rows) {
  std::string out;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i) out += ',';
    tableio::AppendCsvField(&out, t.columns[i].name);
  }
  out += '\n';
  for (const Row& r : rows) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i) out += ',';
      tableio::AppendCsvField(&out, tableio::FormatCell(t.columns[i], r[i]), IsNull(r[i]));
    }
    out += '\n';
  }
  return out;
}

[[noreturn]] void Fail(const TableSchema& t, const std::string& what) {
  std::fprintf(stderr, "csv_import_fuzz: %s: %s\n", t.FullName().c_str(), what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string content(reinterpret_cast<const char*>(data), size);
  for (const TableSchema* t : AllTables()) {
    if (t->date_column.empty()) continue;  // not importable
    auto rows = tableio::ParseCsvRows(*t, "fuzz.csv", content);
    if (!rows.ok()) {
      if (rows.status().message().rfind("fuzz.csv: line ", 0) != 0)
        Fail(*t, "error message does not start with file and line: " + rows.status().message());
      continue;
    }
    auto again = tableio::ParseCsvRows(*t, "export.csv", WriteBack(*t, *rows));
    if (!again.ok()) Fail(*t, "written-back rows do not parse: " + again.status().message());
    if (*again != *rows) Fail(*t, "written-back rows differ from the parsed rows");
  }
  return 0;
}
