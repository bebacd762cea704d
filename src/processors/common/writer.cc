#include "processors/common/writer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <unordered_set>

#include "processors/common/hashing.h"
#include "processors/common/numeric.h"

namespace phase4::processors {

Status FinalizeRows(const ProcessorInfo& info, Date d, std::vector<Row>& rows,
                    const std::string& processed_at) {
  const TableSchema& s = *info.output;
  const DataHasher hasher(s, info.hash_fields);
  const int date_col = s.ColumnIndex(info.date_column);
  const int entity_col = s.ColumnIndex(info.entity_column);
  const int hash_col = s.ColumnIndex("data_hash");
  const int processed_col = s.ColumnIndex("processed_at");
  const int created_col = s.ColumnIndex("created_at");
  if (date_col < 0 || entity_col < 0 || hash_col < 0 || processed_col < 0)
    return Status::InvalidInput(info.name +
                                ": output schema lacks a key, data_hash or processed_at");
  const std::string date_text = FormatDate(d);
  // Primary-key columns besides the date and the entity (e.g. a feature
  // version), and the columns to round.
  std::vector<int> extra_key;
  for (const auto& k : s.primary_key)
    if (k != info.date_column && k != info.entity_column) extra_key.push_back(s.ColumnIndex(k));
  std::vector<std::pair<size_t, int>> rounded;  // column, decimals
  for (size_t c = 0; c < s.size(); ++c)
    if (s.columns[c].type == ColumnType::kReal && s.columns[c].scale >= 0)
      rounded.emplace_back(c, s.columns[c].scale);
  std::unordered_set<std::string> seen;
  seen.reserve(rows.size() * 2);
  for (size_t r = 0; r < rows.size(); ++r) {
    Row& row = rows[r];
    if (row.size() != s.size())
      return Status::InvalidInput(fmt::format("{}: row {} has {} cells, schema has {}", info.name,
                                              r, row.size(), s.size()));
    const auto* date = std::get_if<std::string>(&row[static_cast<size_t>(date_col)]);
    if (!date || *date != date_text)
      return Status::InvalidInput(fmt::format("{}: row {} is dated {}, not {}", info.name, r,
                                              date ? *date : "NULL", date_text));
    const auto* entity = std::get_if<std::string>(&row[static_cast<size_t>(entity_col)]);
    if (!entity || entity->empty())
      return Status::InvalidInput(
          fmt::format("{}: row {} has no {}", info.name, r, info.entity_column));
    // The key is (date, entity) plus any further primary-key columns.
    std::string key = *entity;
    for (int k : extra_key) {
      key += '\x1f';
      AppendHashValue(key, s.column(k), row[static_cast<size_t>(k)]);
    }
    if (!seen.insert(key).second)
      return Status::InvalidInput(
          fmt::format("{}: two rows for {} on {}", info.name, *entity, date_text));

    // Non-finite reals become NULL before anything reads them (decision 11).
    for (size_t c = 0; c < s.size(); ++c)
      if (auto p = std::get_if<double>(&row[c]); p && !std::isfinite(*p)) row[c] = Value();
    // Values the processor left unrounded (those that passed through a
    // square root, decision 35) are rounded at their declared scales; the
    // exact ones arrive rounded already, and rounding them again changes
    // nothing. The hash then renders the values as stored, so that equal
    // stored rows have equal hashes whatever digits a computation carried.
    for (const auto& [c, decimals] : rounded)
      if (auto p = std::get_if<double>(&row[c])) *p = RoundHalfEven(*p, decimals);
    row[static_cast<size_t>(hash_col)] = hasher(row);
    row[static_cast<size_t>(processed_col)] = processed_at;
    if (created_col >= 0) row[static_cast<size_t>(created_col)] = processed_at;
    for (size_t c = 0; c < s.size(); ++c) {
      if (s.columns[c].not_null && IsNull(row[c]))
        return Status::InvalidInput(fmt::format("{}: row for {} on {} has NULL {}", info.name,
                                                *entity, date_text, s.columns[c].name));
    }
  }
  return Status::OK();
}

}  // namespace phase4::processors
