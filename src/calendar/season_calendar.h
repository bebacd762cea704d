// SeasonCalendar: seasons, opening nights, bootstrap dates and game dates,
// all derived from the schedule (decisions 1-4).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "calendar/schedule_game.h"

namespace phase4 {

inline constexpr int kDefaultBootstrapDays = 7;

// Decision 2 fallback when the schedule holds no final regular-season game
// of a season; nullopt for seasons outside the table.
std::optional<Date> FallbackOpeningNight(int season_year);

class SeasonCalendar {
 public:
  // `games` is the whole schedule (any order, any game types).
  explicit SeasonCalendar(std::vector<ScheduleGame> games,
                          int bootstrap_days = kDefaultBootstrapDays);
  // Moves keep the games' addresses (the index points into them); copies would not.
  SeasonCalendar(SeasonCalendar&&) = default;
  SeasonCalendar& operator=(SeasonCalendar&&) = default;
  SeasonCalendar(const SeasonCalendar&) = delete;
  SeasonCalendar& operator=(const SeasonCalendar&) = delete;

  int bootstrap_days() const { return bootstrap_days_; }

  // Decision 2: earliest final regular-season game of the season in the
  // schedule; else the fallback table; else October 22 (and `warning`
  // receives a message, once per season per calendar).
  Date OpeningNight(int season_year) const;
  std::optional<std::string> OpeningNightWarning(int season_year) const;

  // Decision 3: 0 <= (d - opening night of d's season) < bootstrap_days.
  bool IsBootstrap(Date d) const;

  // Decision 4: dates in [start, end] with at least one regular-season,
  // play-in or playoff game, ascending.
  std::vector<Date> GameDates(Date start, Date end) const;
  bool IsGameDate(Date d) const;
  // The latest game date strictly before `d` (may be in the previous
  // season); nullopt when there is none.
  std::optional<Date> PreviousGameDate(Date d) const;

  // Games (of the counted types) on a date, in schedule order.
  const std::vector<const ScheduleGame*>& GamesOn(Date d) const;
  const std::vector<ScheduleGame>& games() const { return games_; }
  bool empty() const { return games_.empty(); }

 private:
  std::vector<ScheduleGame> games_;
  int bootstrap_days_;
  std::map<Date, std::vector<const ScheduleGame*>> by_date_;  // counted game types only
  std::map<int, Date> opening_from_schedule_;
};

}  // namespace phase4
