#include "ledger/phase3_digests.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "processors/common/hashing.h"

namespace phase4::ledger {

namespace {

const TableSchema& DigestsOf(const std::string& dataset) {
  return dataset == RawDigestsSchema().dataset ? RawDigestsSchema() : AnalyticsDigestsSchema();
}

// The digest of each of `dates` of `t`: every cell of the date's rows in
// primary-key order. One read of the span of dates (the marks of a load
// are whole seasons), rows grouped by their date.
Result<std::map<Date, DateDigest>> DigestDates(Warehouse& wh, const TableSchema& t,
                                               const std::vector<Date>& dates) {
  std::map<Date, processors::RowDigestEncoder> encoders;
  std::map<Date, int64_t> counts;
  for (Date d : dates) {
    encoders[d];
    counts[d] = 0;
  }
  const int date_col = t.ColumnIndex(t.date_column);
  PHASE4_ASSIGN_OR_RETURN(std::vector<Row> rows, wh.SelectRows(t, dates.front(), dates.back(), {},
                                                               Warehouse::Order::kKey));
  for (const Row& row : rows) {
    auto d = ParseDate(TextOf(row[static_cast<size_t>(date_col)]));
    if (!d) continue;
    auto it = encoders.find(*d);
    if (it == encoders.end()) continue;  // a date in the span that is not marked
    ++counts[*d];
    for (const Value& v : row) it->second.Add(v);
  }
  std::map<Date, DateDigest> out;
  for (auto& [d, encoder] : encoders)
    out[d] = DateDigest{counts[d], processors::HexPrefix(encoder.Finish(), 16), ""};
  return out;
}

// Digests the marked dates of the tables of one dataset, without storing
// them. The marks are cleared (StoreDigestRefresh) only as read (same
// version): a write after the read marks its date again, so it is digested
// by the next refresh. The digests are stored before the marks are cleared,
// so a crash between the two only repeats work.
Result<DigestRefresh::Dataset> ReadDataset(Warehouse& wh, const TableSchema& changes) {
  DigestRefresh::Dataset out;
  out.changes = &changes;
  out.digests = &DigestsOf(changes.dataset);
  PHASE4_ASSIGN_OR_RETURN(out.marks, wh.SelectRows(changes, std::nullopt, std::nullopt));
  if (out.marks.empty()) return out;
  std::map<std::string, std::vector<Date>> marked;  // table name -> dates, ascending
  for (const Row& r : out.marks) {
    auto d = ParseDate(TextOf(r[1]));
    if (d) marked[TextOf(r[0])].push_back(*d);
  }
  PHASE4_ASSIGN_OR_RETURN(std::vector<Row> stored,
                          wh.SelectRows(*out.digests, std::nullopt, std::nullopt));
  std::map<std::pair<std::string, Date>, std::string> before;
  for (const Row& r : stored)
    if (auto d = ParseDate(TextOf(r[1]))) before[{TextOf(r[0]), *d}] = TextOf(r[3]);
  const std::string now = NowTimestampUtc();
  for (auto& [name, dates] : marked) {
    const TableSchema* t = FindTable(changes.dataset + "." + name);
    if (!t) continue;  // not a tracked table: nothing reads it
    std::sort(dates.begin(), dates.end());
    PHASE4_ASSIGN_OR_RETURN(auto now_digests, DigestDates(wh, *t, dates));
    for (const auto& [d, digest] : now_digests) {
      auto it = before.find({name, d});
      if (it != before.end() && it->second == digest.digest) continue;
      out.changed.push_back(Row{name, FormatDate(d), digest.rows, digest.digest, now});
    }
  }
  return out;
}

}  // namespace

int64_t DigestRefresh::marks() const {
  int64_t n = 0;
  for (const auto& d : datasets) n += static_cast<int64_t>(d.marks.size());
  return n;
}

Result<DigestRefresh> ReadDigestRefresh(Warehouse& wh) {
  DigestRefresh refresh;
  for (const TableSchema* changes : {&RawChangesSchema(), &AnalyticsChangesSchema()}) {
    PHASE4_ASSIGN_OR_RETURN(DigestRefresh::Dataset d, ReadDataset(wh, *changes));
    refresh.datasets.push_back(std::move(d));
  }
  return refresh;
}

Status StoreDigestRefresh(Warehouse& wh, const DigestRefresh& refresh) {
  for (const auto& d : refresh.datasets) {
    if (d.marks.empty()) continue;
    if (!d.changed.empty()) PHASE4_RETURN_IF_ERROR(wh.UpsertRows(*d.digests, d.changed));
    PHASE4_RETURN_IF_ERROR(wh.DeleteExactRows(*d.changes, d.marks));
  }
  return Status::OK();
}

void ApplyDigestRefresh(const DigestRefresh& refresh, Phase3Digests& digests) {
  for (const auto& d : refresh.datasets)
    for (const Row& r : d.changed) {
      auto date = ParseDate(TextOf(r[1]));
      const auto* rows = std::get_if<int64_t>(&r[2]);
      if (!date || !rows) continue;
      digests[d.digests->dataset + "." + TextOf(r[0])][*date] =
          DateDigest{*rows, TextOf(r[3]), TextOf(r[4])};
    }
}

Result<int64_t> RefreshPhase3Digests(Warehouse& wh) {
  PHASE4_ASSIGN_OR_RETURN(DigestRefresh refresh, ReadDigestRefresh(wh));
  PHASE4_RETURN_IF_ERROR(StoreDigestRefresh(wh, refresh));
  return refresh.marks();
}

Result<Phase3Digests> ReadPhase3Digests(Warehouse& wh) {
  Phase3Digests out;
  for (const TableSchema* d : {&RawDigestsSchema(), &AnalyticsDigestsSchema()}) {
    PHASE4_ASSIGN_OR_RETURN(std::vector<Row> rows, wh.SelectRows(*d, std::nullopt, std::nullopt));
    for (const Row& r : rows) {
      auto date = ParseDate(TextOf(r[1]));
      const auto* n = std::get_if<int64_t>(&r[2]);
      if (!date || !n) continue;
      out[d->dataset + "." + TextOf(r[0])][*date] = DateDigest{*n, TextOf(r[3]), TextOf(r[4])};
    }
  }
  return out;
}

}  // namespace phase4::ledger
