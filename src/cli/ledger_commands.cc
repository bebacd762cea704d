// plan and status: what a run would do, and where every job stands, from
// the warehouse's unit ledger (doc/ledger.md).
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "backfill/backfill_job.h"
#include "backfill/plan_report.h"
#include "cli/cli_support.h"
#include "common/exit_codes.h"
#include "env/env.h"
#include "ledger/plan.h"
#include "phase3/schedule_store.h"
#include "processors/registry.h"
#include "scaleout/queue_status.h"
#include "warehouse/work_queue.h"

namespace phase4::cli {

namespace {

// Parses `--jobs 1,3` (numbers or names) into job names; empty = every job.
bool ParseJobs(const std::string& text, std::set<std::string>* out) {
  if (text.empty()) {
    for (const auto* p : processors::AllProcessors()) out->insert(p->name);
    return true;
  }
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const processors::ProcessorInfo* found = processors::FindProcessor(item);
    for (const auto* p : processors::AllProcessors())
      if (std::to_string(p->order) == item) found = p;
    if (!found) {
      ReportError(fmt::format("unknown job '{}' in --jobs (numbers 1-{} or names: {})", item,
                              processors::AllProcessors().size(), processors::ProcessorNames()));
      return false;
    }
    out->insert(found->name);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return true;
}

// Whether a run holds the job's lock now, and who.
std::optional<LockHolder> LockHeld(const Warehouse& wh, const std::string& job) {
  const auto path = backfill::JobLockPath(wh, job);
  Env* env = Env::Default();
  if (!env->Exists(path)) return std::nullopt;
  auto lock = env->LockFile(path, job);
  if (lock.ok()) return std::nullopt;  // released when `lock` goes
  auto holder = FileLock::ReadHolder(path);
  return holder ? holder : std::optional<LockHolder>(LockHolder{});
}

int Fail(const Status& s) {
  ReportError(s.message());
  return s.code() == Status::Code::kStorage ? kExitStorage : kExitFatal;
}

}  // namespace

void AddPlanCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "plan",
      "Show what a run over a range would compute, retry or skip, and why (writes nothing)");
  struct Opts {
    std::string start, end, jobs;
    int bootstrap_days = kDefaultBootstrapDays;
    bool json = false, quiet = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--start-date", o->start, "First date")->required()->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Last date")->required()->check(DateValidator());
  cmd->add_flag("--quiet,-q", o->quiet, "Print nothing but errors; the exit code says the rest");
  cmd->add_option("--jobs", o->jobs, "Jobs to run, by number or name (default: all), e.g. 1,3");
  cmd->add_option("--bootstrap-days", o->bootstrap_days, "Bootstrap period in days")
      ->check(CLI::Range(0, 60));
  cmd->add_flag("--json", o->json, "Print one JSON object on stdout");
  cmd->footer(
      "Each unit (job, game date) is up to date, missing, failed, stale (an input changed since; "
      "the reason names it) or blocked (a Phase 3 input is missing or an upstream unit cannot "
      "succeed); bootstrap dates are skipped. The same plan starts every run and is every "
      "--dry-run.\n"
      "Examples:\n"
      "  phase4 plan --start-date 2024-01-01 --end-date 2024-01-31\n"
      "  phase4 plan --start-date 2021-10-19 --end-date 2025-06-22 --jobs 1,3 --json\n"
      "Exit status: 0 nothing failed or blocked, 2 some units failed or are blocked, 64 usage "
      "error, 74 storage failure, 1 other errors.");
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      Date start = *ParseDate(o->start), end = *ParseDate(o->end);
      if (start > end) {
        ReportError("Start date must be before end date");
        return kExitUsage;
      }
      ledger::PlanRequest request;
      if (!ParseJobs(o->jobs, &request.run_jobs)) return kExitUsage;
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return kExitFatal;
      auto calendar = phase3::ReadCalendar(*wh, o->bootstrap_days);
      if (!calendar.ok()) return Fail(calendar.status());
      request.dates = calendar->GameDates(start, end);
      if (request.dates.empty() && !o->json) {
        if (!o->quiet)
          fmt::print("No game dates in range {} to {}; nothing to plan.\n", FormatDate(start),
                     FormatDate(end));
        return kExitOk;
      }
      auto plan = ledger::MakePlan(*wh, *calendar, request);
      if (!plan.ok()) return Fail(plan.status());
      if (o->json)
        fmt::print("{}\n", backfill::PlanJson(*plan, start, end));
      else if (!o->quiet)
        backfill::PrintPlan(*plan, start, end, stdout);
      return ExitCodeFor(backfill::PlanStatus(*plan));
    };
  });
}

void AddStatusCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "status", "Show every job's units from the ledger: done, failed, blocked, stale, missing");
  struct Opts {
    std::string start, end;
    int bootstrap_days = kDefaultBootstrapDays;
    bool json = false, quiet = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_flag("--quiet,-q", o->quiet, "Print nothing but errors; the exit code says the rest");
  cmd->add_option("--start-date", o->start, "First date (default: the schedule's first)")
      ->check(DateValidator());
  cmd->add_option("--end-date", o->end, "Last date (default: the schedule's last)")
      ->check(DateValidator());
  cmd->add_option("--bootstrap-days", o->bootstrap_days, "Bootstrap period in days")
      ->check(CLI::Range(0, 60));
  cmd->add_flag("--json", o->json, "Print one JSON object on stdout");
  cmd->footer(
      "Per job: units succeeded, failed, blocked, skipped, stale and missing over the range, and "
      "which run holds the job's lock; then the failed and blocked units with their errors. On "
      "a PostgreSQL warehouse also the work queue of `phase4 worker`: its units per state and "
      "the live workers (host, pid, the unit each holds, lease age, heartbeat).\n"
      "Examples:\n"
      "  phase4 status\n"
      "  phase4 status --start-date 2023-10-24 --end-date 2024-06-17 --json\n"
      "Exit status: 0 every unit up to date, 2 some are not, 64 usage error, 74 storage failure, "
      "1 other errors.");
  cmd->callback([&g, action, o] {
    *action = [&g, o] {
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return kExitFatal;
      auto calendar = phase3::ReadCalendar(*wh, o->bootstrap_days);
      if (!calendar.ok()) return Fail(calendar.status());
      auto all = calendar->GameDates(MakeDate(1900, 1, 1), MakeDate(2999, 12, 31));
      Date start =
          o->start.empty() ? (all.empty() ? TodayUtc() : all.front()) : *ParseDate(o->start);
      Date end = o->end.empty() ? (all.empty() ? TodayUtc() : all.back()) : *ParseDate(o->end);
      if (start > end) {
        ReportError("Start date must be before end date");
        return kExitUsage;
      }
      ledger::PlanRequest request;
      request.dates = calendar->GameDates(start, end);
      if (request.dates.empty() && !o->json) {
        if (!o->quiet)
          fmt::print("No game dates in range {} to {}; no units to show.\n", FormatDate(start),
                     FormatDate(end));
        return kExitOk;
      }
      request.all_jobs = true;
      auto plan = ledger::MakePlan(*wh, *calendar, request);
      if (!plan.ok()) return Fail(plan.status());
      auto id = wh->Id();
      if (!id.ok()) return Fail(id.status());
      nlohmann::ordered_json j;
      j["warehouse"] = wh->location();
      j["warehouse_id"] = *id;
      j["start_date"] = FormatDate(start);
      j["end_date"] = FormatDate(end);
      j["game_dates"] = request.dates.size();
      j["jobs"] = nlohmann::ordered_json::array();
      const bool text = !o->json && !o->quiet;
      if (text)
        fmt::print(
            "PHASE 4 STATUS {} to {}: {} game dates (warehouse {})\n{:<34} {:>9} {:>6} {:>7} "
            "{:>7} {:>5} {:>7}  {}\n",
            FormatDate(start), FormatDate(end), request.dates.size(), wh->location(), "job",
            "succeeded", "failed", "blocked", "skipped", "stale", "missing", "lock");
      bool all_done = true;
      std::vector<std::string> problems;
      for (const auto& jp : plan->jobs) {
        int succeeded = 0, failed = 0, blocked = 0, skipped = 0, missing = 0;
        nlohmann::ordered_json failed_units = nlohmann::ordered_json::array(),
                               blocked_units = nlohmann::ordered_json::array();
        for (const auto& u : jp.units) {
          const ledger::UnitRecord* r = u.record ? &*u.record : nullptr;
          if (!r) {
            if (u.action != ledger::UnitAction::kSkipped) ++missing;
            continue;
          }
          switch (r->state) {
            case ledger::UnitState::kSucceeded:
              ++succeeded;
              break;
            case ledger::UnitState::kSkipped:
              ++skipped;
              break;
            case ledger::UnitState::kFailed:
              ++failed;
              failed_units.push_back({{"date", FormatDate(u.date)}, {"error", r->last_error}});
              problems.push_back(fmt::format("  #{} {} {} failed: {}", jp.job->order, jp.job->name,
                                             FormatDate(u.date), r->last_error));
              break;
            case ledger::UnitState::kBlocked:
              ++blocked;
              blocked_units.push_back({{"date", FormatDate(u.date)}, {"reason", r->last_error}});
              problems.push_back(fmt::format("  #{} {} {} blocked: {}", jp.job->order, jp.job->name,
                                             FormatDate(u.date), r->last_error));
              break;
          }
        }
        if (failed || blocked || missing || jp.stale) all_done = false;
        auto holder = LockHeld(*wh, jp.job->name);
        nlohmann::ordered_json job;
        job["job"] = jp.job->name;
        job["order"] = jp.job->order;
        job["succeeded"] = succeeded;
        job["up_to_date"] = jp.up_to_date;
        job["failed"] = failed;
        job["blocked"] = blocked;
        job["skipped"] = skipped;
        job["stale"] = jp.stale;
        job["missing"] = missing;
        job["failed_units"] = failed_units;
        job["blocked_units"] = blocked_units;
        if (holder)
          job["lock"] = {{"pid", holder->pid},
                         {"host", holder->host},
                         {"since", holder->started_at},
                         {"command", holder->command}};
        else
          job["lock"] = nullptr;
        j["jobs"].push_back(std::move(job));
        if (text)
          fmt::print("{:<34} {:>9} {:>6} {:>7} {:>7} {:>5} {:>7}  {}\n",
                     fmt::format("#{} {}", jp.job->order, jp.job->name), succeeded, failed, blocked,
                     skipped, jp.stale, missing,
                     holder ? "held by " + DescribeLockHolder(*holder) : "free");
      }
      // A server warehouse also has the work queue of phase4 worker.
      std::optional<scaleout::QueueStatus> queue;
      if (wh->backend() == "postgresql") {
        auto opened = wh->OpenWorkQueue();
        auto read = opened.ok() ? scaleout::ReadQueueStatus(**opened)
                                : Result<scaleout::QueueStatus>(opened.status());
        if (!read.ok()) return Fail(read.status());
        queue = std::move(read).value();
        nlohmann::ordered_json q = scaleout::QueueStatusJson(*queue);
        j["queue"] = q["queue"];
        j["workers"] = q["workers"];
      }
      if (o->json) {
        fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
      } else if (text) {
        if (!problems.empty()) {
          fmt::print("Failed and blocked units:\n");
          for (const auto& p : problems) fmt::print("{}\n", p);
        }
        if (queue) fmt::print("{}", scaleout::QueueStatusText(*queue));
        fmt::print("{}\n", all_done ? "Every unit of the range is up to date."
                                    : "Not up to date; `phase4 plan` with the same range says "
                                      "what a run would do.");
      }
      return all_done ? kExitOk : kExitDatesFailed;
    };
  });
}

}  // namespace phase4::cli
