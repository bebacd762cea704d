#include "execution/dependency_check.h"

#include <fmt/format.h>

#include "processors/registry.h"

namespace phase4::execution {

Result<bool> HasRowsOn(Warehouse& wh, const TableSchema& table, Date d) {
  return wh.HasRowsOn(table, d);
}

Result<DependencyReport> CheckDependencies(Warehouse& wh, const SeasonCalendar& calendar,
                                           const processors::ProcessorInfo& info, Date d,
                                           const UpstreamSource* held) {
  DependencyReport r;
  for (const auto& up : info.phase4_upstreams) {
    const processors::ProcessorInfo* upstream = processors::FindProcessor(up);
    if (!upstream)
      return Status::FailedPrecondition(fmt::format("unknown upstream processor {}", up));
    if (held && held->HasRows(*upstream->output, d)) continue;
    PHASE4_ASSIGN_OR_RETURN(bool present, HasRowsOn(wh, *upstream->output, d));
    if (!present) r.missing_phase4.push_back(upstream->output->FullName());
  }
  if (!r.missing_phase4.empty()) {
    r.error = fmt::format("Missing critical dependencies: [{}]", fmt::join(r.missing_phase4, ", "));
    return r;
  }
  std::optional<Date> previous = calendar.PreviousGameDate(d);
  for (const auto& name : info.required_previous_game_date) {
    const TableSchema* t = FindTable(name);
    if (!t) return Status::FailedPrecondition(fmt::format("unknown table {}", name));
    if (!previous) {
      r.missing_phase3.push_back(fmt::format("{} (no previous game date in the schedule)", name));
      continue;
    }
    PHASE4_ASSIGN_OR_RETURN(bool present, HasRowsOn(wh, *t, *previous));
    if (!present)
      r.missing_phase3.push_back(
          fmt::format("{} has no rows for the previous game date {}", name, FormatDate(*previous)));
  }
  for (const auto& name : info.required_same_date) {
    const TableSchema* t = FindTable(name);
    if (!t) return Status::FailedPrecondition(fmt::format("unknown table {}", name));
    PHASE4_ASSIGN_OR_RETURN(bool present, HasRowsOn(wh, *t, d));
    if (!present)
      r.missing_phase3.push_back(fmt::format("{} has no rows for {}", name, FormatDate(d)));
  }
  if (!r.missing_phase3.empty())
    r.error =
        fmt::format("No data for date {}: {}", FormatDate(d), fmt::join(r.missing_phase3, "; "));
  return r;
}

}  // namespace phase4::execution
