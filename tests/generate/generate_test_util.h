// Shared helpers of the generator tests: the default league (generated once
// per test binary) and typed access to row cells by column name.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "generate/generator.h"
#include "warehouse/schema.h"

namespace phase4::generate::test {

// GenerateLeague with default options and no loaded schedule, cached.
inline const generate::GeneratedLeague& DefaultLeague() {
  static const generate::GeneratedLeague league = [] {
    auto r = generate::GenerateLeague(generate::GenerateOptions{}, {});
    if (!r.ok()) {
      ADD_FAILURE() << r.status().message();
      return generate::GeneratedLeague{};
    }
    return std::move(r).value();
  }();
  return league;
}

// Column index by name (fails the test when missing).
class Cols {
 public:
  explicit Cols(const TableSchema& s) : s_(s) {}
  size_t operator()(const char* name) const {
    int i = s_.ColumnIndex(name);
    EXPECT_GE(i, 0) << "no column " << name << " in " << s_.FullName();
    return static_cast<size_t>(i < 0 ? 0 : i);
  }
  std::optional<int64_t> Int(const Row& r, const char* name) const {
    return AsInt(r[(*this)(name)]);
  }
  int64_t IntOr(const Row& r, const char* name, int64_t dflt) const {
    auto v = Int(r, name);
    return v ? *v : dflt;
  }
  std::optional<double> Real(const Row& r, const char* name) const {
    return AsReal(r[(*this)(name)]);
  }
  std::string Text(const Row& r, const char* name) const {
    auto v = AsText(r[(*this)(name)]);
    return v ? *v : std::string();
  }
  bool Null(const Row& r, const char* name) const { return IsNull(r[(*this)(name)]); }

 private:
  const TableSchema& s_;
};

// Decision 27: a player played when is_active is not FALSE and minutes > 0
// or field-goal attempts > 0.
inline bool Played(const Cols& c, const Row& r) {
  auto active = c.Int(r, "is_active");
  if (active && *active == 0) return false;
  auto minutes = c.Real(r, "minutes_played");
  auto fga = c.Int(r, "fg_attempts");
  return (minutes && *minutes > 0) || (fga && *fga > 0);
}

}  // namespace phase4::generate::test
