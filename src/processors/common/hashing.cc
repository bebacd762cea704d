#include "processors/common/hashing.h"

#include "processors/common/python_float_repr.h"

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
