// What only a server warehouse has: URIs and their secrets, a server that
// is unreachable, refuses the password, lacks the database or goes away
// during a run, notifications, and least-privilege roles (doc/postgres.md).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "pg_server.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"
#include "warehouse/postgres_warehouse.h"
#include "warehouse/warehouse.h"

namespace phase4 {
namespace {

namespace fs = std::filesystem;
using testing::PostgresServer;
using testing::RunPhase4;

TEST(WarehouseUri, PasswordsAreRedactedAndMovedOutOfTheUri) {
  EXPECT_TRUE(IsPostgresUri("postgresql://u@h/db"));
  EXPECT_TRUE(IsPostgresUri("postgres://u@h/db"));
  EXPECT_FALSE(IsPostgresUri("./warehouse"));
  EXPECT_FALSE(IsPostgresUri("/srv/postgresql://x"));
  EXPECT_EQ(RedactLocation("postgresql://alice:s3cr%40t@db.example:5432/wh?sslmode=verify-full"),
            "postgresql://alice:***@db.example:5432/wh?sslmode=verify-full");
  EXPECT_EQ(RedactLocation("postgres://h/wh?user=a&password=hunter2&sslmode=require"),
            "postgres://h/wh?user=a&password=***&sslmode=require");
  EXPECT_EQ(RedactLocation("postgresql://alice@h/wh"), "postgresql://alice@h/wh");
  EXPECT_EQ(RedactLocation("/dir/with:colon@at"), "/dir/with:colon@at");
  EXPECT_EQ(PasswordInUri("postgresql://alice:s3cr%40t@h/wh"),
            std::optional<std::string>("s3cr@t"));
  EXPECT_EQ(PasswordInUri("postgresql://alice@h/wh"), std::nullopt);

  // Resolving moves the password to PGPASSWORD (children inherit it) and
  // leaves a URI without one, for every message and child's argv.
  const char* saved = std::getenv("PGPASSWORD");
  const std::string keep = saved ? saved : "";
  EXPECT_EQ(ResolveWarehouseDir("postgresql://alice:s3cr%40t@h:5432/wh?sslmode=require"),
            "postgresql://alice@h:5432/wh?sslmode=require");
  EXPECT_STREQ(std::getenv("PGPASSWORD"), "s3cr@t");
  EXPECT_EQ(ResolveWarehouseDir("postgresql://h/wh?password=x&sslmode=require"),
            "postgresql://h/wh?sslmode=require");
  EXPECT_EQ(ResolveWarehouseDir("postgresql://h/wh?sslmode=require&password=x"),
            "postgresql://h/wh?sslmode=require");
  if (saved)
    setenv("PGPASSWORD", keep.c_str(), 1);
  else
    unsetenv("PGPASSWORD");
}

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PostgresServer::Get();
    ASSERT_NE(server_, nullptr);
  }
  PostgresServer* server_ = nullptr;
};

TEST_F(PostgresTest, BadConditionsNameTheWarehouseAndNeverThePassword) {
  // Nothing listens on the port.
  auto unreachable = Warehouse::Open("postgresql://postgres@127.0.0.1:1/x?connect_timeout=5", true);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_NE(unreachable.status().message().find("postgresql://postgres@127.0.0.1:1/x"),
            std::string::npos)
      << unreachable.status().message();
  EXPECT_NE(unreachable.status().message().find("cannot connect"), std::string::npos);

  // The database does not exist.
  auto missing = Warehouse::Open(server_->Uri("no_such_db"), true);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no_such_db"), std::string::npos);
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos)
      << missing.status().message();

  // A wrong password: refused, and the password is shown nowhere.
  const std::string db = server_->NewDatabase();
  server_->Sql(db,
               "SET client_min_messages = warning; DROP ROLE IF EXISTS pw_user; CREATE ROLE "
               "pw_user LOGIN PASSWORD 'right-one'");
  std::string uri = server_->Uri(db, "pw_user");
  uri.insert(uri.find("@"), ":Wr0ngPass");
  auto refused = Warehouse::Open(uri, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("password authentication failed"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(refused.status().message().find("Wr0ngPass"), std::string::npos);
  EXPECT_NE(refused.status().message().find("pw_user:***@"), std::string::npos);
  // Through the binary, warned about once and never printed.
  auto r = RunPhase4({"--warehouse", uri, "init"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ((r.out + r.err).find("Wr0ngPass"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("password authentication failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("holds a password"), std::string::npos) << r.err;

  // A database never initialised names `phase4 init`.
  auto bare = Warehouse::Open(server_->Uri(db), /*create=*/false);
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.status().message().find("init"), std::string::npos);
}

TEST_F(PostgresTest, AServerRestartFailsTheDateInFlightAndTheNextOneWorks) {
  const std::string db = server_->NewDatabase();
  auto opened = Warehouse::Open(server_->Uri(db), true);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Warehouse& wh = **opened;
  const TableSchema& t = ScheduleSchema();
  const auto row = testing::ScheduleRow;
  const Date d = *ParseDate("2023-10-24");
  ASSERT_TRUE(wh.ReplaceDate(t, d, {row("0022300001", "2023-10-24")}).ok());
  ASSERT_TRUE(server_->Stop());
  Status lost = wh.ReplaceDate(t, d, {row("0022300002", "2023-10-24")});
  EXPECT_EQ(lost.code(), Status::Code::kStorage) << lost.message();
  EXPECT_NE(lost.message().find(wh.location()), std::string::npos) << lost.message();
  ASSERT_TRUE(server_->Start());
  // The old rows are all there (the failed replacement wrote nothing), and
  // the same connection object works again.
  auto rows = wh.SelectRows(t, d, d);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0], Value(std::string("0022300001")));
  ASSERT_TRUE(wh.ReplaceDate(t, d, {row("0022300002", "2023-10-24")}).ok());
  EXPECT_EQ(*wh.CountRows(t), 1);
}

TEST_F(PostgresTest, ACommittedCompletionMessageWakesAListener) {
  const std::string db = server_->NewDatabase();
  auto writer = Warehouse::Open(server_->Uri(db), true);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  auto listener = (*writer)->Connect();
  ASSERT_TRUE(listener.ok());
  ASSERT_FALSE(*(*listener)->WaitForOutboxNotice(0));  // starts listening; nothing yet
  const TableSchema& out = processors::TeamDefenseZoneAnalysisSchema();
  RowBuilder msg(PrecomputeOutboxSchema());
  msg.Set("topic", std::string("t"))
      .Set("source_table", out.FullName())
      .Set("data_date", std::string("2024-01-02"))
      .Set("payload", std::string("{}"))
      .Set("created_at", std::string("2024-01-02T00:00:00Z"));
  // A failed write announces nothing.
  (*writer)->InjectWriteFailureForTest(0, "refused");
  RowBuilder row(out);
  EXPECT_FALSE((*writer)
                   ->ReplaceDate(out, *ParseDate("2024-01-02"), {row.Build()},
                                 {{&PrecomputeOutboxSchema(), msg.row()}})
                   .ok());
  EXPECT_FALSE(*(*listener)->WaitForOutboxNotice(200));
  ASSERT_TRUE((*writer)
                  ->ReplaceDate(out, *ParseDate("2024-01-02"), {},
                                {{&PrecomputeOutboxSchema(), msg.Build()}})
                  .ok());
  auto woke = (*listener)->WaitForOutboxNotice(10'000);
  ASSERT_TRUE(woke.ok()) << woke.status().message();
  EXPECT_TRUE(*woke);
}

TEST_F(PostgresTest, ABackfillStoppedByAServerRestartFinishesTheRangeWhenRunAgain) {
  const std::string db = server_->NewDatabase();
  const std::string uri = server_->Uri(db);
  ASSERT_EQ(RunPhase4({"--warehouse", uri, "generate", "--seasons", "2023-2023"}).exit_code, 0);
  testing::TempDir ck;
  const std::vector<std::string> backfill{"--warehouse",      uri,
                                          "backfill",         "team_defense_zone_analysis",
                                          "--start-date",     "2023-10-24",
                                          "--end-date",       "2024-04-14",
                                          "--checkpoint-dir", (ck.path() / "c").string()};
  testing::CommandResult stopped;
  std::thread run([&] { stopped = RunPhase4(backfill); });
  // The server goes away once the first dates are written, mid-range.
  auto wh = Warehouse::Open(uri, false);
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  const TableSchema& t = processors::TeamDefenseZoneAnalysisSchema();
  for (int i = 0; i < 6000; ++i) {
    auto n = (*wh)->CountRows(t);
    if (n.ok() && *n > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(server_->Stop());
  run.join();
  ASSERT_TRUE(server_->Start());
  EXPECT_EQ(stopped.exit_code, 74) << stopped.out << stopped.err;
  EXPECT_NE((stopped.out + stopped.err).find(uri), std::string::npos) << stopped.out << stopped.err;
  // Every date written is whole (30 teams), and the same command finishes.
  auto again = RunPhase4(backfill);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  auto whole = Warehouse::Open(uri, false);
  ASSERT_TRUE(whole.ok());
  auto dates = (*whole)->DistinctDates(t, *ParseDate("2023-10-24"), *ParseDate("2024-04-14"));
  ASSERT_TRUE(dates.ok());
  EXPECT_GT(dates->size(), 100u);
  const int date_col = t.ColumnIndex(t.date_column);
  auto rows = (*whole)->SelectRows(t, std::nullopt, std::nullopt, {date_col});
  ASSERT_TRUE(rows.ok());
  std::map<std::string, int> per_date;
  for (const Row& r : *rows) ++per_date[std::get<std::string>(r[static_cast<size_t>(date_col)])];
  for (const auto& [date, n] : per_date) EXPECT_EQ(n, 30) << date;
}

// Reads the roles file of doc/postgres.md; part 1 (superuser) or part 2
// (owner, after init), with the database name put in.
std::vector<std::string> RoleStatements(int part, const std::string& db) {
  const std::string text =
      testing::ReadFile(fs::path(PHASE4_SOURCE_DIR) / "doc" / "postgres-roles.sql");
  const size_t split = text.find("-- Part 2");
  std::string body = part == 1 ? text.substr(0, split) : text.substr(split);
  const std::string var = ":\"dbname\"";
  for (size_t at; (at = body.find(var)) != std::string::npos;) body.replace(at, var.size(), db);
  for (size_t at; (at = body.find("--")) != std::string::npos;)  // comments
    body.erase(at, body.find('\n', at) - at);
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t semi; (semi = body.find(';', start)) != std::string::npos; start = semi + 1)
    out.push_back(body.substr(start, semi - start));
  return out;
}

TEST_F(PostgresTest, RunRoleRunsAndCannotWritePhase3) {
  const std::string db = server_->NewDatabase();
  for (const auto& sql : RoleStatements(1, db)) server_->Sql(db, sql);
  server_->Sql(db, "ALTER ROLE phase4_owner PASSWORD 'owner-pw'");
  server_->Sql(db, "ALTER ROLE phase4_run PASSWORD 'run-pw'");
  const std::string owner = server_->Uri(db, "phase4_owner");
  const std::string runner = server_->Uri(db, "phase4_run");
  auto as_owner = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--warehouse", owner});
    return RunPhase4(args, "", {"PGPASSWORD=owner-pw"});
  };
  testing::TempDir ck;
  auto as_runner = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--warehouse", runner});
    return RunPhase4(args, "", {"PGPASSWORD=run-pw"});
  };
  auto init = as_owner({"init"});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  // The owner grants the run role its rights (it owns the tables).
  auto owner_sql = [&](const std::string& sql) {
    auto r = testing::RunProgram("/usr/bin/psql",
                                 {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", owner, "-c", sql}, "",
                                 {"PGPASSWORD=owner-pw"});
    EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  };
  for (const auto& sql : RoleStatements(2, db)) owner_sql(sql);
  auto gen = as_owner({"generate", "--seasons", "2023-2023"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;

  // The run role runs the pipeline, live and backfill...
  auto run = as_runner({"run-all", "--start-date", "2023-10-24", "--end-date", "2023-11-10",
                        "--checkpoint-dir", (ck.path() / "c").string()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // ...workers too (the queue, its sequences, the registry)...
  auto workers = as_runner({"run-all", "--start-date", "2023-11-11", "--end-date", "2023-11-20",
                            "--checkpoint-dir", (ck.path() / "c").string(), "--workers", "1"});
  EXPECT_EQ(workers.exit_code, 0) << workers.out << workers.err;
  auto status = as_runner({"status", "--start-date", "2023-10-24", "--end-date", "2023-11-20"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_NE(status.out.find("Work queue: 0 queued"), std::string::npos) << status.out;
  auto live = RunPhase4({"--warehouse", runner, "process", "team_defense_zone_analysis",
                         "--analysis-date", "2024-02-22"},
                        "", {"PGPASSWORD=run-pw", "PHASE4_TODAY=2024-03-01"});
  EXPECT_EQ(live.exit_code, 0) << live.out << live.err;
  auto list = as_runner({"outbox", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  ASSERT_FALSE(list.out.empty());
  const std::string id =
      nlohmann::json::parse(list.out.substr(0, list.out.find('\n')))["id"].get<std::string>();
  EXPECT_EQ(as_runner({"outbox", "ack", id}).exit_code, 0);
  // ...and cannot write Phase 3.
  testing::TempDir files;
  auto exported = as_runner({"export", "nba_analytics.team_offense_game_summary"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  testing::WriteFile(files.path() / "t.csv", exported.out);
  auto import = as_runner(
      {"import", "nba_analytics.team_offense_game_summary", (files.path() / "t.csv").string()});
  EXPECT_NE(import.exit_code, 0);
  EXPECT_NE(import.err.find("permission denied"), std::string::npos) << import.err;
  EXPECT_EQ((import.out + import.err).find("run-pw"), std::string::npos);
}

}  // namespace
}  // namespace phase4
