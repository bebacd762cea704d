#include "ledger/verify.h"

#include <fmt/format.h>

#include <iterator>
#include <map>

#include "ledger/fingerprint.h"
#include "ledger/ledger.h"
#include "processors/registry.h"

namespace phase4::ledger {

namespace {

void Add(LedgerCheck& check, std::string problem) {
  if (check.problems.size() < kMaxLedgerProblems)
    check.problems.push_back(std::move(problem));
  else
    ++check.more_problems;
}

// Compares the recorded output fingerprints of the succeeded units with
// their stored rows, reading one calendar month of rows at a time.
Status CompareFingerprints(Warehouse& wh, const processors::ProcessorInfo& job,
                           const UnitMap& units, LedgerCheck& check) {
  const TableSchema& t = *job.output;
  std::vector<int> columns;
  for (const auto& k : t.primary_key) columns.push_back(t.ColumnIndex(k));
  if (int h = t.ColumnIndex("data_hash"); h >= 0) columns.push_back(h);
  const int date_col = t.ColumnIndex(t.date_column);
  auto it = units.begin();
  while (it != units.end()) {
    const Date first = it->first;
    const unsigned month = MonthOf(first);
    const int year = YearOf(first);
    auto end = it;
    while (end != units.end() && MonthOf(end->first) == month && YearOf(end->first) == year) ++end;
    const Date last = std::prev(end)->first;
    PHASE4_ASSIGN_OR_RETURN(std::vector<Row> rows, wh.SelectRows(t, first, last, columns));
    std::map<std::string, std::vector<Row>> by_date;
    for (Row& row : rows)
      by_date[TextOf(row[static_cast<size_t>(date_col)])].push_back(std::move(row));
    for (; it != end; ++it) {
      const UnitRecord& u = it->second;
      if (u.rows_written == 0 || u.output_fingerprint.empty()) continue;
      const auto& stored = by_date[FormatDate(it->first)];
      ++check.units_compared;
      if (OutputFingerprint(job, stored) != u.output_fingerprint)
        Add(check, fmt::format("{} {}: the stored rows are not the rows the unit wrote (their keys "
                               "or data_hash changed since)",
                               job.name, FormatDate(it->first)));
    }
  }
  return Status::OK();
}

}  // namespace

Result<LedgerCheck> CheckLedger(Warehouse& wh, bool deep) {
  LedgerCheck check;
  for (const processors::ProcessorInfo* job : processors::AllProcessors()) {
    PHASE4_ASSIGN_OR_RETURN(UnitMap units, ReadUnits(wh, *job));
    check.units += static_cast<int64_t>(units.size());
    PHASE4_ASSIGN_OR_RETURN(auto stored, wh.CountRowsPerDate(*job->output, MakeDate(1900, 1, 1),
                                                             MakeDate(2999, 12, 31)));
    for (const auto& [d, n] : stored)
      if (!units.count(d))
        Add(check, fmt::format("{} {}: {} rows stored and no unit records them", job->name,
                               FormatDate(d), n));
    for (const auto& [d, u] : units) {
      auto s = stored.find(d);
      const int64_t n = s == stored.end() ? 0 : s->second;
      if (u.rows_written != n)
        Add(check, fmt::format("{} {}: the unit ({}) records {} rows, {} are stored", job->name,
                               FormatDate(d), UnitStateName(u.state), u.rows_written, n));
    }
    if (deep) PHASE4_RETURN_IF_ERROR(CompareFingerprints(wh, *job, units, check));
  }
  return check;
}

}  // namespace phase4::ledger
