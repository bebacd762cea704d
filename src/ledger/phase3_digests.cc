#include "ledger/phase3_digests.h"

#include <fmt/format.h>

#include <vector>

#include "processors/common/hashing.h"

namespace phase4::ledger {

namespace {

const TableSchema& DigestsOf(const TableSchema& t) {
  return t.dataset == RawDigestsSchema().dataset ? RawDigestsSchema() : AnalyticsDigestsSchema();
}
const TableSchema& ChangesOf(const TableSchema& t) {
  return t.dataset == RawChangesSchema().dataset ? RawChangesSchema() : AnalyticsChangesSchema();
}

// The rows of `t` dated d, every cell, in primary-key order, as one digest.
Result<DateDigest> DigestDate(Warehouse& wh, const TableSchema& t, Date d) {
  std::string order;
  for (const auto& k : t.primary_key) order += (order.empty() ? "" : ", ") + k;
  PHASE4_ASSIGN_OR_RETURN(Statement st,
                          wh.Prepare(fmt::format("SELECT * FROM {} WHERE {} = ? ORDER BY {}",
                                                 t.FullName(), t.date_column, order)));
  const std::string date = FormatDate(d);
  st.BindText(1, date);
  processors::RowDigestEncoder all;
  DateDigest out;
  while (st.Step()) {
    ++out.rows;
    for (int c = 0; c < st.ColumnCount(); ++c) {
      switch (st.ColumnKind(c)) {
        case Statement::Kind::kNull:
          all.Null();
          break;
        case Statement::Kind::kInt:
          all.Int(st.ColumnInt(c));
          break;
        case Statement::Kind::kReal:
          all.Real(st.ColumnReal(c));
          break;
        case Statement::Kind::kText:
          all.Text(st.ColumnTextView(c));
          break;
      }
    }
  }
  PHASE4_RETURN_IF_ERROR(st.status());
  out.digest = processors::HexPrefix(all.Finish(), 16);
  return out;
}

// Digests the marked dates of the tables of one dataset file, in one
// transaction that holds that file's write lock from its first statement.
Result<int64_t> RefreshDataset(Warehouse& wh, const TableSchema& changes) {
  {
    // Most plans find nothing marked: then no lock is taken at all.
    PHASE4_ASSIGN_OR_RETURN(Statement any,
                            wh.Prepare(fmt::format("SELECT 1 FROM {} LIMIT 1", changes.FullName())));
    const bool marked = any.Step();
    PHASE4_RETURN_IF_ERROR(any.status());
    if (!marked) return 0;
  }
  PHASE4_RETURN_IF_ERROR(wh.Begin());
  auto fail = [&](Status s) -> Result<int64_t> {
    wh.Rollback();
    return s;
  };
  // A write statement takes the file's write lock (it deletes nothing): no
  // writer can change a table between the read of its rows and the
  // clearing of its marks. Other files stay free.
  if (Status s = wh.Exec(fmt::format("DELETE FROM {} WHERE 0", changes.FullName())); !s.ok())
    return fail(s);
  int64_t refreshed = 0;
  const std::string now = NowTimestampUtc();
  for (const TableSchema* t : Phase3ChangeTrackedTables()) {
    if (t->dataset != changes.dataset) continue;
    auto marked = wh.Prepare(
        fmt::format("SELECT game_date FROM {} WHERE table_name = ?", ChangesOf(*t).FullName()));
    if (!marked.ok()) return fail(marked.status());
    marked->BindText(1, t->name);
    std::vector<Date> dates;
    while (marked->Step())
      if (auto d = ParseDate(marked->ColumnTextView(0))) dates.push_back(*d);
    if (!marked->status().ok()) return fail(marked->status());
    if (dates.empty()) continue;
    auto old = wh.Prepare(fmt::format("SELECT digest FROM {} WHERE table_name = ? AND game_date = ?",
                                      DigestsOf(*t).FullName()));
    auto put = wh.Prepare(fmt::format("INSERT OR REPLACE INTO {} VALUES (?, ?, ?, ?, ?)",
                                      DigestsOf(*t).FullName()));
    auto clear = wh.Prepare(fmt::format("DELETE FROM {} WHERE table_name = ? AND game_date = ?",
                                        ChangesOf(*t).FullName()));
    if (!old.ok() || !put.ok() || !clear.ok())
      return fail(!old.ok() ? old.status() : !put.ok() ? put.status() : clear.status());
    for (Date d : dates) {
      auto digest = DigestDate(wh, *t, d);
      if (!digest.ok()) return fail(digest.status());
      const std::string date = FormatDate(d);
      old->BindText(1, t->name);
      old->BindText(2, date);
      const bool same = old->Step() && old->ColumnText(0) == digest->digest;
      if (!old->status().ok()) return fail(old->status());
      old->Reset();
      if (!same) {
        put->BindText(1, t->name);
        put->BindText(2, date);
        put->BindInt(3, digest->rows);
        put->BindText(4, digest->digest);
        put->BindText(5, now);
        put->Step();
        if (!put->status().ok()) return fail(put->status());
        put->Reset();
      }
      clear->BindText(1, t->name);
      clear->BindText(2, date);
      clear->Step();
      if (!clear->status().ok()) return fail(clear->status());
      clear->Reset();
      ++refreshed;
    }
  }
  Status s = wh.Commit();
  if (!s.ok()) return fail(s);
  return refreshed;
}

}  // namespace

Result<int64_t> RefreshPhase3Digests(Warehouse& wh) {
  int64_t refreshed = 0;
  for (const TableSchema* changes : {&RawChangesSchema(), &AnalyticsChangesSchema()}) {
    PHASE4_ASSIGN_OR_RETURN(int64_t n, RefreshDataset(wh, *changes));
    refreshed += n;
  }
  return refreshed;
}

Result<Phase3Digests> ReadPhase3Digests(Warehouse& wh) {
  Phase3Digests out;
  for (const TableSchema* d : {&RawDigestsSchema(), &AnalyticsDigestsSchema()}) {
    PHASE4_ASSIGN_OR_RETURN(
        Statement st,
        wh.Prepare(fmt::format("SELECT table_name, game_date, row_count, digest, changed_at FROM {}",
                               d->FullName())));
    while (st.Step()) {
      auto date = ParseDate(st.ColumnTextView(1));
      if (!date) continue;
      out[d->dataset + "." + st.ColumnText(0)][*date] =
          DateDigest{st.ColumnInt(2), st.ColumnText(3), st.ColumnText(4)};
    }
    PHASE4_RETURN_IF_ERROR(st.status());
  }
  return out;
}

}  // namespace phase4::ledger
