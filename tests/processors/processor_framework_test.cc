// The processor framework: rounding, data_hash rendering, season inputs,
// the registry and the writer's guarantees.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

#include "common/teams.h"
#include "processor_test_util.h"
#include "writer_fixture.h"
#include "processors/common/hashing.h"
#include "processors/common/numeric.h"
#include "processors/common/season_inputs.h"
#include "backfill/shared_seasons.h"
#include "backfill/upstream_rows.h"
#include "processors/common/writer.h"
#include "processors/player_composite_factors/player_composite_factors.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/registry.h"
#include "execution/run_date.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"
#include "test_support.h"
#include "warehouse/sqlite_warehouse.h"
#include "warehouse/stored_value.h"

namespace phase4::processors {
namespace {

using test::D;

TEST(ProcessorFrameworkTest, PythonFloatRepr) {
  EXPECT_EQ(PythonFloatRepr(35.0), "35.0");
  EXPECT_EQ(PythonFloatRepr(0.5714285714285714), "0.5714285714285714");
  EXPECT_EQ(PythonFloatRepr(-0.9999999999999953), "-0.9999999999999953");
  EXPECT_EQ(PythonFloatRepr(99.2), "99.2");
  EXPECT_EQ(PythonFloatRepr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(PythonFloatRepr(0.0), "0.0");
  EXPECT_EQ(PythonFloatRepr(-0.0), "-0.0");
  EXPECT_EQ(PythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonFloatRepr(0.00001), "1e-05");
  EXPECT_EQ(PythonFloatRepr(1.5e-7), "1.5e-07");
  EXPECT_EQ(PythonFloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(PythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PythonFloatRepr(1.25e17), "1.25e+17");
  EXPECT_EQ(PythonFloatRepr(123456.789), "123456.789");
  EXPECT_EQ(PythonFloatRepr(1e100), "1e+100");
  EXPECT_EQ(PythonFloatRepr(std::numeric_limits<double>::infinity()), "inf");
}

TEST(ProcessorFrameworkTest, PythonFloatReprShortcutMatchesShortestDigits) {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int i = 0; i < 200000; ++i) {
    double v;
    switch (i % 4) {
      case 0:  // short decimals, as stored
        v = static_cast<double>(static_cast<int64_t>(next() % 2000000) - 1000000) /
            std::pow(10.0, static_cast<double>(next() % 4));
        break;
      case 1:  // ratios
        v = static_cast<double>(next() % 5000) / static_cast<double>(1 + next() % 997);
        break;
      case 2:  // neighbours of short decimals
        v = std::nextafter(static_cast<double>(next() % 100000) / 1000.0,
                           (next() & 1) ? 1e300 : -1e300);
        break;
      default:  // anything
        std::memcpy(&v, &x, sizeof v);
        next();
        if (!std::isfinite(v)) v = 1.5;
    }
    std::string general;
    if (v == 0)
      general = PythonFloatRepr(v);
    else
      AppendShortestPythonRepr(general, v);
    ASSERT_EQ(PythonFloatRepr(v), general) << v;
  }
}

TEST(ProcessorFrameworkTest, RenderHashValueFollowsPythonStr) {
  EXPECT_EQ(RenderHashValue({"b", ColumnType::kBool}, Value(int64_t{1})), "True");
  EXPECT_EQ(RenderHashValue({"b", ColumnType::kBool}, Value(int64_t{0})), "False");
  EXPECT_EQ(RenderHashValue({"i", ColumnType::kInt}, Value(int64_t{15})), "15");
  EXPECT_EQ(RenderHashValue({"r", ColumnType::kReal, 1}, Value(110.0)), "110.0");
  EXPECT_EQ(RenderHashValue({"t", ColumnType::kText}, Value(std::string("  paint \n"))), "paint");
  EXPECT_EQ(RenderHashValue({"t", ColumnType::kText}, Value()), "NULL");
  EXPECT_EQ(RenderHashValue({"d", ColumnType::kDate}, Value(std::string("2025-01-27"))),
            "2025-01-27");
}

TEST(ProcessorFrameworkTest, RoundHalfEvenOnTheExactBinaryValue) {
  EXPECT_EQ(RoundHalfEven(0.0625, 3), 0.062);
  EXPECT_EQ(RoundHalfEven(2.25, 1), 2.2);
  EXPECT_EQ(RoundHalfEven(2.75, 1), 2.8);
  EXPECT_EQ(RoundHalfEven(0.125, 2), 0.12);
  EXPECT_EQ(RoundHalfEven(0.375, 2), 0.38);
  EXPECT_EQ(RoundHalfEven(2.675, 2), 2.67);  // 2.675 is 2.67499999... in binary
  EXPECT_EQ(RoundHalfEven(1.005, 2), 1.0);   // 1.00499999...
  EXPECT_EQ(RoundHalfEven(-0.8571428571428563, 2), -0.86);
  EXPECT_EQ(RoundHalfEven(-0.001, 2), 0.0);
  EXPECT_FALSE(std::signbit(RoundHalfEven(-0.001, 2)));
  EXPECT_EQ(RoundHalfEven(112.5, 0), 112.0);
  EXPECT_EQ(RoundHalfEven(113.5, 0), 114.0);
  EXPECT_FALSE(RoundHalfEven(std::optional<double>(), 2));
}

// The shortcut of RoundHalfEven agrees with the exact decimal conversion,
// ties and near-ties included.
TEST(ProcessorFrameworkTest, RoundHalfEvenShortcutMatchesDecimalConversion) {
  uint64_t x = 88172645463325252ull;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int i = 0; i < 200000; ++i) {
    const int k = static_cast<int>(next() % 4);
    double v;
    switch (i % 4) {
      case 0:  // ratios of small integers, as the processors produce
        v = static_cast<double>(next() % 2000) / static_cast<double>(1 + next() % 700);
        break;
      case 1:  // exact decimal ties and their neighbours
        v = (static_cast<double>(next() % 200000) + 0.5) / std::pow(10.0, k);
        if (next() % 3 == 0) v = std::nextafter(v, (next() & 1) ? 1e9 : -1e9);
        break;
      case 2:  // percentage-point deltas
        v = (static_cast<double>(next() % 1000) / 1000.0 - 0.5) * 100;
        break;
      default:  // anything in range
        v = static_cast<double>(static_cast<int64_t>(next() % 2000000) - 1000000) / 997.0;
    }
    ASSERT_EQ(RoundHalfEven(v, k), RoundHalfEvenByDecimal(v, k)) << v << " at " << k;
  }
}

TEST(ProcessorFrameworkTest, MeansComeFromExactSums) {
  DecimalSum s;
  for (int i = 0; i < 15; ++i) s.Add(*Exact::OfStored(99.2));
  EXPECT_EQ(*s.Mean(), Exact::Decimal(992, 1));
  EXPECT_EQ(s.Mean()->Round(1), 99.2);
  DecimalSum t;
  for (int i = 0; i < 15; ++i) t.Add(*Exact::OfStored(0.1));
  EXPECT_EQ(t.Mean()->ToDouble(), 0.1);
  DecimalSum none;
  EXPECT_FALSE(none.Mean());
  IntSum i;
  i.Add(Value());
  EXPECT_TRUE(i.all_null());
  i.Add(Value(int64_t{4}));
  EXPECT_EQ(i.sum, 4);
  EXPECT_EQ(i.non_null, 1);
}

// ------------------------------------------------------------ season inputs

TEST(ProcessorSeasonInputsTest, WindowsAreSlicesByEntityAndDate) {
  test::ScheduleBuilder sb;
  std::vector<Row> rows;
  for (int i = 0; i < 20; ++i) {
    test::DefenseGame g;
    g.date = AddDays(D("2024-11-01"), i * 2);
    g.points_allowed = 100 + i;
    sb.Game(g.date, "LAL", "BOS");
    rows.push_back(test::DefenseRow(g));
  }
  // Rows arrive in any order.
  std::reverse(rows.begin(), rows.end());
  auto in = test::MakeInputs(sb, 2024, {{"team_defense_game_summary", rows}});
  const SeasonTable& t = *in.season->Table(kTeamDefenseGameSummary);
  EXPECT_EQ(t.entities(), std::vector<std::string>{"LAL"});
  EXPECT_EQ(t.EntityRows("LAL").size(), 20u);
  EXPECT_TRUE(t.EntityRows("BOS").empty());
  const Date d = D("2024-11-11");  // games on 11-01, 03, 05, 07, 09, [11], ...
  EXPECT_EQ(t.Before("LAL", d).size(), 5u);
  auto last3 = t.LastN("LAL", d, 3);
  ASSERT_EQ(last3.size(), 3u);
  EXPECT_EQ(t.DateOf(last3.front()), D("2024-11-05"));
  EXPECT_EQ(t.DateOf(last3.back()), D("2024-11-09"));
  EXPECT_EQ(t.LastN("LAL", d, 50).size(), 5u);
  EXPECT_EQ(t.Between("LAL", D("2024-11-03"), D("2024-11-09")).size(), 3u);
  EXPECT_EQ(t.RowsOn(D("2024-11-11")).size(), 1u);
  EXPECT_TRUE(t.RowsOn(D("2024-11-12")).empty());
  EXPECT_EQ(in.season->TeamScheduleDates("LAL").size(), 20u);
  EXPECT_EQ(in.season->TeamScheduleDates("BOS").size(), 20u);
  EXPECT_EQ(in.season->TeamLastScheduled("BOS", d, 3).size(), 3u);
}

TEST(ProcessorSeasonInputsTest, LoadKeepsTheSeasonsCountedPlayedGamesOnly) {
  test::ScheduleBuilder sb;
  sb.Game(D("2024-10-10"), "LAL", "BOS", GameType::kPreseason)
      .Game(D("2024-10-22"), "LAL", "BOS")
      .Game(D("2024-12-17"), "LAL", "BOS", GameType::kCupFinal)
      .Game(D("2025-02-16"), "LAL", "BOS", GameType::kAllStar)
      .Game(D("2025-04-15"), "LAL", "BOS", GameType::kPlayIn)
      .Game(D("2025-05-01"), "LAL", "BOS", GameType::kPlayoffs)
      .Game(D("2024-04-01"), "LAL", "BOS")   // previous season
      .Game(D("2024-11-01"), "MIA", "NYK");  // LAL did not play that day
  std::vector<Row> rows;
  for (const char* d : {"2024-10-10", "2024-10-22", "2024-12-17", "2025-02-16", "2025-04-15",
                        "2025-05-01", "2024-04-01", "2024-11-01"}) {
    test::PlayerGame g;
    g.date = D(d);
    rows.push_back(test::PlayerRow(g));
  }
  test::PlayerGame dnp;
  dnp.date = D("2025-05-01");
  dnp.player = "bench";
  dnp.is_active = false;
  rows.push_back(test::PlayerRow(dnp));
  auto in = test::MakeInputs(sb, 2024, {{std::string(kPlayerGameSummary), rows}});
  const SeasonTable& t = *in.season->Table("player_game_summary");
  EXPECT_EQ(t.rows_read(), rows.size());
  std::vector<Date> dates;
  for (const Row& r : t.EntityRows("lebronjames")) dates.push_back(t.DateOf(r));
  EXPECT_EQ(dates, (std::vector<Date>{D("2024-10-22"), D("2025-04-15"), D("2025-05-01")}));
  EXPECT_TRUE(t.EntityRows("bench").empty());
  EXPECT_EQ(t.entities().size(), 1u);
}

TEST(ProcessorSeasonInputsTest, PlayedGameRule) {
  test::PlayerGame g;
  g.date = D("2024-11-01");
  EXPECT_TRUE(PlayedGame(test::PlayerRow(g)));
  g.is_active = false;
  EXPECT_FALSE(PlayedGame(test::PlayerRow(g)));
  g.is_active = true;
  g.minutes = 0;
  EXPECT_TRUE(PlayedGame(test::PlayerRow(g)));  // attempts > 0
  g.fg_attempts = 0;
  EXPECT_FALSE(PlayedGame(test::PlayerRow(g)));
  g.minutes = std::nullopt;
  EXPECT_FALSE(PlayedGame(test::PlayerRow(g)));
  g.fg_attempts = std::nullopt;
  g.minutes = 3;
  EXPECT_TRUE(PlayedGame(test::PlayerRow(g)));
}

TEST(ProcessorSeasonInputsTest, UnknownTableAndBadDatesAreErrors) {
  test::ScheduleBuilder sb;
  auto cal = sb.Calendar();
  SeasonInputs s(2024, *cal);
  EXPECT_FALSE(s.AddTable("nba_raw.nbac_schedule", {}).ok());
  test::DefenseGame g;
  g.date = D("2024-11-01");
  Row r = test::DefenseRow(g);
  r[static_cast<size_t>(TeamDefenseGameSummarySchema().ColumnIndex("game_date"))] =
      std::string("2024-13-01");
  Status st = s.AddTable(kTeamDefenseGameSummary, {r});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("2024-13-01"), std::string::npos);
  EXPECT_EQ(s.Table(kTeamDefenseGameSummary), nullptr);
}

// ----------------------------------------------------------------- registry

TEST(ProcessorRegistryTest, ListsProcessorsInExecutionOrder) {
  const auto& all = AllProcessors();
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all[0]->name, "team_defense_zone_analysis");
  EXPECT_EQ(all[1]->name, "player_shot_zone_analysis");
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LE(all[i - 1]->order, all[i]->order);
  EXPECT_EQ(FindProcessor("player_shot_zone_analysis"), all[1]);
  EXPECT_EQ(FindProcessor("nba_precompute.team_defense_zone_analysis"), all[0]);
  EXPECT_EQ(FindProcessor("nope"), nullptr);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(FindProcessor("nba_predictions.ml_feature_store_v2"),
            FindProcessor("ml_feature_store"));
  EXPECT_NE(ProcessorNames().find("team_defense_zone_analysis, player_shot_zone_analysis"),
            std::string::npos);
  for (const ProcessorInfo* p : all) {
    const TableSchema& s = *p->output;
    // Job names are the output tables' names, except ml_feature_store, whose
    // table carries the schema generation (ml_feature_store_v2).
    EXPECT_EQ(p->name == "ml_feature_store" ? "ml_feature_store_v2" : p->name, s.name);
    EXPECT_EQ(s.date_column, p->date_column) << p->name;
    EXPECT_GE(s.ColumnIndex(p->entity_column), 0) << p->name;
    for (const auto& f : p->hash_fields) EXPECT_GE(s.ColumnIndex(f), 0) << p->name << " " << f;
    for (const auto& t : p->phase3_inputs) EXPECT_NE(FindTable(t), nullptr) << t;
    for (const auto& u : p->phase4_upstreams) EXPECT_NE(FindProcessor(u), nullptr) << u;
    EXPECT_TRUE(static_cast<bool>(p->compute)) << p->name;
  }
}

// ------------------------------------------------------------------- writer

TEST(ProcessorWriterTest, RerunningADateKeepsRowCountAndHashes) {
  WriterFixture f;
  auto first = f.Run("2025-01-28T01:00:00.000000Z");
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->rows_written, 30);
  const auto hashes = f.Hashes();
  ASSERT_EQ(hashes.size(), 30u);
  auto second = f.Run("2025-01-29T01:00:00.000000Z");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->rows_written, 30);
  EXPECT_EQ(*f.wh->CountRows(TeamDefenseZoneAnalysisSchema()), 30);
  EXPECT_EQ(f.Hashes(), hashes);
  EXPECT_EQ(f.ProcessedAt(), "2025-01-29T01:00:00.000000Z");
}

TEST(ProcessorWriterTest, StoredValuesAreRoundedToTheDeclaredScale) {
  WriterFixture f;
  ASSERT_TRUE(f.Run("2025-01-28T01:00:00.000000Z").ok());
  auto rows = f.wh->SelectRows(TeamDefenseZoneAnalysisSchema(), f.d, f.d);
  ASSERT_TRUE(rows.ok());
  const TableSchema& s = TeamDefenseZoneAnalysisSchema();
  for (const Row& r : *rows) {
    for (size_t c = 0; c < s.size(); ++c) {
      const Column& col = s.columns[c];
      if (col.type != ColumnType::kReal || col.scale < 0) continue;
      if (auto v = AsReal(r[c])) {
        EXPECT_EQ(*v, RoundHalfEven(*v, col.scale)) << col.name;
      }
    }
    EXPECT_EQ(*test::IntOf(s, r, "early_season_flag"), 0);
    EXPECT_EQ(test::TextOf(s, r, "created_at"), test::TextOf(s, r, "processed_at"));
  }
}

TEST(ProcessorWriterTest, AFailedWriteLeavesThePreviousRowsOfTheDate) {
  WriterFixture f;
  ASSERT_TRUE(f.Run("2025-01-28T01:00:00.000000Z").ok());
  const auto hashes = f.Hashes();
  // Change the inputs so that a successful rerun would change every row.
  ASSERT_TRUE(f.wh->Exec("UPDATE nba_analytics.team_defense_game_summary "
                         "SET opp_paint_makes = opp_paint_makes - 5")
                  .ok());
  f.wh->InjectWriteFailureForTest(17, "disk on fire");
  auto failed = f.Run("2025-01-29T01:00:00.000000Z");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("disk on fire"), std::string::npos);
  EXPECT_EQ(*f.wh->CountRows(TeamDefenseZoneAnalysisSchema()), 30);
  EXPECT_EQ(f.Hashes(), hashes);
  EXPECT_EQ(f.ProcessedAt(), "2025-01-28T01:00:00.000000Z");
  // The next attempt replaces them.
  ASSERT_TRUE(f.Run("2025-01-30T01:00:00.000000Z").ok());
  EXPECT_EQ(*f.wh->CountRows(TeamDefenseZoneAnalysisSchema()), 30);
  EXPECT_NE(f.Hashes(), hashes);
}

TEST(ProcessorWriterTest, ReplacingADateRemovesEntitiesOfAnOlderRun) {
  WriterFixture f;
  // A stale row for a non-team entity on D, and one on another date.
  std::vector<Row> stale = {
      RowBuilder(TeamDefenseZoneAnalysisSchema()).Set("team_abbr", std::string("XXX")).Build(),
      RowBuilder(TeamDefenseZoneAnalysisSchema()).Set("team_abbr", std::string("YYY")).Build()};
  std::vector<Row> s1 = {stale[0]}, s2 = {stale[1]};
  const auto& schema = TeamDefenseZoneAnalysisSchema();
  for (Row* r : {&s1[0], &s2[0]}) {
    (*r)[static_cast<size_t>(schema.ColumnIndex("data_hash"))] = std::string("x");
    (*r)[static_cast<size_t>(schema.ColumnIndex("processed_at"))] = std::string("t");
    (*r)[static_cast<size_t>(schema.ColumnIndex("early_season_flag"))] = int64_t{0};
  }
  s1[0][static_cast<size_t>(schema.ColumnIndex("analysis_date"))] = FormatDate(f.d);
  s2[0][static_cast<size_t>(schema.ColumnIndex("analysis_date"))] = "2025-01-20";
  ASSERT_TRUE(f.wh->InsertRows(schema, {s1[0], s2[0]}).ok());
  ASSERT_TRUE(f.Run("2025-01-28T01:00:00.000000Z").ok());
  auto hashes = f.Hashes();
  EXPECT_EQ(hashes.size(), 30u);
  EXPECT_EQ(hashes.count("XXX"), 0u);
  EXPECT_EQ(*f.wh->CountRows(schema), 31);  // the other date is untouched
}

TEST(ProcessorWriterTest, FinalizeRejectsDuplicateEntitiesAndForeignDates) {
  test::ScheduleBuilder sb;
  sb.Game(D("2025-01-20"), "LAL", "BOS");
  auto in = test::MakeInputs(sb, 2024, {{std::string(kTeamDefenseGameSummary), {}}});
  const Date d = D("2025-01-27");
  auto rows = ComputeTeamDefenseZoneAnalysis(d, in.For(d));
  ASSERT_TRUE(rows.ok());
  std::vector<Row> dup = *rows;
  dup.push_back(dup.front());
  Status s = FinalizeRows(TeamDefenseZoneAnalysisInfo(), d, dup, "t");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("two rows"), std::string::npos);
  std::vector<Row> ok = *rows;
  EXPECT_FALSE(FinalizeRows(TeamDefenseZoneAnalysisInfo(), AddDays(d, 1), ok, "t").ok());
  EXPECT_TRUE(FinalizeRows(TeamDefenseZoneAnalysisInfo(), d, ok, "t").ok());
}

TEST(ProcessorWriterTest, BootstrapDatesWriteNothing) {
  WriterFixture f;
  f.schedule.Game(D("2024-10-22"), "LAL", "BOS");
  auto cal = f.schedule.Calendar();
  execution::InputReader reader(*f.wh, *cal);
  execution::RunOptions o;
  auto out = execution::RunProcessorDate(reader, TeamDefenseZoneAnalysisInfo(), D("2024-10-25"), o);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->bootstrap);
  EXPECT_EQ(out->rows_written, 0);
  EXPECT_EQ(*f.wh->CountRows(TeamDefenseZoneAnalysisSchema()), 0);
  EXPECT_EQ(reader.table_reads(), 0);
  // Day 7 is the first non-bootstrap date.
  out = execution::RunProcessorDate(reader, TeamDefenseZoneAnalysisInfo(), D("2024-10-29"), o);
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->bootstrap);
  EXPECT_EQ(out->rows_written, 30);
}

TEST(SeasonTableTest, WindowHashIsTheDigestsFingerprintEveryTime) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const std::string name = TeamDefenseGameSummarySchema().FullName();
  // Two loads of the same season: equal rows, distinct tables.
  execution::InputReader r1(*f.wh, *cal), r2(*f.wh, *cal);
  auto s1 = r1.Season(2024, execution::WholeTables());
  auto s2 = r2.Season(2024, execution::WholeTables());
  ASSERT_TRUE(s1.ok() && s2.ok());
  const SeasonTable* t = (*s1)->Table(name);
  const SeasonTable* same = (*s2)->Table(name);
  ASSERT_TRUE(t && same && t->row_count() >= 20);
  // The fingerprint of [b, e), computed by hand from the row digests.
  auto expected = [&](const SeasonTable& table, size_t b, size_t e) {
    const Row* rows = &table.EntityRows(table.entities()[0]).front();  // row 0
    std::string bytes;
    for (size_t i = b; i < e; ++i) {
      const auto& d = table.Digest(rows[i]);
      bytes.append(reinterpret_cast<const char*>(d.data()), d.size());
    }
    return HexPrefix(Sha256(bytes), 8);
  };
  for (int round = 0; round < 2; ++round)  // the second round is remembered
    for (size_t b = 0; b < 10; ++b)
      for (size_t e = b + 1; e < b + 10; ++e) {
        EXPECT_EQ(t->WindowHash(b, e), expected(*t, b, e)) << b << " " << e;
        EXPECT_EQ(same->WindowHash(b, e), t->WindowHash(b, e));
      }
  EXPECT_NE(t->WindowHash(0, 3), t->WindowHash(1, 4));
  // A table of other rows never gets this table's remembered fingerprints.
  auto rows = f.wh->SelectRows(TeamDefenseGameSummarySchema(), std::nullopt, std::nullopt);
  ASSERT_TRUE(rows.ok());
  const int makes = TeamDefenseGameSummarySchema().ColumnIndex("opp_paint_makes");
  ASSERT_GE(makes, 0);
  for (Row& r : *rows) r[static_cast<size_t>(makes)] = *AsInt(r[static_cast<size_t>(makes)]) + 1;
  SeasonInputs changed(2024, *cal);
  ASSERT_TRUE(changed.AddTable(name, std::move(rows).value()).ok());
  const SeasonTable* other_rows = changed.Table(name);
  ASSERT_NE(other_rows, nullptr);
  EXPECT_EQ(other_rows->WindowHash(0, 3), expected(*other_rows, 0, 3));
  EXPECT_NE(other_rows->WindowHash(0, 3), t->WindowHash(0, 3));
  // Another thread computes the same fingerprints.
  std::string other;
  std::thread([&] { other = t->WindowHash(2, 7); }).join();
  EXPECT_EQ(other, expected(*t, 2, 7));
}

}  // namespace
}  // namespace phase4::processors
