#include "pg_server.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

namespace phase4::testing {

namespace {

// Not a static object: the server is stopped during static destruction.
std::string Script() {
  return (std::filesystem::path(PHASE4_SOURCE_DIR) / "scripts" / "pg-throwaway.sh").string();
}

CommandResult RunScript(const std::string& command, const std::string& dir) {
  return RunProgram("/bin/bash", {Script(), command, dir}, "", {"PG_THROWAWAY_FAST=1"});
}

// Runs `sql` on a connection to `uri`; the first cell of the result, or
// the error in `*error`.
std::string RunSql(const std::string& uri, const std::string& sql, std::string* error) {
  PGconn* conn = PQconnectdb(uri.c_str());
  std::string out;
  if (PQstatus(conn) != CONNECTION_OK) {
    *error = PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(r);
    if (status == PGRES_TUPLES_OK) {
      if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) out = PQgetvalue(r, 0, 0);
    } else if (status != PGRES_COMMAND_OK) {
      *error = PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  PQfinish(conn);
  return out;
}

}  // namespace

PostgresServer* PostgresServer::Get() {
  static std::mutex mu;
  static std::unique_ptr<PostgresServer> server;
  static std::string failure;
  std::lock_guard<std::mutex> lock(mu);
  if (!server && failure.empty()) {
    std::unique_ptr<PostgresServer> s(new PostgresServer());
    if (s->Launch(&failure))
      server = std::move(s);
    else if (failure.empty())
      failure = "the PostgreSQL test server did not start";
  }
  if (!server) ADD_FAILURE() << failure;
  return server.get();
}

bool PostgresServer::Launch(std::string* error) {
  CommandResult r = RunScript("start", dir_.str());
  if (r.exit_code != 0) {
    *error = "cannot start a PostgreSQL test server (" + Script() + "): " + r.err + r.out;
    return false;
  }
  port_ = std::atoi(r.out.c_str());
  if (port_ <= 0) {
    *error = "pg-throwaway.sh printed no port: " + r.out;
    return false;
  }
  // The watchdog: a process that waits for this one's end (the pipe's
  // write end closes with it, however it ends) and then stops the server
  // and removes its directory. A normal exit has done both already.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) == 0) {
    const pid_t pid = fork();
    if (pid == 0) {
      dup2(fds[0], 0);
      close_range(3, ~0U, 0);  // hold no other test's pipe open
      execl("/bin/sh", "sh", "-c",
            "cat >/dev/null; PG_THROWAWAY_FAST=1 bash \"$0\" stop \"$1\" >/dev/null 2>&1; "
            "rm -rf \"$1\"",
            Script().c_str(), dir_.str().c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[0]);
    watchdog_pipe_ = pid > 0 ? fds[1] : (close(fds[1]), -1);
  }
  return true;
}

PostgresServer::~PostgresServer() {
  Stop();
  if (watchdog_pipe_ >= 0) close(watchdog_pipe_);
}

bool PostgresServer::Stop() { return RunScript("stop", dir_.str()).exit_code == 0; }

bool PostgresServer::Start() {
  // `restart` keeps the port, and starts a stopped server too.
  CommandResult r = RunScript("restart", dir_.str());
  return r.exit_code == 0;
}

std::string PostgresServer::NewDatabase() {
  const std::string name = "test_" + std::to_string(++databases_);
  Sql("postgres", "CREATE DATABASE " + name);
  return name;
}

std::string PostgresServer::Uri(const std::string& database, const std::string& user) const {
  return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void PostgresServer::Sql(const std::string& database, const std::string& sql) const {
  std::string error;
  RunSql(Uri(database), sql, &error);
  EXPECT_TRUE(error.empty()) << sql << ": " << error;
}

std::string PostgresServer::Query(const std::string& database, const std::string& sql) const {
  std::string error;
  std::string out = RunSql(Uri(database), sql, &error);
  EXPECT_TRUE(error.empty()) << sql << ": " << error;
  return out;
}

TestWarehouse::TestWarehouse(const std::string& backend) : postgres_(backend == "postgresql") {
  if (!postgres_) {
    location_ = (dir_.path() / "wh").string();
    return;
  }
  if (PostgresServer* server = PostgresServer::Get()) {
    database_ = server->NewDatabase();
    location_ = server->Uri(database_);
  }
}

void TestWarehouse::Sql(const std::string& dataset, const std::string& sql) const {
  if (postgres_)
    PostgresServer::Get()->Sql(database_, sql);
  else
    ExecSql(dir() / (dataset + ".db"), sql);
}

}  // namespace phase4::testing
