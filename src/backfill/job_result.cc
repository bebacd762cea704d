#include "backfill/job_result.h"

#include <fmt/format.h>

namespace phase4::backfill {

void SayJobResult(const BackfillResult& result, JobEvents& events) {
  switch (result.status.code()) {
    case Status::Code::kOk:
    case Status::Code::kIncomplete:
      return;
    // Not an error of the job: the same command, or the upstream's, goes on.
    case Status::Code::kInterrupted:
    case Status::Code::kAborted:
      events.Line(LineKind::kWarning, result.status.message());
      return;
    default:
      break;
  }
  events.Line(LineKind::kError, "error: " + result.status.message());
  if (result.unrecorded_date)
    events.Line(LineKind::kError,
                fmt::format("  {} was not recorded; fix the cause (free space, permissions, or "
                            "restore the file) and run the same command again to resume from it.",
                            FormatDate(*result.unrecorded_date)));
}

}  // namespace phase4::backfill
