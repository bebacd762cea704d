#include "processors/common/hashing.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace phase4::processors {

namespace {

void AppendShortestRepr(std::string& out, double x);

}  // namespace

void AppendPythonFloatRepr(std::string& out, double x) {
  if (std::isnan(x)) {
    out += "nan";
    return;
  }
  if (std::isinf(x)) {
    out += x > 0 ? "inf" : "-inf";
    return;
  }
  if (x == 0) {
    out += std::signbit(x) ? "-0.0" : "0.0";
    return;
  }
  // Fast path for values with at most 3 decimals and 15 significant digits
  // (most stored numbers): when n / 10^k is exactly x, that decimal is the
  // shortest round-trip string (two decimals of <= 15 significant digits
  // never share a double), printed in fixed notation.
  if (std::fabs(x) >= 1e-3 && std::fabs(x) < 1e12) {
    static constexpr double kScale[] = {1, 10, 100, 1000};
    for (int k = 0; k <= 3; ++k) {
      const double n = std::nearbyint(x * kScale[k]);
      if (std::fabs(n) >= 1e15 || n / kScale[k] != x) continue;
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(std::fabs(n)));
      std::string_view digits(buf, static_cast<size_t>(res.ptr - buf));
      if (x < 0) out += '-';
      if (k == 0) {
        out += digits;
        out += ".0";
        return;
      }
      const size_t kk = static_cast<size_t>(k);
      if (digits.size() <= kk) {
        out += "0.";
        out.append(kk - digits.size(), '0');
        out += digits;
      } else {
        out += digits.substr(0, digits.size() - kk);
        out += '.';
        out += digits.substr(digits.size() - kk);
      }
      // Trailing zeros cannot occur: a smaller k would have matched.
      return;
    }
  }
  AppendShortestRepr(out, x);
}

namespace {

void AppendShortestRepr(std::string& out, double x) {
  // Shortest round-trip digits in scientific form: [-]d[.ddd]e[+-]XX.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  size_t epos = sci.find('e');
  char digits_buf[32];
  int n = 0;
  for (char c : sci.substr(0, epos))
    if (c != '.') digits_buf[n++] = c;
  std::string_view digits(digits_buf, static_cast<size_t>(n));
  int exp10 = 0;
  std::string_view e = sci.substr(epos + 1);
  if (e.front() == '+') e.remove_prefix(1);
  std::from_chars(e.data(), e.data() + e.size(), exp10);
  // Python (float_repr_style 'short', repr mode): with decpt the position
  // of the decimal point after the first digit run, fixed notation is used
  // when -4 < decpt <= 16.
  int decpt = exp10 + 1;
  if (negative) out += '-';
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-decpt), '0');
      out += digits;
    } else if (decpt >= n) {
      out += digits;
      out.append(static_cast<size_t>(decpt - n), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(decpt));
      out += '.';
      out += digits.substr(static_cast<size_t>(decpt));
    }
  } else {
    out += digits[0];
    if (n > 1) {
      out += '.';
      out += digits.substr(1);
    }
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    out += ebuf;
  }
}

}  // namespace

std::string PythonFloatRepr(double x) {
  std::string out;
  AppendPythonFloatRepr(out, x);
  return out;
}

std::string PythonFloatReprGeneral(double x) {
  if (!std::isfinite(x) || x == 0) return PythonFloatRepr(x);
  std::string out;
  AppendShortestRepr(out, x);
  return out;
}

namespace {

std::string_view Strip(std::string_view s) {
  const char* ws = " \t\n\r\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

void AppendHashValue(std::string& out, const Column& column, const Value& v) {
  auto append_int = [&](int64_t i) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, i);
    out.append(buf, static_cast<size_t>(res.ptr - buf));
  };
  if (IsNull(v)) {
    out += "NULL";
    return;
  }
  if (column.type == ColumnType::kBool) {
    if (auto i = AsInt(v)) {
      out += *i ? "True" : "False";
      return;
    }
  } else if (column.type == ColumnType::kReal) {
    if (auto r = AsReal(v)) {
      AppendPythonFloatRepr(out, *r);
      return;
    }
  }
  if (auto p = std::get_if<std::string>(&v)) {
    out += Strip(*p);
  } else if (auto p = std::get_if<int64_t>(&v)) {
    append_int(*p);
  } else if (auto p = std::get_if<double>(&v)) {
    AppendPythonFloatRepr(out, *p);
  }
}

std::string RenderHashValue(const Column& column, const Value& v) {
  std::string out;
  AppendHashValue(out, column, v);
  return out;
}

std::array<uint8_t, 32> Sha256(std::string_view data) {
  std::array<uint8_t, 32> md{};
  unsigned int len = 0;
  // The digest is fetched once (the implicit fetch of EVP_sha256() takes a
  // lock per call) and each thread reuses one context.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Ctx c;
  const EVP_MD* md_type = kSha256 ? kSha256 : EVP_sha256();
  if (!c.ctx || !EVP_DigestInit_ex2(c.ctx, md_type, nullptr) ||
      !EVP_DigestUpdate(c.ctx, data.data(), data.size()) ||
      !EVP_DigestFinal_ex(c.ctx, md.data(), &len)) {
    EVP_Digest(data.data(), data.size(), md.data(), &len, md_type, nullptr);
  }
  return md;
}

std::string HexPrefix(const std::array<uint8_t, 32>& digest, size_t bytes) {
  static const char* kHex = "0123456789abcdef";
  bytes = std::min(bytes, digest.size());
  std::string out(bytes * 2, '\0');  // sized once: this runs for every output row
  for (size_t i = 0; i < bytes; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

std::vector<int> HashFieldIndexes(const TableSchema& schema,
                                  const std::vector<std::string>& fields) {
  std::vector<int> out;
  for (const auto& f : fields) {
    int i = schema.ColumnIndex(f);
    if (i < 0) {
      std::fprintf(stderr, "data_hash: no column %s in %s\n", f.c_str(), schema.FullName().c_str());
      std::abort();
    }
    out.push_back(i);
  }
  return out;
}

DataHasher::DataHasher(const TableSchema& schema, const std::vector<std::string>& fields)
    : schema_(&schema) {
  for (int i : HashFieldIndexes(schema, fields))
    parts_.emplace_back(schema.column(i).name + ":", i);
  std::sort(parts_.begin(), parts_.end());
}

std::string DataHasher::operator()(const Row& row) const {
  thread_local std::string joined;  // keeps its capacity: this runs for every output row
  joined.clear();
  for (size_t k = 0; k < parts_.size(); ++k) {
    if (k) joined += '|';
    joined += parts_[k].first;
    const int i = parts_[k].second;
    AppendHashValue(joined, schema_->column(i), row[static_cast<size_t>(i)]);
  }
  return HexPrefix(Sha256(joined), 8);
}

std::string DataHash(const TableSchema& schema, const Row& row, const std::vector<int>& fields) {
  std::vector<std::string> parts;
  parts.reserve(fields.size());
  for (int i : fields) {
    const Column& c = schema.column(i);
    parts.push_back(c.name + ":" + RenderHashValue(c, row[static_cast<size_t>(i)]));
  }
  std::sort(parts.begin(), parts.end());
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) joined += '|';
    joined += parts[i];
  }
  return HexPrefix(Sha256(joined), 8);
}

void RowDigestEncoder::Add(const Value& v) {
  if (auto p = std::get_if<int64_t>(&v))
    Int(*p);
  else if (auto q = std::get_if<double>(&v))
    Real(*q);
  else if (auto t = std::get_if<std::string>(&v))
    Text(*t);
  else
    Null();
}

std::array<uint8_t, 32> RowDigestEncoder::Finish() {
  auto digest = Sha256(buf_);
  buf_.clear();  // keeps the capacity: a season load digests every row it reads
  return digest;
}

std::array<uint8_t, 32> RowDigest(const Row& row) {
  thread_local RowDigestEncoder encoder;
  for (const Value& v : row) encoder.Add(v);
  return encoder.Finish();
}

}  // namespace phase4::processors
