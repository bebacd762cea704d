#include "tableio/csv.h"

#include <fmt/format.h>

namespace phase4::tableio {

Status CsvReader::Next(CsvRecord* rec) {
  rec->fields.clear();
  if (pos_ >= in_.size()) {
    done_ = true;
    return Status::OK();
  }
  rec->line = line_;
  CsvField field;
  auto too_long = [&] {
    return Status::InvalidInput(fmt::format("{}: line {}: field {}: longer than {} bytes", name_,
                                            line_, rec->fields.size() + 1, kMaxFieldBytes));
  };
  auto binary = [&] {
    return Status::InvalidInput(fmt::format("{}: line {}: field {}: binary data (NUL byte)", name_,
                                            line_, rec->fields.size() + 1));
  };
  while (true) {
    if (pos_ < in_.size() && in_[pos_] == '"' && field.text.empty() && !field.quoted) {
      // Quoted field: runs to the closing quote; "" is a literal quote.
      field.quoted = true;
      ++pos_;
      while (true) {
        if (pos_ >= in_.size())
          return Status::InvalidInput(
              fmt::format("{}: line {}: field {}: unterminated quoted field", name_, rec->line,
                          rec->fields.size() + 1));
        char c = in_[pos_++];
        if (c == '"') {
          if (pos_ < in_.size() && in_[pos_] == '"') {
            field.text += '"';
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        if (c == '\0') return binary();
        field.text += c;
        if (field.text.size() > kMaxFieldBytes) return too_long();
      }
      if (pos_ < in_.size() && in_[pos_] != ',' && in_[pos_] != '\n' && in_[pos_] != '\r')
        return Status::InvalidInput(fmt::format("{}: line {}: field {}: text after a closing quote",
                                                name_, line_, rec->fields.size() + 1));
    }
    if (pos_ >= in_.size()) {
      rec->fields.push_back(std::move(field));
      return Status::OK();
    }
    char c = in_[pos_++];
    if (c == ',') {
      if (rec->fields.size() + 1 >= kMaxFields)
        return Status::InvalidInput(fmt::format("{}: line {}: field {}: more than {} fields", name_,
                                                rec->line, kMaxFields + 1, kMaxFields));
      rec->fields.push_back(std::move(field));
      field = CsvField{};
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ < in_.size() && in_[pos_] == '\n') ++pos_;
      ++line_;
      rec->fields.push_back(std::move(field));
      return Status::OK();
    } else if (c == '\0') {
      return binary();
    } else {
      if (field.quoted)
        return Status::InvalidInput(fmt::format("{}: line {}: field {}: text after a closing quote",
                                                name_, line_, rec->fields.size() + 1));
      field.text += c;
      if (field.text.size() > kMaxFieldBytes) return too_long();
    }
  }
}

std::string_view SkipUtf8Bom(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

namespace {

// Length of the well-formed UTF-8 sequence starting at `i`, or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

size_t InvalidUtf8Offset(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string InvalidUtf8Message(std::string_view text, size_t offset) {
  return fmt::format("invalid UTF-8 (byte \\x{:02x} at byte {} of the field)",
                     static_cast<unsigned char>(text[offset]), offset + 1);
}

int LineInField(int line, std::string_view text, size_t offset) {
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

std::string ToValidUtf8(std::string_view text) {
  size_t bad = InvalidUtf8Offset(text);
  if (bad == std::string_view::npos) return std::string(text);
  std::string out(text.substr(0, bad));
  for (size_t i = bad; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string EscapeInvalidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto u = static_cast<unsigned char>(text[i]);
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0 || (u < 0x20 && u != '\t' && u != '\n') || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string ForMessage(std::string_view text, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < max_bytes; ++i) {
    auto u = static_cast<unsigned char>(text[i]);
    if (u < 0x20 || u >= 0x7f || u == '\\')
      out += fmt::format("\\x{:02x}", u);
    else
      out += static_cast<char>(u);
  }
  if (text.size() > max_bytes) out += "...";
  return out;
}

void AppendCsvField(std::string* out, std::string_view text, bool null) {
  if (null) return;
  bool needs_quotes = text.empty() || text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!needs_quotes) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace phase4::tableio
