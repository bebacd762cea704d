#include "calendar/season_calendar.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "phase3/schedule_files.h"
#include "test_support.h"

namespace phase4 {
namespace {

TEST(DateTest, ParsesOnlyRealCalendarDays) {
  EXPECT_EQ(FormatDate(*ParseDate("2024-02-29")), "2024-02-29");
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("2024-13-01"));
  EXPECT_FALSE(ParseDate("2024-1-01"));
  EXPECT_FALSE(ParseDate("20240101"));
  EXPECT_FALSE(ParseDate(""));
}

TEST(DateTest, FormatsEveryDayOfFourCenturiesLikePrintf) {
  for (Date d = MakeDate(1900, 1, 1); d <= MakeDate(2299, 12, 31); d = AddDays(d, 1)) {
    std::chrono::year_month_day ymd{d};
    char expected[16];
    std::snprintf(expected, sizeof expected, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    ASSERT_EQ(FormatDate(d), expected);
    ASSERT_EQ(ParseDate(FormatDate(d)), d);
  }
  EXPECT_EQ(FormatDate(MakeDate(5, 3, 9)), "0005-03-09");
}

TEST(DateTest, SeasonYearFollowsDecisionOne) {
  EXPECT_EQ(SeasonYearOf(MakeDate(2024, 10, 1)), 2024);
  EXPECT_EQ(SeasonYearOf(MakeDate(2024, 12, 31)), 2024);
  EXPECT_EQ(SeasonYearOf(MakeDate(2025, 1, 15)), 2024);
  EXPECT_EQ(SeasonYearOf(MakeDate(2025, 6, 22)), 2024);
  EXPECT_EQ(SeasonYearOf(MakeDate(2025, 9, 30)), 2024);
}

ScheduleGame Game(const char* id, Date d, int status = 3) {
  ScheduleGame g;
  g.game_id = id;
  g.game_date = d;
  g.season_year = SeasonYearOf(d);
  g.game_type = *GameTypeFromId(id);
  g.game_status = status;
  return g;
}

TEST(SeasonCalendarTest, OpeningNightIsEarliestFinalRegularSeasonGame) {
  SeasonCalendar cal({Game("0012400001", MakeDate(2024, 10, 4)),  // preseason: ignored
                      Game("0022400002", MakeDate(2024, 10, 23)),
                      Game("0022400001", MakeDate(2024, 10, 22), 1),  // not final: ignored
                      Game("0022400003", MakeDate(2024, 10, 25))});
  EXPECT_EQ(cal.OpeningNight(2024), MakeDate(2024, 10, 23));
  // Seasons without schedule rows use the fallback table, then October 22.
  EXPECT_EQ(cal.OpeningNight(2021), MakeDate(2021, 10, 19));
  EXPECT_EQ(cal.OpeningNight(2025), MakeDate(2025, 10, 21));
  EXPECT_EQ(cal.OpeningNight(2030), MakeDate(2030, 10, 22));
  EXPECT_TRUE(cal.OpeningNightWarning(2030).has_value());
  EXPECT_FALSE(cal.OpeningNightWarning(2024).has_value());
}

TEST(SeasonCalendarTest, BootstrapIsDayZeroToSixAndConfigurable) {
  SeasonCalendar cal({Game("0022400001", MakeDate(2024, 10, 22))});
  EXPECT_FALSE(cal.IsBootstrap(MakeDate(2024, 10, 21)));  // preseason is not early season
  EXPECT_TRUE(cal.IsBootstrap(MakeDate(2024, 10, 22)));
  EXPECT_TRUE(cal.IsBootstrap(MakeDate(2024, 10, 28)));
  EXPECT_FALSE(cal.IsBootstrap(MakeDate(2024, 10, 29)));
  SeasonCalendar cal14({Game("0022400001", MakeDate(2024, 10, 22))}, 14);
  EXPECT_TRUE(cal14.IsBootstrap(MakeDate(2024, 11, 4)));
  EXPECT_FALSE(cal14.IsBootstrap(MakeDate(2024, 11, 5)));
}

TEST(SeasonCalendarTest, GameDatesExcludeAllStarAndPreseason) {
  SeasonCalendar cal({Game("0022300800", MakeDate(2024, 2, 15)),
                      Game("0032300001", MakeDate(2024, 2, 18)),  // All-Star
                      Game("0022300801", MakeDate(2024, 2, 22)),
                      Game("0052300001", MakeDate(2024, 4, 16)),  // play-in counts
                      Game("0042300101", MakeDate(2024, 4, 20))});
  auto dates = cal.GameDates(MakeDate(2024, 2, 1), MakeDate(2024, 6, 30));
  ASSERT_EQ(dates.size(), 4u);
  EXPECT_FALSE(cal.IsGameDate(MakeDate(2024, 2, 18)));
  EXPECT_EQ(*cal.PreviousGameDate(MakeDate(2024, 2, 22)), MakeDate(2024, 2, 15));
  EXPECT_EQ(*cal.PreviousGameDate(MakeDate(2024, 2, 20)), MakeDate(2024, 2, 15));
  EXPECT_FALSE(cal.PreviousGameDate(MakeDate(2024, 2, 15)).has_value());
}

// The facts the issue lists, on the shipped real schedule files.
TEST(SeasonCalendarRealDataTest, RealScheduleFacts) {
  PHASE4_REQUIRE_SHARED_DATA(data);
  std::vector<ScheduleGame> games;
  for (const char* f :
       {"schedule/nba_game_ids_2021-22_to_2024-25.csv", "schedule/nbac_schedule_2024-25.json"}) {
    auto parsed = phase3::ParseScheduleFile((data / f).string());
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    games.insert(games.end(), parsed->games.begin(), parsed->games.end());
  }
  SeasonCalendar cal(std::move(games));
  EXPECT_EQ(cal.OpeningNight(2021), MakeDate(2021, 10, 19));
  EXPECT_EQ(cal.OpeningNight(2022), MakeDate(2022, 10, 18));
  EXPECT_EQ(cal.OpeningNight(2023), MakeDate(2023, 10, 24));
  EXPECT_EQ(cal.OpeningNight(2024), MakeDate(2024, 10, 22));
  for (Date d = MakeDate(2024, 10, 22); d <= MakeDate(2024, 10, 28); d = AddDays(d, 1))
    EXPECT_TRUE(cal.IsBootstrap(d)) << FormatDate(d);
  EXPECT_FALSE(cal.IsBootstrap(MakeDate(2024, 10, 29)));
  EXPECT_TRUE(cal.GameDates(MakeDate(2024, 2, 16), MakeDate(2024, 2, 21)).empty());
  EXPECT_EQ(cal.GameDates(MakeDate(2021, 10, 19), MakeDate(2025, 6, 22)).size(), 845u);
}

}  // namespace
}  // namespace phase4
