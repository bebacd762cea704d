// The insert floor (doc/benchmarks.md): how long SQLite needs just to insert
// the Phase 4 output rows of a completed backfill, with nothing else.
//
//   phase4_insert_floor SOURCE_WAREHOUSE DEST_WAREHOUSE
//
// SOURCE is a warehouse after `run-all`; DEST a fresh `phase4 init`
// warehouse. For each of the five output tables in execution order, season
// by season (so memory holds one season of one table), the rows are read
// from SOURCE and grouped by date outside the timing; then each date is
// written to DEST through Warehouse::ReplaceDate, one transaction per
// (table, date) as the backfill engine does. Only those calls are timed.
// No run history, checkpoints, dependency checks or compute.
//
// Output (one line per table, then the total):
//   floor_table <table> rows=<n> dates=<n> seconds=<s>
//   floor_total rows=<n> transactions=<n> seconds=<s> peak_rss_kib=<n>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "calendar/date.h"
#include "warehouse/schema.h"
#include "warehouse/warehouse.h"

namespace {

using namespace phase4;

int Fail(const std::string& what, const Status& s) {
  std::fprintf(stderr, "insert_floor: %s: %s\n", what.c_str(), s.message().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SOURCE_WAREHOUSE DEST_WAREHOUSE\n", argv[0]);
    return 2;
  }
  auto src = Warehouse::Open(argv[1], /*create=*/false);
  if (!src.ok()) return Fail(std::string("opening ") + argv[1], src.status());
  auto dst = Warehouse::Open(argv[2], /*create=*/false);
  if (!dst.ok()) return Fail(std::string("opening ") + argv[2], dst.status());

  using Clock = std::chrono::steady_clock;
  double total_seconds = 0;
  int64_t total_rows = 0, total_transactions = 0;
  for (const TableSchema* t : Phase4Tables()) {
    auto dates = (*src)->DistinctDates(*t, MakeDate(1900, 1, 1), MakeDate(2199, 12, 31));
    if (!dates.ok()) return Fail("dates of " + t->FullName(), dates.status());
    std::map<int, std::pair<Date, Date>> seasons;  // season -> [first, last] date
    for (Date d : *dates) {
      auto [it, fresh] = seasons.try_emplace(SeasonYearOf(d), d, d);
      if (!fresh) it->second.second = d;
    }
    const int date_col = t->ColumnIndex(t->date_column);
    double table_seconds = 0;
    int64_t table_rows = 0, table_dates = 0;
    for (const auto& [season, range] : seasons) {
      // Untimed: one season of this table, grouped by date.
      auto rows = (*src)->SelectRows(*t, range.first, range.second);
      if (!rows.ok()) return Fail("reading " + t->FullName(), rows.status());
      std::vector<std::pair<Date, std::vector<Row>>> by_date;
      for (Row& r : *rows) {
        std::optional<Date> d;
        if (const auto* text = std::get_if<std::string>(&r[static_cast<size_t>(date_col)]))
          d = ParseDate(*text);
        if (!d) return Fail(t->FullName(), Status::InvalidInput("row without a valid date"));
        if (by_date.empty() || by_date.back().first != *d)
          by_date.emplace_back(*d, std::vector<Row>{});
        by_date.back().second.push_back(std::move(r));
      }
      rows->clear();
      rows->shrink_to_fit();
      // Timed: one ReplaceDate (one transaction) per date.
      const auto start = Clock::now();
      for (const auto& [d, date_rows] : by_date) {
        Status s = (*dst)->ReplaceDate(*t, d, date_rows);
        if (!s.ok()) return Fail("writing " + t->FullName() + " " + FormatDate(d), s);
      }
      table_seconds += std::chrono::duration<double>(Clock::now() - start).count();
      for (const auto& [d, date_rows] : by_date)
        table_rows += static_cast<int64_t>(date_rows.size());
      table_dates += static_cast<int64_t>(by_date.size());
    }
    std::printf("floor_table %s rows=%lld dates=%lld seconds=%.3f\n", t->FullName().c_str(),
                static_cast<long long>(table_rows), static_cast<long long>(table_dates),
                table_seconds);
    total_seconds += table_seconds;
    total_rows += table_rows;
    total_transactions += table_dates;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("floor_total rows=%lld transactions=%lld seconds=%.3f peak_rss_kib=%ld\n",
              static_cast<long long>(total_rows), static_cast<long long>(total_transactions),
              total_seconds, ru.ru_maxrss);
  return 0;
}
