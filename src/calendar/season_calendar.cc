#include "calendar/season_calendar.h"

#include <fmt/format.h>

#include <algorithm>

namespace phase4 {

std::optional<Date> FallbackOpeningNight(int season_year) {
  switch (season_year) {
    case 2021:
      return MakeDate(2021, 10, 19);
    case 2022:
      return MakeDate(2022, 10, 18);
    case 2023:
      return MakeDate(2023, 10, 24);
    case 2024:
      return MakeDate(2024, 10, 22);
    case 2025:
      return MakeDate(2025, 10, 21);
    default:
      return std::nullopt;
  }
}

SeasonCalendar::SeasonCalendar(std::vector<ScheduleGame> games, int bootstrap_days)
    : games_(std::move(games)), bootstrap_days_(bootstrap_days) {
  for (const auto& g : games_) {
    if (CountsAsGameDate(g.game_type)) by_date_[g.game_date].push_back(&g);
    // Decision 2: opening night is the earliest *final* regular-season game.
    if (g.game_type == GameType::kRegularSeason && g.game_status == 3) {
      int season = SeasonYearOf(g.game_date);
      auto it = opening_from_schedule_.find(season);
      if (it == opening_from_schedule_.end() || g.game_date < it->second)
        opening_from_schedule_[season] = g.game_date;
    }
  }
}

Date SeasonCalendar::OpeningNight(int season_year) const {
  if (auto it = opening_from_schedule_.find(season_year); it != opening_from_schedule_.end())
    return it->second;
  if (auto d = FallbackOpeningNight(season_year)) return *d;
  return MakeDate(season_year, 10, 22);
}

std::optional<std::string> SeasonCalendar::OpeningNightWarning(int season_year) const {
  if (opening_from_schedule_.count(season_year) || FallbackOpeningNight(season_year))
    return std::nullopt;
  return fmt::format(
      "no opening night known for season {}: the schedule has no final regular-season game and "
      "the fallback table has no entry; assuming {}-10-22",
      season_year, season_year);
}

bool SeasonCalendar::IsBootstrap(Date d) const {
  int k = DaysBetween(OpeningNight(SeasonYearOf(d)), d);
  return k >= 0 && k < bootstrap_days_;
}

std::vector<Date> SeasonCalendar::GameDates(Date start, Date end) const {
  std::vector<Date> out;
  for (auto it = by_date_.lower_bound(start); it != by_date_.end() && it->first <= end; ++it)
    out.push_back(it->first);
  return out;
}

bool SeasonCalendar::IsGameDate(Date d) const { return by_date_.count(d) != 0; }

std::optional<Date> SeasonCalendar::PreviousGameDate(Date d) const {
  auto it = by_date_.lower_bound(d);
  if (it == by_date_.begin()) return std::nullopt;
  return std::prev(it)->first;
}

const std::vector<const ScheduleGame*>& SeasonCalendar::GamesOn(Date d) const {
  static const std::vector<const ScheduleGame*> kNone;
  auto it = by_date_.find(d);
  return it == by_date_.end() ? kNone : it->second;
}

}  // namespace phase4
