#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "live/alerts.h"
#include "live/local_http_server.h"
#include "live/outbox.h"
#include "live/run_history.h"
#include "processors/ml_feature_store/ml_feature_store.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"
#include "test_support.h"

namespace phase4::live {
namespace {

TEST(RunHistoryTest, StartAndFinalRowsTerminalStatusWins) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  RunHistory history(*wh);
  RunInfo info{"team_defense_zone_analysis", "phase_4_precompute", MakeDate(2024, 1, 15), "live"};
  EXPECT_FALSE(history.LatestStatus(info.processor_name, *info.data_date)->has_value());
  auto id = history.Start(info);
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_EQ(id->rfind("team_defense_zone_analysis_", 0), 0u);
  EXPECT_EQ(**history.LatestStatus(info.processor_name, *info.data_date), "running");
  ASSERT_TRUE(history.Finish(*id, info, {"success", 30, ""}).ok());
  // Both rows carry the same started_at; the final row still wins.
  EXPECT_EQ(**history.LatestStatus(info.processor_name, *info.data_date), "success");
  auto rows = wh->SelectRows(ProcessorRunHistorySchema(), std::nullopt, std::nullopt);
  ASSERT_EQ(rows->size(), 2u);
  int kind = ProcessorRunHistorySchema().ColumnIndex("row_kind");
  int records = ProcessorRunHistorySchema().ColumnIndex("records_processed");
  std::set<std::string> kinds{std::get<std::string>((*rows)[0][kind]),
                              std::get<std::string>((*rows)[1][kind])};
  EXPECT_EQ(kinds, (std::set<std::string>{"start", "final"}));
  bool saw_records = false;
  for (const auto& r : *rows) saw_records |= AsInt(r[records]).value_or(0) == 30;
  EXPECT_TRUE(saw_records);
  // A later failed run is the latest.
  auto id2 = history.Start(info);
  ASSERT_TRUE(history.Finish(*id2, info, {"failed", 0, "boom"}).ok());
  EXPECT_EQ(**history.LatestStatus(info.processor_name, *info.data_date), "failed");
}

TEST(RunHistoryTest, RecordFinishedWritesTwoRowsPerRun) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  RunHistory history(*wh);
  std::vector<RunInfo> runs;
  for (int d = 1; d <= 3; ++d)
    runs.push_back({"player_game_summary", "phase_3_analytics", MakeDate(2024, 1, d), "import"});
  ASSERT_TRUE(history.RecordFinished(runs, {"success", 10, ""}).ok());
  EXPECT_EQ(*wh->CountRows(ProcessorRunHistorySchema()), 6);
  EXPECT_EQ(**history.LatestStatus("player_game_summary", MakeDate(2024, 1, 2)), "success");
}

TEST(AlertTest, PostsJsonToTheWebhook) {
  testing::LocalHttpServer server(200);
  Alert a{"error", "Precompute BLOCKED: Data Gaps - team_defense_zone_analysis", "2 gaps",
          "team_defense_zone_analysis", R"({"gap_count": 2})"};
  EXPECT_TRUE(SendAlert(a, server.url()));
  auto bodies = server.bodies();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(server.request_lines()[0], "POST /hook HTTP/1.1");
  auto j = nlohmann::json::parse(bodies[0]);
  EXPECT_EQ(j["title"], a.title);
  EXPECT_EQ(j["details"]["gap_count"], 2);
  EXPECT_NE(j["text"].get<std::string>().find("Data Gaps"), std::string::npos);
}

// An error message quoting stored bytes that are not UTF-8 (a damaged
// warehouse) still makes a valid JSON payload: replaced, never thrown.
TEST(AlertTest, PayloadOfTextThatIsNotUtf8IsValidJson) {
  Alert a{"error", "Precompute Processor Failed: x", "unknown team 'LA\xff'", "x",
          "\"not json \xc3\""};
  std::string payload = AlertPayload(a);
  auto j = nlohmann::json::parse(payload);
  EXPECT_EQ(j["message"], "unknown team 'LA\xef\xbf\xbd'");
}

TEST(AlertTest, WebhookFailureAndTimeoutNeverThrowAndAreBounded) {
  testing::LocalHttpServer failing(500);
  Alert a{"warning", "t", "m", "p"};
  EXPECT_FALSE(SendAlert(a, failing.url()));
  testing::LocalHttpServer slow(200, 2000);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(SendAlert(a, slow.url(), 300));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_FALSE(SendAlert(a, "http://127.0.0.1:1/nothing-listens", 300));
  EXPECT_FALSE(SendAlert(a, ""));  // log only
}

TEST(OutboxTest, MessageCommitsWithTheRowsAndCanBeAcked) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  CompletionInfo c{"team_defense_zone_analysis",     "run1", "", MakeDate(2024, 1, 15),
                   &processors::TeamDefenseZoneAnalysisSchema(), 30,     0.5};
  // A failed write leaves neither rows nor message.
  wh->InjectWriteFailureForTest(0, "injected");
  EXPECT_FALSE(
      wh->ReplaceDate(processors::TeamDefenseZoneAnalysisSchema(), c.game_date, {}, {CompletionOutboxRow(c)})
          .ok());
  EXPECT_TRUE(ListOutbox(*wh, true)->empty());
  ASSERT_TRUE(
      wh->ReplaceDate(processors::TeamDefenseZoneAnalysisSchema(), c.game_date, {}, {CompletionOutboxRow(c)})
          .ok());
  auto msgs = ListOutbox(*wh, false);
  ASSERT_EQ(msgs->size(), 1u);
  const auto& m = (*msgs)[0];
  EXPECT_EQ(m.topic, "nba-phase4-precompute-complete");
  EXPECT_EQ(m.source_table, "nba_precompute.team_defense_zone_analysis");
  auto j = nlohmann::json::parse(m.payload);
  for (const char* field :
       {"processor_name", "phase", "execution_id", "correlation_id", "game_date", "status",
        "timestamp", "output_table", "output_dataset", "record_count"})
    EXPECT_TRUE(j.contains(field)) << field;
  EXPECT_EQ(j["phase"], "phase_4_precompute");
  EXPECT_EQ(j["game_date"], "2024-01-15");
  EXPECT_EQ(j["record_count"], 30);
  EXPECT_EQ(j["correlation_id"], "run1");
  ASSERT_TRUE(AckOutbox(*wh, "nba_precompute:" + std::to_string(m.message_id)).ok());
  EXPECT_TRUE(ListOutbox(*wh, false)->empty());
  EXPECT_EQ(ListOutbox(*wh, true)->size(), 1u);
  EXPECT_TRUE(AckOutbox(*wh, std::to_string(m.message_id)).ok());  // twice is harmless
  EXPECT_FALSE(AckOutbox(*wh, "999").ok());
  EXPECT_FALSE(AckOutbox(*wh, "abc").ok());
}

TEST(OutboxTest, ExtraRowsMustShareTheDatasetFile) {
  testing::TempDir dir;
  auto wh = std::move(Warehouse::Open(dir.str(), true)).value();
  CompletionInfo c{"ml_feature_store",      "run1", "", MakeDate(2024, 1, 15),
                   &processors::MlFeatureStoreSchema(), 0,      0};
  auto row = CompletionOutboxRow(c);
  EXPECT_EQ(row.table->dataset, "nba_predictions");
  Status s = wh->ReplaceDate(processors::TeamDefenseZoneAnalysisSchema(), c.game_date, {}, {row});
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace phase4::live
