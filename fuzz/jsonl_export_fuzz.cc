// libFuzzer target: the exporters on random table contents (doc/fuzzing.md).
//
// The input is decoded into the rows of one table, as a warehouse written
// by any tool could hold them: each cell NULL, an integer, a real (NaN and
// infinities included) or text of any bytes (invalid UTF-8, NUL, deep JSON),
// whatever the column's type. Each row is written as `phase4 export` writes
// it, JSONL and CSV. Neither may throw or crash; every JSONL line must be
// one valid JSON object with the table's columns in order, the CSV must read
// back with as many records and fields, and both outputs must be valid
// UTF-8. Valid text in a text column must come out unchanged.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tableio/csv.h"
#include "tableio/table_io.h"
#include "warehouse/schema.h"

namespace {

using namespace phase4;

[[noreturn]] void Fail(const TableSchema& t, const std::string& what) {
  std::fprintf(stderr, "jsonl_export_fuzz: %s: %s\n", t.FullName().c_str(), what.c_str());
  std::abort();
}

// Reads the input front to back; past the end every read is zero.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  template <class T>
  T Raw() {
    T v{};
    uint8_t buf[sizeof(T)] = {};
    for (auto& b : buf) b = Byte();
    std::memcpy(&v, buf, sizeof v);
    return v;
  }
  std::string Text() {
    size_t n = Byte();
    if (n == 255) n = 255 + Raw<uint16_t>();  // long text, up to 64 KiB
    std::string s;
    for (size_t i = 0; i < n && !done(); ++i) s += static_cast<char>(Byte());
    return s;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

Value Cell(Bytes& in) {
  switch (in.Byte() % 6) {
    case 0:
      return std::monostate{};
    case 1:
      return in.Raw<int64_t>();
    case 2:
      return in.Raw<double>();
    case 3: {
      static const double kSpecial[] = {std::numeric_limits<double>::quiet_NaN(),
                                        std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity(), -0.0, 1e308};
      return kSpecial[in.Byte() % 5];
    }
    default:
      return in.Text();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes in(data, size);
  const auto& tables = AllTables();
  const TableSchema& t = *tables[in.Byte() % tables.size()];
  std::vector<Row> rows;
  while (!in.done() && rows.size() < 64) {
    Row r;
    for (size_t i = 0; i < t.columns.size(); ++i) r.push_back(Cell(in));
    rows.push_back(std::move(r));
  }

  std::string jsonl, csv;
  for (const Row& r : rows) {
    tableio::AppendExportRow(t, r, tableio::ExportFormat::kJsonl, &jsonl);
    tableio::AppendExportRow(t, r, tableio::ExportFormat::kCsv, &csv);
  }
  if (InvalidUtf8Offset(jsonl) != std::string::npos) Fail(t, "JSONL is not valid UTF-8");
  if (InvalidUtf8Offset(csv) != std::string::npos) Fail(t, "CSV is not valid UTF-8");

  size_t begin = 0;
  for (const Row& r : rows) {
    size_t end = jsonl.find('\n', begin);
    if (end == std::string::npos) Fail(t, "fewer JSONL lines than rows");
    auto obj = nlohmann::ordered_json::parse(jsonl.substr(begin, end - begin), nullptr, false);
    begin = end + 1;
    if (obj.is_discarded() || !obj.is_object()) Fail(t, "a JSONL line is not a JSON object");
    if (obj.size() != t.columns.size()) Fail(t, "a JSONL object lacks columns");
    size_t i = 0;
    for (const auto& [key, value] : obj.items()) {
      const Column& c = t.columns[i];
      if (key != c.name) Fail(t, "JSONL keys out of schema order at " + key);
      const Value& v = r[i++];
      // Valid text of a text column is written as itself.
      if (auto s = std::get_if<std::string>(&v);
          s && c.type == ColumnType::kText && InvalidUtf8Offset(*s) == std::string::npos &&
          (!value.is_string() || value.get<std::string>() != *s))
        Fail(t, "text of " + c.name + " changed");
    }
  }
  if (begin != jsonl.size()) Fail(t, "more JSONL lines than rows");

  tableio::CsvReader reader("export.csv", csv);
  size_t records = 0;
  while (true) {
    tableio::CsvRecord rec;
    Status s = reader.Next(&rec);
    // NUL bytes and fields over 1 MiB are written as stored; the reader
    // refuses them as binary data, which is what import does.
    if (!s.ok()) return 0;
    if (reader.done()) break;
    if (rec.fields.size() != t.columns.size()) Fail(t, "a CSV record lacks fields");
    ++records;
  }
  if (records != rows.size()) Fail(t, "CSV records do not match the rows");
  return 0;
}
