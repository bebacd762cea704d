// One date list of a checkpoint (successful, failed or skipped dates) with
// its JSON text kept beside it.
//
// Why the text is kept: a backfill saves after every date and each save
// writes every date of the range, but the dates arrive in order, so
// appending the new date's line keeps a save's cost flat instead of growing
// with the dates already recorded (doc/benchmarks.md). A date added out of
// order, or removed, rebuilds the text.
#pragma once

#include <set>
#include <string>

#include "calendar/date.h"

namespace phase4::backfill {

class CheckpointDateList {
 public:
  const std::set<Date>& dates() const { return dates_; }
  bool contains(Date d) const { return dates_.count(d) > 0; }
  size_t size() const { return dates_.size(); }
  bool empty() const { return dates_.empty(); }

  void Insert(Date d);
  void Erase(Date d);
  void Assign(std::set<Date> dates);

  // The array as nlohmann's dump(2) writes it as a first-level value:
  // `[]`, or `[`, one `    "YYYY-MM-DD"` per line, `  ]`.
  void AppendJson(std::string& out) const;

 private:
  void Rebuild();

  std::set<Date> dates_;
  std::string items_;  // the array's lines, joined by ",\n", in date order
};

}  // namespace phase4::backfill
