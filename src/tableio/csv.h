// RFC 4180 CSV: a reader that keeps line numbers and tells a quoted empty
// field ("" = empty text) from an unquoted one (NULL), and a writer that
// produces what the reader reads back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace phase4 {

struct CsvField {
  std::string text;
  bool quoted = false;
};

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<CsvField> fields;
};

class CsvReader {
 public:
  // Longest field and most fields per record accepted; anything beyond is
  // malformed input, not data.
  static constexpr size_t kMaxFieldBytes = 1 << 20;
  static constexpr size_t kMaxFields = 4096;

  // `name` is used in error messages (usually the file path).
  CsvReader(std::string name, std::string_view content) : name_(std::move(name)), in_(content) {}
  // Reads the next record into `*rec`; after the last one, done() is true.
  Status Next(CsvRecord* rec);
  bool done() const { return done_; }

 private:
  std::string name_;
  std::string_view in_;
  size_t pos_ = 0;
  int line_ = 1;
  bool done_ = false;
};

// `text` for an error message: at most `max_bytes` bytes (then "..."), with
// control characters, backslashes and non-ASCII bytes written as \xHH
// so that binary input cannot garble the message or the terminal.
std::string ForMessage(std::string_view text, size_t max_bytes = 40);

// Appends one CSV field, quoting when needed. `null` writes an empty
// unquoted field; an empty string is written as "".
void AppendCsvField(std::string* out, std::string_view text, bool null = false);

}  // namespace phase4
