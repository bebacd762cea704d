#include "ledger/plan.h"

#include <fmt/format.h>

#include <map>

#include "processors/registry.h"

namespace phase4::ledger {

namespace {

// Per unit of work when the ledger has no durations yet, and per season
// load (doc/benchmarks.md: about 4 ms per unit over the full backfill,
// 250 ms per season load).
constexpr double kDefaultUnitSeconds = 0.004;
constexpr double kSeasonLoadSeconds = 0.25;

std::string ListDates(const std::vector<Date>& dates) {
  std::vector<std::string> shown;
  for (size_t i = 0; i < dates.size() && i < 3; ++i) shown.push_back(FormatDate(dates[i]));
  std::string s = fmt::format("{}", fmt::join(shown, ", "));
  if (dates.size() > 3) s += fmt::format(" and {} more", dates.size() - 3);
  return s;
}

}  // namespace

std::string_view UnitActionName(UnitAction a) {
  switch (a) {
    case UnitAction::kUpToDate:
      return "up_to_date";
    case UnitAction::kMissing:
      return "missing";
    case UnitAction::kFailed:
      return "failed";
    case UnitAction::kStale:
      return "stale";
    case UnitAction::kBlocked:
      return "blocked";
    case UnitAction::kSkipped:
      return "skipped";
  }
  return "unknown";
}

std::vector<const UnitPlan*> JobPlan::Todo() const {
  std::vector<const UnitPlan*> out;
  for (const auto& u : units) {
    if (u.action == UnitAction::kUpToDate) continue;
    if (u.action == UnitAction::kSkipped && u.record && u.record->state == UnitState::kSkipped)
      continue;
    out.push_back(&u);
  }
  return out;
}

const UnitPlan* JobPlan::Find(Date d) const {
  auto it = std::lower_bound(units.begin(), units.end(), d,
                             [](const UnitPlan& u, Date x) { return u.date < x; });
  return it != units.end() && it->date == d ? &*it : nullptr;
}

const JobPlan* Plan::Find(std::string_view job) const {
  for (const auto& j : jobs)
    if (j.job->name == job) return &j;
  return nullptr;
}

std::string MissingPhase3(const InputFingerprinter& fp, const SeasonCalendar& calendar,
                          const processors::ProcessorInfo& job, Date d) {
  std::vector<std::string> missing;
  std::optional<Date> previous = calendar.PreviousGameDate(d);
  for (const auto& table : job.required_previous_game_date) {
    if (!previous)
      missing.push_back(fmt::format("{} (no previous game date in the schedule)", table));
    else if (fp.RowsOn(table, *previous) == 0)
      missing.push_back(fmt::format("{} has no rows for the previous game date {}", table,
                                    FormatDate(*previous)));
  }
  for (const auto& table : job.required_same_date)
    if (fp.RowsOn(table, d) == 0)
      missing.push_back(fmt::format("{} has no rows for {}", table, FormatDate(d)));
  if (missing.empty()) return "";
  return fmt::format("No data for date {}: {}", FormatDate(d), fmt::join(missing, "; "));
}

std::string StaleReason(const InputFingerprinter& fp, const UnitRecord& record,
                        const InputFingerprint& now) {
  if (record.input_fingerprint == now.value) return "";
  const auto before = ParseParts(record.input_parts);
  std::vector<std::string> reasons;
  for (const auto& [name, value] : ParseParts(now.parts)) {
    auto it = before.find(name);
    if (it != before.end() && it->second == value) continue;
    if (name == "code") {
      reasons.push_back(
          fmt::format("code version {} -> {}", it == before.end() ? "unknown" : it->second, value));
    } else if (name.rfind("upstream:", 0) == 0) {
      reasons.push_back(fmt::format("upstream {} rows changed", name.substr(9)));
    } else {
      auto dates = fp.ChangedDates(name, record.date, record.updated_at);
      reasons.push_back(dates.empty() ? fmt::format("{} changed", name)
                                      : fmt::format("{} changed on {}", name, ListDates(dates)));
    }
  }
  if (reasons.empty()) reasons.push_back("inputs changed");
  return fmt::format("{}", fmt::join(reasons, "; "));
}

Result<Plan> MakePlan(Warehouse& wh, const SeasonCalendar& calendar, const PlanRequest& request) {
  Plan plan;
  PHASE4_ASSIGN_OR_RETURN(DigestRefresh refresh, ReadDigestRefresh(wh));
  plan.digests_refreshed = refresh.marks();
  PHASE4_ASSIGN_OR_RETURN(Phase3Digests digests, ReadPhase3Digests(wh));
  ApplyDigestRefresh(refresh, digests);
  if (request.defer_digest_store)
    plan.unstored_digests = std::move(refresh);
  else
    PHASE4_RETURN_IF_ERROR(StoreDigestRefresh(wh, refresh));
  plan.fingerprinter = std::make_shared<const InputFingerprinter>(std::move(digests));
  const InputFingerprinter& fp = *plan.fingerprinter;
  std::optional<Date> first, last;
  if (!request.dates.empty()) {
    first = request.dates.front();
    last = request.dates.back();
  }
  std::map<std::string, JobPlan, std::less<>> all;  // every job, by name
  for (const processors::ProcessorInfo* job : processors::AllProcessors()) {
    JobPlan& jp = all[job->name];
    jp.job = job;
    const bool in_run = request.run_jobs.count(job->name) > 0;
    UnitMap units;
    std::map<Date, int64_t> stored;  // rows of the job's table per date, as stored now
    if (first) {
      PHASE4_ASSIGN_OR_RETURN(units, ReadUnits(wh, *job, first, last));
      PHASE4_ASSIGN_OR_RETURN(stored, wh.CountRowsPerDate(*job->output, *first, *last));
    }
    double recorded_seconds = 0;
    int recorded = 0;
    for (const auto& [d, r] : units)
      if (r.state == UnitState::kSucceeded && r.duration_seconds > 0) {
        recorded_seconds += r.duration_seconds;
        ++recorded;
      }
    const double per_unit = recorded ? recorded_seconds / recorded : kDefaultUnitSeconds;
    std::set<int> seasons_to_load;
    for (Date d : request.dates) {
      UnitPlan u;
      u.date = d;
      if (auto it = units.find(d); it != units.end()) u.record = it->second;
      const UnitRecord* r = u.record ? &*u.record : nullptr;
      // What the upstream units of d give this one: their output
      // fingerprints, or why this unit cannot run.
      std::map<std::string, std::string, std::less<>> upstream;
      std::string upstream_blocked;
      bool upstream_pending = false;
      for (const auto& up : job->phase4_upstreams) {
        const JobPlan& upj = all.at(up);  // upstreams come first
        const UnitPlan* uu = upj.Find(d);
        const bool up_in_run = request.run_jobs.count(up) > 0;
        if (!uu) continue;
        if (uu->action == UnitAction::kBlocked) {
          upstream_blocked =
              fmt::format("upstream {} is blocked on {}: {}", up, FormatDate(d), uu->reason);
        } else if (up_in_run && uu->action != UnitAction::kUpToDate &&
                   uu->action != UnitAction::kSkipped) {
          upstream_pending = true;
        } else if (uu->record && uu->record->state == UnitState::kSucceeded) {
          upstream[up] = uu->record->output_fingerprint;
        } else if (!up_in_run) {
          upstream_blocked =
              uu->record
                  ? fmt::format("upstream {} {} on {}: {}", up, UnitStateName(uu->record->state),
                                FormatDate(d), uu->record->last_error)
                  : fmt::format("upstream {} has not run for {}", up, FormatDate(d));
        }
      }
      if (calendar.IsBootstrap(d)) {
        u.action = UnitAction::kSkipped;
      } else if (std::string missing = MissingPhase3(fp, calendar, *job, d); !missing.empty()) {
        u.action = UnitAction::kBlocked;
        u.reason = missing;
      } else if (!upstream_blocked.empty()) {
        u.action = UnitAction::kBlocked;
        u.reason = upstream_blocked;
      } else if (request.recompute_all && in_run) {
        u.action = UnitAction::kMissing;
        u.reason = "recompute requested";
      } else if (!r) {
        u.action = UnitAction::kMissing;
        u.reason = "never computed";
      } else if (r->state == UnitState::kFailed) {
        u.action = UnitAction::kFailed;
        u.reason = r->last_error;
      } else if (r->state != UnitState::kSucceeded) {
        u.action = UnitAction::kMissing;
        u.reason = fmt::format("was {}: {}", UnitStateName(r->state), r->last_error);
      } else if (auto it = stored.find(d);
                 (it == stored.end() ? 0 : it->second) != r->rows_written) {
        // Another writer changed the job's table (a DELETE, say): the
        // ledger's rows are not the stored ones.
        u.action = UnitAction::kMissing;
        u.reason = fmt::format("{} rows stored, {} recorded: the table was changed outside phase4",
                               it == stored.end() ? 0 : it->second, r->rows_written);
      } else if (upstream_pending) {
        u.action = UnitAction::kStale;
        u.upstream_pending = true;
        u.reason = "an upstream unit of this date is computed in this run";
      } else {
        InputFingerprint now = fp.For(*job, d, upstream);
        std::string stale = StaleReason(fp, *r, now);
        u.action = stale.empty() ? UnitAction::kUpToDate : UnitAction::kStale;
        u.reason = stale;
      }
      switch (u.action) {
        case UnitAction::kUpToDate:
          ++jp.up_to_date;
          break;
        case UnitAction::kMissing:
          ++jp.missing;
          break;
        case UnitAction::kFailed:
          ++jp.failed;
          break;
        case UnitAction::kStale:
          ++jp.stale;
          break;
        case UnitAction::kBlocked:
          ++jp.blocked;
          break;
        case UnitAction::kSkipped:
          ++jp.skipped;
          break;
      }
      if (u.action == UnitAction::kMissing || u.action == UnitAction::kFailed ||
          u.action == UnitAction::kStale) {
        jp.estimated_seconds += per_unit;
        seasons_to_load.insert(SeasonYearOf(d));
      }
      jp.units.push_back(std::move(u));
    }
    jp.estimated_seconds += kSeasonLoadSeconds * static_cast<double>(seasons_to_load.size());
  }
  for (const processors::ProcessorInfo* job : processors::AllProcessors())
    if (request.all_jobs || request.run_jobs.count(job->name)) {
      plan.estimated_seconds += all.at(job->name).estimated_seconds;
      plan.jobs.push_back(std::move(all.at(job->name)));
    }
  return plan;
}

}  // namespace phase4::ledger
