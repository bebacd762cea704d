// RFC 4180 CSV: a reader that keeps line numbers and tells a quoted empty
// field ("" = empty text) from an unquoted one (NULL), and a writer that
// produces what the reader reads back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace phase4::tableio {

// `text` without a leading UTF-8 byte order mark (EF BB BF).
std::string_view SkipUtf8Bom(std::string_view text);

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

  // `name` is used in error messages (usually the file path). A UTF-8 byte
  // order mark at the start of `content` is skipped (spreadsheets write one).
  CsvReader(std::string name, std::string_view content)
      : name_(std::move(name)), in_(SkipUtf8Bom(content)) {}
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

// Offset of the first byte of `text` that does not start a well-formed UTF-8
// sequence (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), or npos when `text` is valid UTF-8.
size_t InvalidUtf8Offset(std::string_view text);

// The problem for an error message: "invalid UTF-8 (byte \xff at byte 12 of
// the field)", `offset` from InvalidUtf8Offset.
std::string InvalidUtf8Message(std::string_view text, size_t offset);
// The line of byte `offset` of a field that starts on `line` (a quoted field
// may span lines).
int LineInField(int line, std::string_view text, size_t offset);

// `text` with every ill-formed byte replaced by U+FFFD, so that writers
// (JSON, CSV, terminal) never see an invalid sequence; valid text is
// returned unchanged.
std::string ToValidUtf8(std::string_view text);

// `text` for a message line: valid UTF-8 is kept, each ill-formed byte is
// written \xHH and control characters other than tab and newline are escaped the
// same way, so that corrupt stored bytes cannot garble a log or a terminal.
std::string EscapeInvalidUtf8(std::string_view text);

// `text` for an error message: at most `max_bytes` bytes (then "..."), with
// control characters, backslashes and non-ASCII bytes written as \xHH
// so that binary input cannot garble the message or the terminal.
std::string ForMessage(std::string_view text, size_t max_bytes = 40);

// Appends one CSV field, quoting when needed. `null` writes an empty
// unquoted field; an empty string is written as "".
void AppendCsvField(std::string* out, std::string_view text, bool null = false);

}  // namespace phase4::tableio
