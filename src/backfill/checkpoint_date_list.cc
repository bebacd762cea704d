#include "backfill/checkpoint_date_list.h"

#include <utility>

namespace phase4::backfill {

namespace {

// One element line of a date array: `    "YYYY-MM-DD"`.
void AppendDateItem(std::string& out, Date d) {
  out += "    \"";
  out += FormatDate(d);
  out += '"';
}

}  // namespace

void CheckpointDateList::Insert(Date d) {
  const bool last = dates_.empty() || *dates_.rbegin() < d;
  if (!dates_.insert(d).second) return;
  if (!last) return Rebuild();
  if (!items_.empty()) items_ += ",\n";
  AppendDateItem(items_, d);
}

void CheckpointDateList::Erase(Date d) {
  if (dates_.erase(d) > 0) Rebuild();
}

void CheckpointDateList::Assign(std::set<Date> dates) {
  dates_ = std::move(dates);
  Rebuild();
}

void CheckpointDateList::AppendJson(std::string& out) const {
  if (dates_.empty()) {
    out += "[]";
    return;
  }
  out += "[\n";
  out += items_;
  out += "\n  ]";
}

void CheckpointDateList::Rebuild() {
  items_.clear();
  for (Date d : dates_) {
    if (!items_.empty()) items_ += ",\n";
    AppendDateItem(items_, d);
  }
}

}  // namespace phase4::backfill
