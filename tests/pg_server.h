// A throwaway PostgreSQL 15 server for the tests (scripts/pg-throwaway.sh):
// initdb into a temporary directory, started on a free local port on first
// use and shared by the tests of one process; stopped and removed at exit,
// and by a watchdog process if this one dies without exiting normally.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "test_support.h"

namespace phase4::testing {

class PostgresServer {
 public:
  // The process's server, started on first use. When it cannot start
  // (server binaries missing, ...) the calling test fails with the reason
  // and nullptr is returned.
  static PostgresServer* Get();
  ~PostgresServer();

  int port() const { return port_; }
  // A new, empty database owned by `postgres`; returns its name.
  std::string NewDatabase();
  // The URI of `database` for `user` over TCP (the `postgres` user needs no
  // password; other roles give theirs through PGPASSWORD or the URI).
  std::string Uri(const std::string& database, const std::string& user = "postgres") const;
  // Runs SQL as the superuser on `database`; fails the test on an error.
  void Sql(const std::string& database, const std::string& sql) const;
  // The first column of the first row ("" when none).
  std::string Query(const std::string& database, const std::string& sql) const;
  // Stops / starts the server (same port), e.g. to drop connections.
  bool Stop();
  bool Start();

 private:
  PostgresServer() = default;
  bool Launch(std::string* error);

  TempDir dir_;
  int port_ = 0;
  int watchdog_pipe_ = -1;
  int databases_ = 0;
};

// A PostgreSQL warehouse in a fresh database of the shared server, or a
// SQLite warehouse in a temporary directory: the location to pass as
// --warehouse. Parameterized tests run the same body on both.
class TestWarehouse {
 public:
  explicit TestWarehouse(const std::string& backend);
  const std::string& location() const { return location_; }
  bool postgres() const { return postgres_; }
  // The PostgreSQL database ("" for SQLite) and the SQLite directory.
  const std::string& database() const { return database_; }
  std::filesystem::path dir() const { return dir_.path() / "wh"; }
  // Runs SQL on one dataset directly (bypassing phase4): on SQLite on the
  // dataset's file, on PostgreSQL in the database (tables named with their
  // dataset); fails the test on an error.
  void Sql(const std::string& dataset, const std::string& sql) const;
  // Fails the test (and is empty) when the server could not start.
  bool ok() const { return !location_.empty(); }

 private:
  bool postgres_ = false;
  TempDir dir_;
  std::string location_;
  std::string database_;
};

// Test-name suffix for a backend parameter.
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace phase4::testing
