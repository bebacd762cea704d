#include "backfill/unit_work.h"

#include <fmt/format.h>

#include <chrono>

#include "backfill/upstream_rows.h"
#include "execution/dependency_check.h"
#include "ledger/ledger.h"
#include "ledger/upstream.h"
#include "processors/common/writer.h"
#include "processors/registry.h"
#include "execution/run_date.h"
#include "tableio/csv.h"

namespace phase4::backfill {

using processors::ProcessorInfo;

PreparedUnit UnitWork::Prepare(const ledger::UnitPlan& unit, Warehouse& read_wh,
                               execution::InputReader& reader, const std::string& refused) const {
  const Date d = unit.date;
  PreparedUnit p;
  p.date = d;
  p.started_at = NowTimestampUtc();
  p.unit = &unit;
  const auto t0 = std::chrono::steady_clock::now();
  if (calendar_.IsBootstrap(d)) {
    p.kind = PreparedOutcome::kSkippedBootstrap;
    return p;
  }
  if (!refused.empty()) {
    p.kind = PreparedOutcome::kBlocked;
    p.error = refused;
    return p;
  }
  std::string upstream_blocked;
  // As the ledger has them now: their units are settled before this one
  // starts; one recorded failed or blocked keeps this unit from computing.
  auto upstream = ledger::UpstreamFingerprints(read_wh, info_, d, &upstream_blocked);
  if (!upstream.ok()) {
    p.error = upstream.status().message();
    p.storage = upstream.status().code() == Status::Code::kStorage;
    return p;
  }
  if (!upstream_blocked.empty()) {
    p.kind = PreparedOutcome::kBlocked;
    p.error = tableio::EscapeInvalidUtf8(upstream_blocked);
    return p;
  }
  auto deps = execution::CheckDependencies(read_wh, calendar_, info_, d, held_);
  if (!deps.ok() || !deps->ok()) {
    p.kind = deps.ok() ? PreparedOutcome::kBlocked : PreparedOutcome::kFailed;
    p.error = tableio::EscapeInvalidUtf8(deps.ok() ? deps->error : deps.status().message());
    p.storage = !deps.ok() && deps.status().code() == Status::Code::kStorage;
    return p;
  }
  p.input = fingerprinter_.For(info_, d, *upstream);
  // Early cut-off: a unit planned only because an upstream unit was to be
  // computed is up to date when that unit's rows came out the same.
  if (unit.upstream_pending && unit.record && unit.record->state == ledger::UnitState::kSucceeded &&
      unit.record->input_fingerprint == p.input.value) {
    p.kind = PreparedOutcome::kUpToDate;
    return p;
  }
  auto rows = execution::ComputeDate(reader, info_, d);
  Status s = rows.ok() ? processors::FinalizeRows(info_, d, *rows, NowTimestampUtc())
                       : rows.status().WithContext(fmt::format("{} {}", info_.name, FormatDate(d)));
  if (!s.ok()) {
    // Errors may quote stored Phase 3 text, which a damaged warehouse can
    // fill with any bytes; the log, the ledger and the checkpoint get valid
    // UTF-8.
    p.error = tableio::EscapeInvalidUtf8(s.message());
    p.storage = s.code() == Status::Code::kStorage;
    return p;
  }
  if (unit.record) {
    // An earlier run wrote this date: the rows that come out the same keep
    // their stored form and are not written again (warehouse/date_delta.h).
    auto delta = KeepUnchangedRows(read_wh, *info_.output, d, *rows);
    if (!delta.ok()) {
      p.error = delta.status().message();
      p.storage = delta.status().code() == Status::Code::kStorage;
      return p;
    }
    p.delta = std::move(delta).value();
  }
  p.kind = PreparedOutcome::kSuccess;
  p.rows = std::move(rows).value();
  p.output_fingerprint = ledger::OutputFingerprint(info_, p.rows);
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

ledger::UnitRecord SettledRecord(const ProcessorInfo& job, const PreparedUnit& p,
                                 ledger::UnitState state, const std::string& run_id) {
  ledger::UnitRecord r;
  if (p.unit && p.unit->record) r = *p.unit->record;
  r.job = job.name;
  r.date = p.date;
  r.state = state;
  r.run_id = run_id;
  r.updated_at = NowTimestampUtc();
  if (r.first_attempt_at.empty()) r.first_attempt_at = r.updated_at;
  r.last_error = state == ledger::UnitState::kFailed || state == ledger::UnitState::kBlocked
                     ? p.error
                     : std::string();
  if (state == ledger::UnitState::kSucceeded || state == ledger::UnitState::kFailed) ++r.attempts;
  if (state == ledger::UnitState::kSkipped) {
    r.rows_written = 0;
    r.output_fingerprint.clear();
  }
  return r;
}

ledger::UnitRecord SucceededRecord(const ProcessorInfo& job, const PreparedUnit& p,
                                   const std::string& run_id) {
  ledger::UnitRecord rec = SettledRecord(job, p, ledger::UnitState::kSucceeded, run_id);
  rec.rows_written = static_cast<int64_t>(p.rows.size());
  rec.output_fingerprint = p.output_fingerprint;
  rec.input_fingerprint = p.input.value;
  rec.input_parts = p.input.parts;
  rec.code_version = ledger::CodeVersion(job);
  rec.duration_seconds = p.seconds;
  return rec;
}

live::RunInfo HistoryRun(const ProcessorInfo& job, const PreparedUnit& p,
                         const std::string& extra_options) {
  return live::RunInfo{job.name,
                       "phase_4_precompute",
                       p.date,
                       "backfill",
                       fmt::format(R"({{"backfill_mode":true,"skip_downstream_trigger":true,)"
                                   R"("strict_mode":false{}}})",
                                   extra_options),
                       p.started_at};
}

std::string_view HistoryStatus(PreparedOutcome kind) {
  return kind == PreparedOutcome::kSuccess   ? "success"
         : kind == PreparedOutcome::kBlocked ? "blocked"
                                             : "failed";
}

JobTally TallyBefore(const ledger::JobPlan& plan) {
  JobTally t;
  for (const auto& u : plan.units) {
    if (u.action == ledger::UnitAction::kUpToDate) ++t.up_to_date;
    if (u.action == ledger::UnitAction::kSkipped && u.record &&
        u.record->state == ledger::UnitState::kSkipped)
      ++t.skipped;
  }
  return t;
}

}  // namespace phase4::backfill
