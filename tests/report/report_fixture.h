// The warehouse the report tests read: a copy of the generated 2023-24
// league, optionally run through `phase4 run-all` over the opening weeks
// (bootstrap dates included), with a Phase 3 gap that blocks units.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.h"

namespace phase4::testing {

class ReportFixture : public ::testing::Test {
 protected:
  static constexpr const char* kStart = "2023-10-24";  // opening night: 7 bootstrap dates
  static constexpr const char* kEnd = "2023-11-20";
  static constexpr const char* kGap = "2023-11-14";      // player_game_summary deleted
  static constexpr const char* kBlocked = "2023-11-15";  // the next game date: its units blocked

  void SetUp() override {
    std::filesystem::copy(GeneratedLeague(), wh(), std::filesystem::copy_options::recursive);
  }

  std::string wh() const { return (dir_.path() / "wh").string(); }
  std::filesystem::path Path(const std::string& name) const { return dir_.path() / name; }

  CommandResult Phase4(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--warehouse", wh()});
    return RunPhase4(args);
  }
  std::string Query(const std::string& dataset, const std::string& sql) const {
    return QuerySql(std::filesystem::path(wh()) / (dataset + ".db"), sql);
  }
  void Exec(const std::string& dataset, const std::string& sql) const {
    ExecSql(std::filesystem::path(wh()) / (dataset + ".db"), sql);
  }

  // Deletes player_game_summary on kGap and runs every job over
  // [kStart, kEnd]: the units of kBlocked that read it are blocked.
  void RunAllWithGap() {
    Exec("nba_analytics",
         std::string("DELETE FROM player_game_summary WHERE game_date = '") + kGap + "'");
    auto run = Phase4({"run-all", "--start-date", kStart, "--end-date", kEnd, "--checkpoint-dir",
                       Path("ck").string()});
    ASSERT_EQ(run.exit_code, 2) << run.out << run.err;
  }

  nlohmann::json Json(const std::vector<std::string>& args) const {
    auto r = Phase4(args);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << r.out << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }

  TempDir dir_;
};

}  // namespace phase4::testing
