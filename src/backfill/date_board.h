// The dates each job of an in-process run-all has written, so that a job
// computes date D only after its upstream jobs have written D: their rows
// for D are its inputs (processors/common/processor.h, phase4_upstreams).
// With it the five jobs run together, each trailing its upstreams by a few
// dates, and produce exactly what running them one after another would
// (doc/backfill.md, "Pipelined run-all").
//
// A job that is not part of the run never holds anyone up (its rows are
// whatever earlier runs wrote, as with `--start-from`). A date an upstream
// failed (or found blocked) is refused to its downstream jobs, which record
// it blocked; every other date proceeds (the pipeline never stops at a
// failure).
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "processors/common/processor.h"

namespace phase4::backfill {

class DateBoard {
 public:
  // `jobs` (names) take part in the run.
  explicit DateBoard(const std::vector<std::string>& jobs);

  // The dates `job` will process in this run, ascending (the dates its
  // checkpoint has not settled). Until then its downstream jobs wait.
  void Plan(const std::string& job, std::vector<Date> todo);
  // `job` settled date d: recorded it in the ledger as succeeded, up to
  // date or skipped, or (`failed`) as failed or blocked.
  void Settle(const std::string& job, Date d, bool failed);
  // `job` settles no more dates: it finished, stopped, or could not start.
  // Its unsettled dates are refused to its downstream jobs from now on.
  void End(const std::string& job);

  // Waits until every upstream of `job` in the run has settled d (or has
  // nothing to do for d). Returns nullopt to go ahead, or why d cannot be
  // computed: an upstream failed d, or ended without settling d. Returns
  // early with a reason once `stopped()` is true.
  // `upstream_ended`, when given, is set when the refusal is an upstream
  // that ended without settling d (it stopped: d was not attempted), as
  // opposed to one that failed d.
  std::optional<std::string> WaitForUpstreams(const processors::ProcessorInfo& job, Date d,
                                              const std::function<bool()>& stopped,
                                              bool* upstream_ended = nullptr);

 private:
  struct Job {
    bool planned = false, ended = false;
    std::vector<Date> todo;  // ascending
    std::set<Date> settled;  // dates of todo settled in this run
    std::set<Date> failed;   // settled dates it failed or found blocked
  };
  // nullopt when d is settled for downstream jobs of `j`, "" while it may
  // still be, otherwise the reason it never will.
  static std::optional<std::string> StateLocked(const std::string& name, const Job& j, Date d);

  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Job, std::less<>> jobs_;
};

}  // namespace phase4::backfill
