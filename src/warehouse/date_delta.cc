#include "warehouse/date_delta.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "warehouse/warehouse.h"

namespace phase4 {

size_t DateDelta::changed() const {
  return static_cast<size_t>(std::count(kept.begin(), kept.end(), false));
}

bool IsRunTimeColumn(const Column& column) {
  return column.name == "processed_at" || column.name == "created_at" ||
         column.name == "updated_at";
}

namespace {

// Whether `v`, written to a column of `type`, reads back as `stored`
// (stored_value.h's conversions; anything it does not model differs).
bool SameAsStored(ColumnType type, const Value& v, const Cell& stored) {
  if (IsNull(v)) return stored.kind == Cell::Kind::kNull;
  switch (type) {
    case ColumnType::kInt:
    case ColumnType::kBool: {
      const auto* i = std::get_if<int64_t>(&v);
      return i && stored.kind == Cell::Kind::kInt && stored.i == *i;
    }
    case ColumnType::kReal: {
      double d;
      if (const auto* i = std::get_if<int64_t>(&v))
        d = static_cast<double>(*i);
      else if (const auto* r = std::get_if<double>(&v))
        d = *r;
      else
        return false;
      if (std::isnan(d)) return stored.kind == Cell::Kind::kNull;
      return stored.kind == Cell::Kind::kReal && stored.r == d;
    }
    default: {
      const auto* s = std::get_if<std::string>(&v);
      return s && stored.kind == Cell::Kind::kText && stored.text == *s;
    }
  }
}

Value ValueOf(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kInt:
      return c.i;
    case Cell::Kind::kReal:
      return c.r;
    case Cell::Kind::kText:
      return std::string(c.text);
    case Cell::Kind::kNull:
      break;
  }
  return Value();
}

// A key's cells as one string: a tag and the text of each (keys are text
// and integers; a real key cell never matches, which only means a write).
void AppendKeyPart(std::string& key, const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    key += 't';
    key += *s;
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    key += 'i';
    key += std::to_string(*i);
  } else {
    key += IsNull(v) ? 'n' : 'r';
  }
  key += '\x1f';
}

void AppendKeyPart(std::string& key, const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kText:
      key += 't';
      key += c.text;
      break;
    case Cell::Kind::kInt:
      key += 'i';
      key += std::to_string(c.i);
      break;
    case Cell::Kind::kNull:
      key += 'n';
      break;
    case Cell::Kind::kReal:
      key += 'r';
      break;
  }
  key += '\x1f';
}

}  // namespace

Result<DateDelta> KeepUnchangedRows(Warehouse& wh, const TableSchema& t, Date date,
                                    std::vector<Row>& rows) {
  std::vector<size_t> key;
  for (const auto& k : t.primary_key) key.push_back(static_cast<size_t>(t.ColumnIndex(k)));
  // Per column, once: a re-run compares every cell of every stored row.
  std::vector<ColumnType> types;
  std::vector<char> run_time;
  for (const auto& c : t.columns) {
    types.push_back(c.type);
    run_time.push_back(IsRunTimeColumn(c));
  }
  std::unordered_map<std::string, size_t> by_key;  // key -> index in rows
  by_key.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string k;
    for (size_t c : key) AppendKeyPart(k, rows[i][c]);
    by_key.emplace(std::move(k), i);
  }
  DateDelta delta;
  delta.kept.assign(rows.size(), false);
  std::string k;
  Status s = wh.ScanCells(t, date, date, [&](std::span<const Cell> cells) {
    k.clear();
    for (size_t c : key) AppendKeyPart(k, cells[c]);
    auto it = by_key.find(k);
    if (it == by_key.end()) {
      Row gone(t.columns.size());
      for (size_t c : key) gone[c] = ValueOf(cells[c]);
      delta.gone.push_back(std::move(gone));
      return;
    }
    Row& row = rows[it->second];
    bool same = row.size() == types.size() && cells.size() == types.size();
    for (size_t c = 0; same && c < types.size(); ++c)
      same = run_time[c] || SameAsStored(types[c], row[c], cells[c]);
    if (!same) return;
    for (size_t c = 0; c < types.size(); ++c)
      if (run_time[c]) row[c] = ValueOf(cells[c]);
    delta.kept[it->second] = true;
  });
  if (!s.ok()) return s;
  return delta;
}

}  // namespace phase4
