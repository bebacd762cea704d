#include "backfill/upstream_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "execution/phase3_reads.h"
#include "warehouse/stored_value.h"

namespace phase4::backfill {

using processors::ProcessorInfo;

Result<std::unique_ptr<UpstreamRows>> UpstreamRows::Create(
    const std::vector<const ProcessorInfo*>& jobs) {
  std::unique_ptr<UpstreamRows> rows(new UpstreamRows());
  for (const ProcessorInfo* producer : jobs) {
    Held h;
    h.schema = producer->output;
    h.wanted.assign(h.schema->columns.size(), 0);
    for (const ProcessorInfo* taker : jobs) {
      const auto& ups = taker->phase4_upstreams;
      if (std::find(ups.begin(), ups.end(), producer->name) == ups.end()) continue;
      PHASE4_ASSIGN_OR_RETURN(std::vector<int> columns,
                              execution::UpstreamColumnIndexes(*taker, *h.schema, producer->name));
      // A taker reading every column is served by the warehouse (Take).
      if (columns.empty()) continue;
      for (int c : columns) h.wanted[static_cast<size_t>(c)] = 1;
      h.takers.push_back(taker->name);
    }
    if (h.takers.empty()) continue;
    for (const auto& t : h.takers) rows->passed_.emplace(t, std::nullopt);
    rows->tables_.emplace(h.schema->name, std::move(h));
  }
  return rows;
}

void UpstreamRows::Publish(const ProcessorInfo& producer, Date d, std::vector<Row> rows) {
  auto it = tables_.find(producer.output->name);  // the map never changes after Create
  if (it == tables_.end()) return;
  Held& h = it->second;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (std::optional<Date> passed = PassedLocked(h); passed && *passed >= d) return;  // unwanted
    if (h.rows + rows.size() > kMaxRowsPerTable) {
      ++not_held_;
      return;
    }
  }
  // Converted outside the lock: only this producer writes its table, and the
  // schema and columns never change. The rows become the held copy in place.
  const TableSchema& t = *h.schema;
  const size_t date_column = static_cast<size_t>(t.ColumnIndex(t.date_column));
  const Value date_text = FormatDate(d);
  for (Row& row : rows) {
    // A row of another date would be stored under that date: not d's rows.
    bool ok = row.size() == t.columns.size() && row[date_column] == date_text;
    for (size_t i = 0; ok && i < row.size(); ++i) {
      if (h.wanted[i])
        ok = ToStoredValue(t.columns[i].type, row[i]);
      else
        row[i] = Value();
    }
    if (!ok) {
      std::lock_guard<std::mutex> lock(mu_);
      ++not_held_;
      return;
    }
  }
  auto stored = std::make_shared<std::vector<Row>>(std::move(rows));
  // SelectRows orders by the date column, then the other key columns.
  std::vector<size_t> order{date_column};
  for (const auto& k : t.primary_key)
    if (k != t.date_column) order.push_back(static_cast<size_t>(t.ColumnIndex(k)));
  auto before = [&](const Row& a, const Row& b) {
    for (size_t i : order)
      if (int c = CompareStored(a[i], b[i]); c != 0) return c < 0;
    return false;
  };
  // Processors mostly emit their rows in key order already.
  if (!std::is_sorted(stored->begin(), stored->end(), before))
    std::sort(stored->begin(), stored->end(), before);
  std::lock_guard<std::mutex> lock(mu_);
  h.rows += stored->size();
  peak_rows_ = std::max(peak_rows_, h.rows);
  h.dates[d] = std::move(stored);
  TidyLocked(h);
}

std::shared_ptr<const std::vector<Row>> UpstreamRows::Take(const TableSchema& table, Date d,
                                                           const std::vector<int>& columns) const {
  if (columns.empty()) return nullptr;
  auto it = tables_.find(table.name);
  if (it == tables_.end() || it->second.schema != &table) return nullptr;
  const Held& h = it->second;
  for (int c : columns)
    if (c < 0 || static_cast<size_t>(c) >= h.wanted.size() || !h.wanted[static_cast<size_t>(c)])
      return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  auto held = h.dates.find(d);
  if (held == h.dates.end()) return nullptr;
  ++served_;
  return held->second;
}

bool UpstreamRows::HasRows(const TableSchema& table, Date d) const {
  auto it = tables_.find(table.name);
  if (it == tables_.end() || it->second.schema != &table) return false;
  std::lock_guard<std::mutex> lock(mu_);
  auto held = it->second.dates.find(d);
  return held != it->second.dates.end() && !held->second->empty();
}

void UpstreamRows::Passed(const std::string& taker, Date d) {
  std::lock_guard<std::mutex> lock(mu_);
  auto p = passed_.find(taker);
  if (p == passed_.end()) return;
  p->second = d;
  for (auto& [name, h] : tables_) TidyLocked(h);
}

void UpstreamRows::Leave(const std::string& taker) {
  std::lock_guard<std::mutex> lock(mu_);
  passed_.erase(taker);
  for (auto& [name, h] : tables_) TidyLocked(h);
}

std::optional<Date> UpstreamRows::PassedLocked(const Held& h) const {
  Date passed = Date::max();  // no taker left: past everything
  for (const auto& t : h.takers) {
    auto p = passed_.find(t);
    if (p == passed_.end()) continue;     // left
    if (!p->second) return std::nullopt;  // has passed nothing yet
    passed = std::min(passed, *p->second);
  }
  return passed;
}

void UpstreamRows::TidyLocked(Held& h) {
  const std::optional<Date> passed = PassedLocked(h);
  if (!passed) return;
  const auto end = h.dates.upper_bound(*passed);
  for (auto i = h.dates.begin(); i != end; ++i) h.rows -= i->second->size();
  h.dates.erase(h.dates.begin(), end);
}

int64_t UpstreamRows::served() const {
  std::lock_guard<std::mutex> lock(mu_);
  return served_;
}

size_t UpstreamRows::peak_rows() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_rows_;
}

int64_t UpstreamRows::not_held() const {
  std::lock_guard<std::mutex> lock(mu_);
  return not_held_;
}

}  // namespace phase4::backfill
