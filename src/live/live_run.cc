#include "live/live_run.h"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "execution/dependency_check.h"
#include "ledger/fingerprint.h"
#include "ledger/ledger.h"
#include "ledger/phase3_digests.h"
#include "ledger/upstream.h"
#include "live/alerts.h"
#include "live/outbox.h"
#include "live/run_history.h"
#include "processors/common/season_inputs.h"
#include "processors/registry.h"
#include "execution/run_date.h"
#include "tableio/csv.h"

namespace phase4::live {

using processors::ProcessorInfo;

namespace {

std::string Bare(const std::string& table) {
  auto dot = table.find('.');
  return dot == std::string::npos ? table : table.substr(dot + 1);
}

// The input fingerprint of (info, d) from the current Phase 3 digests and
// the upstream units' rows.
Result<ledger::InputFingerprint> UnitInputFingerprint(Warehouse& wh, const ProcessorInfo& info,
                                                      Date d) {
  PHASE4_RETURN_IF_ERROR(ledger::RefreshPhase3Digests(wh).status());
  PHASE4_ASSIGN_OR_RETURN(ledger::Phase3Digests digests, ledger::ReadPhase3Digests(wh));
  const ledger::InputFingerprinter fp(std::move(digests));
  PHASE4_ASSIGN_OR_RETURN(auto upstream, ledger::UpstreamFingerprints(wh, info, d));
  return fp.For(info, d, upstream);
}

}  // namespace

Result<std::optional<Block>> DefensiveChecks(Warehouse& wh, const SeasonCalendar& calendar,
                                             const ProcessorInfo& info, Date d) {
  if (info.upstream_table.empty()) return std::optional<Block>();
  const TableSchema* upstream = FindTable(info.upstream_table);
  if (!upstream) return Status::FailedPrecondition("unknown upstream table " + info.upstream_table);
  std::optional<Date> previous = calendar.PreviousGameDate(d);

  // Defense 1: the upstream load of the previous game date succeeded. Phase 3
  // loads record their runs under the table's name.
  if (previous) {
    const std::string proc = Bare(info.upstream_table);
    PHASE4_ASSIGN_OR_RETURN(auto status, RunHistory(wh).LatestStatus(proc, *previous));
    if (!status || *status != "success") {
      std::string seen = status ? *status : "not_found";
      nlohmann::ordered_json details{
          {"blocked_date", FormatDate(d)},
          {"missing_upstream_date", FormatDate(*previous)},
          {"upstream_processor", proc},
          {"upstream_status", seen},
          {"resolution", fmt::format("Fix {} for {} first", proc, FormatDate(*previous))},
          {"table", info.output->FullName()}};
      return std::optional<Block>(
          Block{fmt::format("Precompute BLOCKED: Upstream Failure - {}", info.name),
                fmt::format("Upstream {} failed for {}. Error: latest run status is {}", proc,
                            FormatDate(*previous), seen),
                details.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)});
    }
  }

  // Defense 2: every game date of the lookback window (game dates, so an
  // All-Star break is no gap) has rows upstream.
  std::vector<Date> window;
  for (std::optional<Date> p = previous;
       p && static_cast<int>(window.size()) < info.lookback_game_dates;
       p = calendar.PreviousGameDate(*p))
    window.insert(window.begin(), *p);
  std::vector<std::string> missing;
  for (Date gd : window) {
    PHASE4_ASSIGN_OR_RETURN(bool present, execution::HasRowsOn(wh, *upstream, gd));
    if (!present) missing.push_back(FormatDate(gd));
  }
  if (!missing.empty()) {
    std::vector<std::string> first(missing.begin(),
                                   missing.begin() + std::min<size_t>(5, missing.size()));
    double coverage = 100.0 * static_cast<double>(window.size() - missing.size()) / window.size();
    nlohmann::ordered_json details{
        {"blocked_date", FormatDate(d)},
        {"missing_dates",
         std::vector<std::string>(missing.begin(),
                                  missing.begin() + std::min<size_t>(10, missing.size()))},
        {"gap_count", missing.size()},
        {"coverage_pct", coverage},
        {"lookback_game_dates", info.lookback_game_dates},
        {"resolution", "Backfill missing dates in upstream table before proceeding"},
        {"table", info.upstream_table}};
    return std::optional<Block>(
        Block{fmt::format("Precompute BLOCKED: Data Gaps - {}", info.name),
              fmt::format("{} gaps detected in historical data ({} to {}). Missing dates: {}",
                          missing.size(), FormatDate(window.front()), FormatDate(window.back()),
                          fmt::join(first, ", ")),
              details.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)});
  }
  return std::optional<Block>();
}

LiveResult RunLive(Warehouse& wh, const SeasonCalendar& calendar, const ProcessorInfo& info, Date d,
                   const LiveOptions& o, std::FILE* out) {
  execution::InputReader reader(wh, calendar, d);
  return RunLive(reader, info, d, o, out);
}

LiveResult RunLive(execution::InputReader& reader, const ProcessorInfo& info, Date d,
                   const LiveOptions& o, std::FILE* out) {
  Warehouse& wh = reader.warehouse();
  const SeasonCalendar& calendar = reader.calendar();
  const auto started = std::chrono::steady_clock::now();
  const bool checks = !o.backfill_mode && !o.skip_downstream_trigger && o.strict_mode;
  const bool publish = !o.backfill_mode && !o.skip_downstream_trigger;
  const bool alerts = !o.backfill_mode;
  nlohmann::ordered_json opts{{"analysis_date", FormatDate(d)},
                              {"backfill_mode", o.backfill_mode},
                              {"skip_downstream_trigger", o.skip_downstream_trigger},
                              {"strict_mode", o.strict_mode}};
  RunHistory history(wh);
  RunInfo run{info.name, "phase_4_precompute", d, o.backfill_mode ? "backfill" : "live",
              opts.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)};
  LiveResult result{LiveResult::Outcome::kFailed, 0, "", ""};
  auto run_id = history.Start(run);
  if (!run_id.ok()) {
    result.message = run_id.status().message();
    return result;
  }
  result.run_id = *run_id;
  // The unit's ledger record (doc/ledger.md): written with the rows on
  // success, alone when the unit fails, is blocked or is a bootstrap date.
  auto previous = ledger::ReadUnit(wh, info, d);
  auto unit_record = [&](ledger::UnitState state, const std::string& error) {
    ledger::UnitRecord r =
        previous.ok() && previous->has_value() ? **previous : ledger::UnitRecord{};
    r.job = info.name;
    r.date = d;
    r.state = state;
    r.run_id = *run_id;
    r.last_error = error;
    r.updated_at = NowTimestampUtc();
    if (r.first_attempt_at.empty()) r.first_attempt_at = r.updated_at;
    if (state == ledger::UnitState::kSucceeded || state == ledger::UnitState::kFailed) ++r.attempts;
    return r;
  };
  auto finish = [&](LiveResult::Outcome outcome, std::string status, std::string message,
                    const std::string& alert_title, const std::string& details = "{}") {
    result.outcome = outcome;
    result.message = message;
    std::optional<ledger::UnitState> state;
    if (outcome == LiveResult::Outcome::kFailed) state = ledger::UnitState::kFailed;
    if (outcome == LiveResult::Outcome::kBlocked) state = ledger::UnitState::kBlocked;
    if (outcome == LiveResult::Outcome::kBootstrap) state = ledger::UnitState::kSkipped;
    if (state) {
      Status s = ledger::RecordUnit(wh, info, unit_record(*state, message));
      if (!s.ok()) fmt::print(stderr, "warning: {}\n", s.message());
    }
    if (alerts && !alert_title.empty())
      SendConfiguredAlert({"error", alert_title, message, info.name, details});
    (void)history.Finish(*run_id, run, {std::move(status), result.rows, message});
    return result;
  };

  // The 90-day rule: old dates are backfills, not live runs.
  int age = DaysBetween(d, o.today);
  if (!o.backfill_mode && age > kMaxLiveAgeDays)
    return finish(LiveResult::Outcome::kRejected, "skipped",
                  fmt::format("analysis date {} is {} days old (more than {}); use --backfill-mode "
                              "for historical dates",
                              FormatDate(d), age, kMaxLiveAgeDays),
                  "");
  if (calendar.IsBootstrap(d))
    return finish(LiveResult::Outcome::kBootstrap, "skipped", "Bootstrap period skipped", "");

  if (checks && d < o.today) {
    auto block = DefensiveChecks(wh, calendar, info, d);
    if (!block.ok())  // a check that cannot run does not block (fail-open), but is logged
      fmt::print(stderr, "warning: defensive checks could not run: {}\n", block.status().message());
    else if (block->has_value())
      return finish(LiveResult::Outcome::kBlocked, "blocked", (*block)->message, (*block)->title,
                    (*block)->details_json);
    else {
      fmt::print(out, "✅ Defensive checks passed - safe to process\n");
      // Errors go to stderr unbuffered: into a pipe, this line must not
      // arrive after the error of the run it preceded.
      std::fflush(out);
    }
  }
  auto deps = execution::CheckDependencies(wh, calendar, info, d);
  if (!deps.ok())
    return finish(LiveResult::Outcome::kFailed, "failed", deps.status().message(),
                  fmt::format("Precompute Processor Failed: {}", info.name));
  if (!deps->ok())
    return finish(LiveResult::Outcome::kFailed, "failed", deps->error,
                  fmt::format("Precompute Processor: Missing Dependencies - {}", info.name));

  // What the unit is computed from, fingerprinted as a backfill does.
  auto input = UnitInputFingerprint(wh, info, d);
  if (!input.ok())
    return finish(LiveResult::Outcome::kFailed, "failed", input.status().message(),
                  fmt::format("Precompute Processor Failed: {}", info.name));
  execution::RunOptions ro;
  ro.extra_rows = [&](const std::vector<Row>& rows) -> Result<std::vector<Warehouse::ExtraRow>> {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ledger::UnitRecord r = unit_record(ledger::UnitState::kSucceeded, "");
    r.rows_written = static_cast<int64_t>(rows.size());
    r.output_fingerprint = ledger::OutputFingerprint(info, rows);
    r.input_fingerprint = input->value;
    r.input_parts = input->parts;
    r.code_version = ledger::CodeVersion(info);
    r.duration_seconds = seconds;
    PHASE4_ASSIGN_OR_RETURN(Warehouse::ExtraRow unit, ledger::UnitRow(info, r));
    std::vector<Warehouse::ExtraRow> also{std::move(unit)};
    if (publish) {
      CompletionInfo c;
      c.processor_name = info.name;
      c.run_id = *run_id;
      c.game_date = d;
      c.output = info.output;
      c.record_count = static_cast<int64_t>(rows.size());
      c.duration_seconds = seconds;
      c.trigger_source = o.trigger_source;
      c.dependency_check_passed = true;
      also.push_back(CompletionOutboxRow(c));
    }
    return also;
  };
  auto outcome = execution::RunProcessorDate(reader, info, d, ro);
  if (!outcome.ok())
    return finish(LiveResult::Outcome::kFailed, "failed",
                  tableio::EscapeInvalidUtf8(outcome.status().message()),
                  fmt::format("Precompute Processor Failed: {}", info.name));
  result.rows = outcome->rows_written;
  return finish(LiveResult::Outcome::kSuccess, "success", "", "");
}

}  // namespace phase4::live
