// Whether the features carry signal: the mean absolute error of
// points_avg_last_10 and of points_avg_season (ml_feature_store_v2) as
// predictions of the points a player then scored (player_game_summary),
// over a range of game dates and for each calendar month of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4::report {

// The errors of one sample of player-games. With no samples the means are
// meaningless, and every report says so in words instead of printing 0.
struct SignalError {
  int64_t samples = 0;     // feature rows of players who played that day
  double mae_last_10 = 0;  // mean |points_avg_last_10 - actual points|
  double mae_season = 0;   // mean |points_avg_season - actual points|
};

struct SignalMonth {
  int year = 0;
  unsigned month = 0;  // 1-12
  SignalError error;
};

struct SignalCheck {
  Date start{}, end{};
  SignalError all;
  std::vector<SignalMonth> months;  // every month [start, end] touches, in order
};

// `YYYY-MM`.
std::string MonthLabel(const SignalMonth& m);

// How much smaller the error of points_avg_last_10 is than that of
// points_avg_season, in percent of the latter (negative: larger); nullopt
// without samples or without a season error to compare with.
std::optional<double> LastTenGainPct(const SignalError& e);

// Reads the player games as the processors do: one row per player and date
// (decision 36) and the played rule (decision 27), both from the
// processors' own code.
Result<SignalCheck> CheckSignal(Warehouse& wh, Date start, Date end);

}  // namespace phase4::report
