#include "tableio/csv.h"

#include <fmt/format.h>

namespace phase4 {

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

}  // namespace phase4
