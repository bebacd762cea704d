#include "ledger/ledger.h"

#include <fmt/format.h>

namespace phase4::ledger {

namespace {

// Column order of MakeUnits (warehouse/schema_ops.cc).
enum Col {
  kJob,
  kDate,
  kState,
  kAttempts,
  kLastError,
  kRunId,
  kRows,
  kInputFp,
  kInputParts,
  kOutputFp,
  kCodeVersion,
  kDuration,
  kFirstAttempt,
  kUpdated,
  kColumns
};

Value TextOrNull(const std::string& s) { return s.empty() ? Value() : Value(s); }

Result<UnitRecord> FromRow(const TableSchema& t, const Row& row) {
  if (row.size() != kColumns)
    return Status::Corruption(fmt::format("{}: a row has {} cells, not {}", t.FullName(),
                                          row.size(), static_cast<int>(kColumns)));
  UnitRecord r;
  r.job = TextOf(row[kJob]);
  auto d = ParseDate(TextOf(row[kDate]));
  auto state = ParseUnitState(TextOf(row[kState]));
  if (!d || !state)
    return Status::Corruption(fmt::format("{}: unit {} {} has state '{}'", t.FullName(), r.job,
                                          TextOf(row[kDate]), TextOf(row[kState])));
  r.date = *d;
  r.state = *state;
  if (auto* a = std::get_if<int64_t>(&row[kAttempts])) r.attempts = *a;
  r.last_error = TextOf(row[kLastError]);
  r.run_id = TextOf(row[kRunId]);
  if (auto* n = std::get_if<int64_t>(&row[kRows])) r.rows_written = *n;
  r.input_fingerprint = TextOf(row[kInputFp]);
  r.input_parts = TextOf(row[kInputParts]);
  r.output_fingerprint = TextOf(row[kOutputFp]);
  r.code_version = TextOf(row[kCodeVersion]);
  if (auto* s = std::get_if<double>(&row[kDuration])) r.duration_seconds = *s;
  r.first_attempt_at = TextOf(row[kFirstAttempt]);
  r.updated_at = TextOf(row[kUpdated]);
  return r;
}

Row ToRow(const UnitRecord& r) {
  Row row(kColumns);
  row[kJob] = r.job;
  row[kDate] = FormatDate(r.date);
  row[kState] = std::string(UnitStateName(r.state));
  row[kAttempts] = r.attempts;
  row[kLastError] = TextOrNull(r.last_error);
  row[kRunId] = TextOrNull(r.run_id);
  row[kRows] = r.rows_written;
  row[kInputFp] = TextOrNull(r.input_fingerprint);
  row[kInputParts] = TextOrNull(r.input_parts);
  row[kOutputFp] = TextOrNull(r.output_fingerprint);
  row[kCodeVersion] = TextOrNull(r.code_version);
  row[kDuration] = r.duration_seconds;
  row[kFirstAttempt] = r.first_attempt_at.empty() ? r.updated_at : r.first_attempt_at;
  row[kUpdated] = r.updated_at;
  return row;
}

}  // namespace

Result<const TableSchema*> LedgerTableOf(const processors::ProcessorInfo& job) {
  const TableSchema* t = job.output ? UnitsSchemaFor(*job.output) : nullptr;
  if (!t || t->columns.size() != kColumns)
    return Status::FailedPrecondition(
        fmt::format("job {} writes to a dataset without a unit ledger", job.name));
  return t;
}

Result<UnitMap> ReadUnits(Warehouse& wh, const processors::ProcessorInfo& job,
                          std::optional<Date> start, std::optional<Date> end) {
  PHASE4_ASSIGN_OR_RETURN(const TableSchema* t, LedgerTableOf(job));
  // The ledger of a dataset holds several jobs: at most a few per date.
  PHASE4_ASSIGN_OR_RETURN(std::vector<Row> rows, wh.SelectRows(*t, start, end));
  UnitMap units;
  for (const Row& row : rows) {
    if (TextOf(row[kJob]) != job.name) continue;
    PHASE4_ASSIGN_OR_RETURN(UnitRecord r, FromRow(*t, row));
    units.emplace(r.date, std::move(r));
  }
  return units;
}

Result<std::optional<UnitRecord>> ReadUnit(Warehouse& wh, const processors::ProcessorInfo& job,
                                           Date d) {
  PHASE4_ASSIGN_OR_RETURN(UnitMap units, ReadUnits(wh, job, d, d));
  if (units.empty()) return std::optional<UnitRecord>();
  return std::optional<UnitRecord>(std::move(units.begin()->second));
}

Result<Warehouse::ExtraRow> UnitRow(const processors::ProcessorInfo& job, const UnitRecord& r) {
  PHASE4_ASSIGN_OR_RETURN(const TableSchema* t, LedgerTableOf(job));
  return Warehouse::ExtraRow{t, ToRow(r), /*replace=*/true};
}

Status RecordUnit(Warehouse& wh, const processors::ProcessorInfo& job, const UnitRecord& r) {
  PHASE4_ASSIGN_OR_RETURN(Warehouse::ExtraRow row, UnitRow(job, r));
  return wh.UpsertRows(*row.table, {row.row})
      .WithContext(fmt::format("recording unit {} {}", job.name, FormatDate(r.date)));
}

}  // namespace phase4::ledger
