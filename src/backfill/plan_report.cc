#include "backfill/plan_report.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <vector>

namespace phase4::backfill {

void PrintPlan(const ledger::Plan& plan, Date start, Date end, std::FILE* out, size_t max_listed) {
  fmt::print(out, "PLAN {} to {} (nothing is written)\n", FormatDate(start), FormatDate(end));
  for (const auto& jp : plan.jobs) {
    fmt::print(out,
               "#{} {}: {} up to date, {} missing, {} failed, {} stale, {} blocked, {} skipped "
               "(bootstrap); estimated {:.1f} s\n",
               jp.job->order, jp.job->name, jp.up_to_date, jp.missing, jp.failed, jp.stale,
               jp.blocked, jp.skipped, jp.estimated_seconds);
    std::map<ledger::UnitAction, size_t> shown;
    for (const auto& u : jp.units) {
      if (u.action == ledger::UnitAction::kUpToDate || u.action == ledger::UnitAction::kSkipped)
        continue;
      size_t& n = shown[u.action];
      if (n++ < max_listed)
        fmt::print(out, "    {} {}: {}\n", FormatDate(u.date), ledger::UnitActionName(u.action),
                   u.reason);
    }
    for (const auto& [action, n] : shown)
      if (n > max_listed)
        fmt::print(out, "    ... and {} more {}\n", n - max_listed, ledger::UnitActionName(action));
  }
  fmt::print(out, "Estimated time: {:.1f} s\n", plan.estimated_seconds);
}

nlohmann::ordered_json JobPlanCountsJson(const ledger::JobPlan& jp) {
  nlohmann::ordered_json job;
  job["job"] = jp.job->name;
  job["order"] = jp.job->order;
  job["up_to_date"] = jp.up_to_date;
  job["missing"] = jp.missing;
  job["failed"] = jp.failed;
  job["stale"] = jp.stale;
  job["blocked"] = jp.blocked;
  job["skipped"] = jp.skipped;
  return job;
}

std::string PlanJson(const ledger::Plan& plan, Date start, Date end) {
  nlohmann::ordered_json j;
  j["start_date"] = FormatDate(start);
  j["end_date"] = FormatDate(end);
  j["estimated_seconds"] = plan.estimated_seconds;
  j["jobs"] = nlohmann::ordered_json::array();
  for (const auto& jp : plan.jobs) {
    nlohmann::ordered_json job = JobPlanCountsJson(jp);
    job["estimated_seconds"] = jp.estimated_seconds;
    job["units"] = nlohmann::ordered_json::array();
    for (const auto& u : jp.units) {
      if (u.action == ledger::UnitAction::kUpToDate || u.action == ledger::UnitAction::kSkipped)
        continue;
      job["units"].push_back({{"date", FormatDate(u.date)},
                              {"state", std::string(ledger::UnitActionName(u.action))},
                              {"reason", u.reason}});
    }
    j["jobs"].push_back(std::move(job));
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status PlanStatus(const ledger::Plan& plan) {
  int failed = 0, blocked = 0;
  for (const auto& jp : plan.jobs) {
    failed += jp.failed;
    blocked += jp.blocked;
  }
  if (failed || blocked)
    return Status::Incomplete(
        fmt::format("{} units of the plan are failed and {} blocked", failed, blocked));
  return Status::OK();
}

}  // namespace phase4::backfill
