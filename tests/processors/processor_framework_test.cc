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
#include "processors/common/hashing.h"
#include "processors/common/numeric.h"
#include "processors/common/season_inputs.h"
#include "processors/common/shared_seasons.h"
#include "processors/common/upstream_rows.h"
#include "processors/common/writer.h"
#include "processors/player_composite_factors/player_composite_factors.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/registry.h"
#include "processors/run.h"
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
    ASSERT_EQ(PythonFloatRepr(v), PythonFloatReprGeneral(v)) << v;
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

// A warehouse holding a small league: 30 teams x 16 games before D.
struct WriterFixture {
  testing::TempDir dir;
  std::unique_ptr<SqliteWarehouse> wh;
  test::ScheduleBuilder schedule;
  const Date d = D("2025-01-27");

  WriterFixture() {
    wh = std::move(SqliteWarehouse::Open(dir.str(), true)).value();
    std::vector<Row> rows;
    schedule.Game(D("2024-10-22"), "NYK", "ORL");
    for (int i = 1; i <= 16; ++i) {
      Date day = AddDays(d, -i);
      for (size_t t = 0; t < 30; t += 2) {
        const std::string home(AllTeams()[t].tricode), away(AllTeams()[t + 1].tricode);
        schedule.Game(day, home, away);
        for (const auto& [team, opp] : {std::pair{home, away}, std::pair{away, home}}) {
          test::DefenseGame g;
          g.team = team;
          g.opponent = opp;
          g.date = day;
          g.paint_makes = 15 + static_cast<int64_t>((t + static_cast<size_t>(i)) % 9);
          rows.push_back(test::DefenseRow(g));
        }
      }
    }
    EXPECT_TRUE(wh->InsertRows(TeamDefenseGameSummarySchema(), rows).ok());
  }

  Result<DateOutcome> Run(const std::string& processed_at, InputReader* reader = nullptr) {
    auto cal = schedule.Calendar();
    InputReader local(*wh, *cal);
    RunOptions o;
    o.processed_at = processed_at;
    return RunProcessorDate(reader ? *reader : local, TeamDefenseZoneAnalysisInfo(), d, o);
  }

  std::map<std::string, std::string> Hashes() {
    auto rows = wh->SelectRows(TeamDefenseZoneAnalysisSchema(), d, d);
    EXPECT_TRUE(rows.ok());
    std::map<std::string, std::string> out;
    const auto& s = TeamDefenseZoneAnalysisSchema();
    for (const Row& r : *rows)
      out[*test::TextOf(s, r, "team_abbr")] = *test::TextOf(s, r, "data_hash");
    return out;
  }
  std::string ProcessedAt() {
    auto rows = wh->SelectRows(TeamDefenseZoneAnalysisSchema(), d, d);
    return *test::TextOf(TeamDefenseZoneAnalysisSchema(), rows->front(), "processed_at");
  }
};

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
  InputReader reader(*f.wh, *cal);
  RunOptions o;
  auto out = RunProcessorDate(reader, TeamDefenseZoneAnalysisInfo(), D("2024-10-25"), o);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->bootstrap);
  EXPECT_EQ(out->rows_written, 0);
  EXPECT_EQ(*f.wh->CountRows(TeamDefenseZoneAnalysisSchema()), 0);
  EXPECT_EQ(reader.table_reads(), 0);
  // Day 7 is the first non-bootstrap date.
  out = RunProcessorDate(reader, TeamDefenseZoneAnalysisInfo(), D("2024-10-29"), o);
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->bootstrap);
  EXPECT_EQ(out->rows_written, 30);
}

TEST(ProcessorWriterTest, InputReaderReadsEachTableOncePerSeason) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  InputReader reader(*f.wh, *cal);
  for (int i = 0; i < 10; ++i) {
    auto out = ComputeDate(reader, TeamDefenseZoneAnalysisInfo(), AddDays(f.d, -i));
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(out->size(), 30u);
  }
  EXPECT_EQ(reader.table_reads(), 1);
  // A date of another season reads that season.
  ASSERT_TRUE(ComputeDate(reader, TeamDefenseZoneAnalysisInfo(), D("2023-12-01")).ok());
  EXPECT_EQ(reader.table_reads(), 2);
}

TEST(ProcessorWriterTest, APrefetchedSeasonGivesTheRowsOfAnOnDemandRead) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  InputReader ahead(*f.wh, *cal);
  ASSERT_TRUE(ComputeDate(ahead, info, D("2023-12-01")).ok());
  ahead.Prefetch(SeasonYearOf(f.d), *Phase3Reads({&info}));
  // Dates of the current season do not wait for the prefetch.
  ASSERT_TRUE(ComputeDate(ahead, info, D("2023-12-02")).ok());
  EXPECT_EQ(ahead.prefetched_seasons(), 0);
  auto a = ComputeDate(ahead, info, f.d);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(ahead.prefetched_seasons(), 1);
  EXPECT_EQ(ahead.table_reads(), 2);  // one per season, the prefetch included

  InputReader on_demand(*f.wh, *cal);
  auto b = ComputeDate(on_demand, info, f.d);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->size(), 30u);
}

TEST(ProcessorWriterTest, APrefetchOfAnotherSeasonIsDroppedAndReadAgain) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  InputReader reader(*f.wh, *cal);
  reader.Prefetch(SeasonYearOf(f.d), *Phase3Reads({&info}));
  // The reader is asked for a season that is neither loaded nor prefetched.
  ASSERT_TRUE(ComputeDate(reader, info, D("2023-12-01")).ok());
  auto rows = ComputeDate(reader, info, f.d);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(rows->size(), 30u);
  EXPECT_EQ(reader.prefetched_seasons(), 0);
  EXPECT_EQ(reader.table_reads(), 2);
}

TEST(ProcessorWriterTest, AReaderBoundedToADateGivesTheSameRows) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  InputReader whole(*f.wh, *cal);
  InputReader bounded(*f.wh, *cal, f.d);
  auto a = ComputeDate(whole, TeamDefenseZoneAnalysisInfo(), f.d);
  auto b = ComputeDate(bounded, TeamDefenseZoneAnalysisInfo(), f.d);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto later = ComputeDate(bounded, TeamDefenseZoneAnalysisInfo(), AddDays(f.d, 1));
  ASSERT_FALSE(later.ok());
  EXPECT_NE(later.status().message().find("read through"), std::string::npos);
}

// An in-process run-all: two jobs' readers take their seasons from one
// SharedSeasons, which reads each season once, and compute what a reader of
// their own computes.
TEST(SharedSeasonsTest, EachSeasonIsReadOnceForEveryJobAndGivesTheSameRows) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  SharedSeasons pool(*f.wh, *cal, *Phase3Reads({&info}), 2023, 2024);
  auto u1 = pool.Join(), u2 = pool.Join();
  InputReader r1(*f.wh, *cal), r2(*f.wh, *cal);
  r1.ShareSeasons(u1.get());
  r2.ShareSeasons(u2.get());
  ASSERT_TRUE(ComputeDate(r1, info, D("2023-12-01")).ok());
  ASSERT_TRUE(ComputeDate(r2, info, D("2023-12-01")).ok());
  EXPECT_EQ(pool.seasons_read(), 1);
  auto a = ComputeDate(r1, info, f.d);
  auto b = ComputeDate(r2, info, f.d);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(pool.seasons_read(), 2);
  EXPECT_EQ(r1.table_reads(), 0);  // the readers read nothing themselves
  EXPECT_EQ(r2.table_reads(), 0);
  InputReader own(*f.wh, *cal);
  auto c = ComputeDate(own, info, f.d);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(a->size(), 30u);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(*b, *c);
}

TEST(SharedSeasonsTest, AJobWaitsForTheSlowestToReachThePreviousSeason) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  SharedSeasons pool(*f.wh, *cal, *Phase3Reads({&info}), 2022, 2024);
  auto slow = pool.Join(), fast = pool.Join(), leaving = pool.Join();
  std::atomic<bool> got{false};
  std::thread t([&] {
    auto season = fast->Acquire(2024);
    EXPECT_TRUE(season.ok());
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(got.load()) << "took 2024 while other jobs were in 2022";
  slow->MoveTo(2023);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(got.load()) << "took 2024 while a job was in 2022";
  leaving.reset();  // a job that ends holds no one back
  t.join();
  EXPECT_TRUE(got.load());
  EXPECT_EQ(pool.seasons_read(), 1);
}

TEST(SharedSeasonsTest, AJobNeedingATableTheRunDidNotReadFails) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  SharedSeasons pool(*f.wh, *cal, *Phase3Reads({&TeamDefenseZoneAnalysisInfo()}), 2024, 2024);
  auto user = pool.Join();
  InputReader reader(*f.wh, *cal);
  reader.ShareSeasons(user.get());
  auto rows = ComputeDate(reader, PlayerShotZoneAnalysisInfo(), f.d);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("the shared 2024 season lacks"), std::string::npos)
      << rows.status().message();
}

// --------------------------------------------------------------- UpstreamRows

TEST(StoredValueTest, IsWhatSqliteReadsBack) {
  using T = ColumnType;
  EXPECT_EQ(StoredValue(T::kReal, Value(int64_t{7})), Value(7.0));
  EXPECT_EQ(StoredValue(T::kReal, Value(2.5)), Value(2.5));
  auto zero = StoredValue(T::kReal, Value(-0.0));
  ASSERT_TRUE(zero && std::holds_alternative<double>(*zero));
  EXPECT_FALSE(std::signbit(std::get<double>(*zero)));
  EXPECT_EQ(StoredValue(T::kReal, Value(std::nan(""))), Value());
  EXPECT_EQ(StoredValue(T::kInt, Value(int64_t{3})), Value(int64_t{3}));
  EXPECT_EQ(StoredValue(T::kBool, Value()), Value());
  EXPECT_EQ(StoredValue(T::kDate, Value(std::string("2025-01-27"))),
            Value(std::string("2025-01-27")));
  // Conversions SQLite would make that are not modelled: not held.
  EXPECT_FALSE(StoredValue(T::kInt, Value(3.0)));
  EXPECT_FALSE(StoredValue(T::kText, Value(int64_t{3})));
  EXPECT_FALSE(StoredValue(T::kReal, Value(std::string("1.5"))));
}

// #1's finished rows for d, in reverse key order, with cells SQLite changes
// on the way in: -0.0, NaN and an integer in REAL columns its takers read.
std::vector<Row> DefenseRowsAsWritten(WriterFixture& f, Date d) {
  const ProcessorInfo& info = TeamDefenseZoneAnalysisInfo();
  auto cal = f.schedule.Calendar();
  InputReader reader(*f.wh, *cal);
  auto rows = ComputeDate(reader, info, d);
  EXPECT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_TRUE(FinalizeRows(info, d, *rows, "2025-01-27T08:00:00.000000Z").ok());
  std::reverse(rows->begin(), rows->end());
  const TableSchema& s = *info.output;
  (*rows)[0][static_cast<size_t>(s.ColumnIndex("paint_defense_vs_league_avg"))] = -0.0;
  (*rows)[1][static_cast<size_t>(s.ColumnIndex("defensive_rating_last_15"))] = std::nan("");
  (*rows)[2][static_cast<size_t>(s.ColumnIndex("opponent_pace"))] = int64_t{99};
  return std::move(rows).value();
}

// #1's output held for its takers in a run of every job, and its rows for d.
class UpstreamRowsTest : public ::testing::Test, public WriterFixture {
 protected:
  const ProcessorInfo& producer = TeamDefenseZoneAnalysisInfo();
  const TableSchema& s = *producer.output;
  Result<std::unique_ptr<UpstreamRows>> up = UpstreamRows::Create(AllProcessors());
  std::vector<Row> rows = DefenseRowsAsWritten(*this, d);
};

TEST_F(UpstreamRowsTest, EveryTakerGetsWhatTheWarehouseReturns) {
  ASSERT_TRUE(up.ok()) << up.status().message();
  ASSERT_EQ(rows.size(), 30u);
  ASSERT_TRUE(wh->ReplaceDate(s, d, rows).ok());
  (*up)->Publish(producer, d, rows);

  int takers = 0;
  for (const ProcessorInfo* taker : AllProcessors()) {
    const auto& ups = taker->phase4_upstreams;
    if (std::find(ups.begin(), ups.end(), producer.name) == ups.end()) continue;
    ++takers;
    auto columns = UpstreamColumnIndexes(*taker, s, producer.name);
    ASSERT_TRUE(columns.ok());
    auto held = (*up)->Take(s, d, *columns);
    ASSERT_NE(held, nullptr) << taker->name;
    auto stored = wh->SelectRows(s, d, d, *columns);
    ASSERT_TRUE(stored.ok());
    ASSERT_EQ(held->size(), stored->size());
    for (size_t r = 0; r < held->size(); ++r)
      for (int c : *columns) {
        const Value& a = (*held)[r][static_cast<size_t>(c)];
        const Value& b = (*stored)[r][static_cast<size_t>(c)];
        EXPECT_EQ(a, b) << taker->name << " row " << r << " " << s.column(c).name;
        if (auto x = std::get_if<double>(&a)) {
          EXPECT_EQ(std::signbit(*x), std::signbit(std::get<double>(b))) << s.column(c).name;
        }
      }
  }
  EXPECT_EQ(takers, 3);  // #3, #4 and #5 read #1
  EXPECT_EQ((*up)->served(), 3);
  EXPECT_EQ((*up)->not_held(), 0);
}

// `rows` moved to date d (the date column rewritten).
std::vector<Row> OnDate(std::vector<Row> rows, const TableSchema& s, Date d) {
  for (Row& r : rows) r[static_cast<size_t>(s.ColumnIndex(s.date_column))] = FormatDate(d);
  return rows;
}

TEST_F(UpstreamRowsTest, ADateIsDroppedOnceEveryTakerIsPastItOrGone) {
  ASSERT_TRUE(up.ok());
  const Date d1 = d, d2 = AddDays(d, 1), d0 = AddDays(d, -1);
  auto keys = UpstreamColumnIndexes(PlayerDailyCacheInfo(), s, producer.name);
  ASSERT_TRUE(keys.ok());
  (*up)->Publish(producer, d1, OnDate(rows, s, d1));
  (*up)->Publish(producer, d2, OnDate(rows, s, d2));
  (*up)->Passed("player_composite_factors", d1);
  (*up)->Passed("player_daily_cache", d1);
  EXPECT_NE((*up)->Take(s, d1, *keys), nullptr) << "#5 has not passed d1";
  (*up)->Leave("ml_feature_store");
  EXPECT_EQ((*up)->Take(s, d1, *keys), nullptr) << "every taker is past d1";
  EXPECT_NE((*up)->Take(s, d2, *keys), nullptr);
  // A date every taker is past is not held at all.
  (*up)->Publish(producer, d0, OnDate(rows, s, d0));
  EXPECT_EQ((*up)->Take(s, d0, *keys), nullptr);
  (*up)->Leave("player_composite_factors");
  (*up)->Leave("player_daily_cache");
  EXPECT_EQ((*up)->Take(s, d2, *keys), nullptr) << "no taker left";
  EXPECT_EQ((*up)->not_held(), 0);
}

TEST_F(UpstreamRowsTest, WhatCannotBeHeldIsLeftToTheWarehouse) {
  ASSERT_TRUE(up.ok());
  auto composite = UpstreamColumnIndexes(PlayerCompositeFactorsInfo(), s, producer.name);
  ASSERT_TRUE(composite.ok());

  // Text in a REAL column a taker reads: SQLite's conversion is not modelled.
  std::vector<Row> odd = rows;
  odd[0][static_cast<size_t>(s.ColumnIndex("paint_defense_vs_league_avg"))] = std::string("1.5");
  (*up)->Publish(producer, d, odd);
  EXPECT_EQ((*up)->Take(s, d, *composite), nullptr);
  EXPECT_EQ((*up)->not_held(), 1);
  // A row of another date.
  std::vector<Row> stray = rows;
  stray[5] = OnDate({stray[5]}, s, AddDays(d, 1))[0];
  (*up)->Publish(producer, d, stray);
  EXPECT_EQ((*up)->not_held(), 2);

  (*up)->Publish(producer, d, rows);
  EXPECT_NE((*up)->Take(s, d, *composite), nullptr);
  EXPECT_EQ((*up)->Take(s, d, {}), nullptr) << "every column is read from the warehouse";
  const int unread = s.ColumnIndex("games_in_sample");  // no taker reads it
  EXPECT_EQ((*up)->Take(s, d, {0, 1, unread}), nullptr);

  // The cap: rows beyond kMaxRowsPerTable wait in the warehouse only.
  Date last = d;
  size_t held = rows.size();
  while (held + rows.size() <= UpstreamRows::kMaxRowsPerTable) {
    last = AddDays(last, 1);
    (*up)->Publish(producer, last, OnDate(rows, s, last));
    held += rows.size();
  }
  EXPECT_NE((*up)->Take(s, last, *composite), nullptr);
  EXPECT_EQ((*up)->not_held(), 2);
  const Date over = AddDays(last, 1);
  (*up)->Publish(producer, over, OnDate(rows, s, over));
  EXPECT_EQ((*up)->Take(s, over, *composite), nullptr);
  EXPECT_EQ((*up)->not_held(), 3);
  EXPECT_LE((*up)->peak_rows(), UpstreamRows::kMaxRowsPerTable);
}

TEST(SeasonTableTest, WindowHashIsTheDigestsFingerprintEveryTime) {
  WriterFixture f;
  auto cal = f.schedule.Calendar();
  const std::string name = TeamDefenseGameSummarySchema().FullName();
  // Two loads of the same season: equal rows, distinct tables.
  InputReader r1(*f.wh, *cal), r2(*f.wh, *cal);
  auto s1 = r1.Season(2024, WholeTables());
  auto s2 = r2.Season(2024, WholeTables());
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
