// What a backfill job tells whoever shows its progress: it started (with
// how many dates it will settle), each unit it settled, its text lines
// (per-date detail, notes, warnings, errors) and how it ended.
//
// A job alone reports straight to the console (run_console.h). A job of a
// run-all, thread or child process, writes the same events as lines on its
// output stream (EventStreamWriter), which run-all reads back
// (DispatchJobOutput) into its console: one path for both ways of running
// (doc/console.md, "Job events").
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "calendar/date.h"

namespace phase4::backfill {

// How one unit of a run ended.
enum class UnitOutcome { kComputed, kUpToDate, kSkipped, kFailed, kBlocked };

// A job's text. Detail is per date ("Processing day 3/40", "✓ Success");
// notes are the rest of a job's own text (its header, its summary block).
enum class LineKind { kDetail, kNote, kWarning, kError };

// Where a job's units ended up, in this run and before it.
struct JobTally {
  int computed = 0;    // succeeded in this run
  int up_to_date = 0;  // already done (by an earlier run, or unchanged inputs)
  int failed = 0, blocked = 0, skipped = 0;
  int64_t rows_written = 0;
  std::map<Date, std::string> failures;  // date -> error text
  std::map<Date, std::string> blocks;    // date -> why blocked

  int succeeded() const { return computed + up_to_date; }
  // Counts one settled unit.
  void Add(Date d, UnitOutcome outcome, int64_t rows, const std::string& error);
};

class JobEvents {
 public:
  virtual ~JobEvents() = default;
  // `total` game dates in the job's range, `todo` of them to settle in this
  // run; `before` counts the units already settled (up to date, skipped).
  virtual void Started(int total, int todo, const JobTally& before) = 0;
  virtual void Settled(Date d, UnitOutcome outcome, int64_t rows, const std::string& error) = 0;
  virtual void Line(LineKind kind, const std::string& text) = 0;
  // The job's final tally (units never reached count as planned).
  virtual void Ended(const JobTally& tally) = 0;
};

// Writes events onto a stream as lines: `@phase4-event {json}`. Thread-safe.
class EventStreamWriter : public JobEvents {
 public:
  explicit EventStreamWriter(std::FILE* out) : out_(out) {}
  void Started(int total, int todo, const JobTally& before) override;
  void Settled(Date d, UnitOutcome outcome, int64_t rows, const std::string& error) override;
  void Line(LineKind kind, const std::string& text) override;
  void Ended(const JobTally& tally) override;

 private:
  void Write(const std::string& json);
  std::FILE* out_;
  std::mutex mu_;
};

// Replays one line of a job's output stream into `sink`: an event line as
// its event, any other line (a child's raw stderr) as text, an error or
// warning by its prefix, else a note. False when an event line is damaged
// (then it is passed on as a note).
bool DispatchJobOutput(std::string_view line, JobEvents& sink);

std::string_view UnitOutcomeName(UnitOutcome o);

}  // namespace phase4::backfill
