// What the tests of `phase4 worker` share: a generated 2023-24 league in a
// fresh database of the test server (copied from one generated per test
// process), and the five Phase 4 tables of a single-process SQLite run over
// a range, to compare with.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pg_server.h"
#include "processors/registry.h"
#include "test_support.h"

namespace phase4::testing {

// The five Phase 4 tables of `warehouse` over [start, end] as CSV, without
// the columns that hold write times.
inline std::string Phase4Tables(const std::string& warehouse, const std::string& start,
                                const std::string& end) {
  std::string all;
  for (const auto* p : processors::AllProcessors()) {
    const std::string table = p->output->FullName();
    auto r = RunPhase4(
        {"--warehouse", warehouse, "export", table, "--start-date", start, "--end-date", end});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    all += "== " + table + "\n" + StripTimestamps(r.out, /*upstream_times=*/true);
  }
  return all;
}

// The tables a single-process run-all writes over [start, end] on SQLite
// (once per range and test process).
inline const std::string& SqliteReference(const std::string& start, const std::string& end) {
  static std::map<std::pair<std::string, std::string>, std::string> done;
  auto it = done.find({start, end});
  if (it != done.end()) return it->second;
  TempDir dir;
  const std::string wh = (dir.path() / "wh").string();
  std::filesystem::copy(GeneratedLeague(), wh, std::filesystem::copy_options::recursive);
  auto r = RunPhase4({"--warehouse", wh, "run-all", "--start-date", start, "--end-date", end,
                      "--checkpoint-dir", (dir.path() / "ck").string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return done[{start, end}] = Phase4Tables(wh, start, end);
}

// A fresh database holding the generated 2023-24 league.
class PostgresLeague {
 public:
  PostgresLeague() {
    server_ = PostgresServer::Get();
    if (!server_) return;
    static std::string league;  // generated once per process, then copied
    if (league.empty()) {
      league = server_->NewDatabase();
      auto r =
          RunPhase4({"--warehouse", server_->Uri(league), "generate", "--seasons", "2023-2023"});
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    }
    database_ = server_->NewDatabase() + "_league";
    server_->Sql("postgres", "CREATE DATABASE " + database_ + " TEMPLATE " + league);
  }
  bool ok() const { return server_ != nullptr; }
  PostgresServer& server() { return *server_; }
  std::string uri() const { return server_->Uri(database_); }
  std::string Query(const std::string& sql) const { return server_->Query(database_, sql); }
  void Sql(const std::string& sql) const { server_->Sql(database_, sql); }

 private:
  PostgresServer* server_ = nullptr;
  std::string database_;
};

}  // namespace phase4::testing
