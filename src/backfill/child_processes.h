// The jobs of a run-all: child processes whose output streams (events,
// and raw lines) are replayed into the run's console, or threads of the
// run-all process writing events into a pipe (orchestrator.h); and the
// local `phase4 worker` processes of `run-all --workers` (scaleout/).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "backfill/job_events.h"
#include "backfill/run_console.h"
#include "common/status.h"
#include "processors/common/processor.h"

namespace phase4::backfill {

struct Child {
  const processors::ProcessorInfo* info = nullptr;  // the job, if the child is one
  JobEvents* sink = nullptr;                        // where its output goes
  pid_t pid = -1;                                   // a child process; -1 for a thread
  std::thread thread;   // a thread; it sets `ended` and exit_code before it ends
  int fd = -1;          // read end of the child's stdout+stderr
  std::string pending;  // partial line
  // A process's exit status; for a thread job, the code its status means.
  int exit_code = -1;
  // How the child's job ended: a thread job's result, or a job process's
  // exit status read back (JobStatusOfExit).
  Status ended;
  bool reaped = false;  // a child process already waited for
};

// How a `phase4 backfill` child process's job ended, read back from its
// exit status (README, "Exit codes"); the child said the details on its
// output stream. Run-all weighs its jobs alike however they ran.
Status JobStatusOfExit(int exit_code);

// Starts `args` (args[0] is the program, `exe`) with stdout and stderr into
// a pipe that `c.fd` reads. The child handles SIGINT/SIGTERM itself.
bool StartChild(const std::string& exe, std::vector<std::string> args, Child& c);

// Replays every complete line of the children's output streams into their
// sinks (events, and raw error lines), until they all end; on a signal
// (`signal_received`) forwards SIGTERM to the child processes once, and a
// child that exits with a storage failure (74) gets its siblings SIGTERM.
// `every_tick` runs at least every 100 ms. Returns the signal seen (0 if
// none).
int PumpChildren(std::vector<Child>& children, const std::atomic<int>* signal_received,
                 RunConsole& console, const std::function<void()>& every_tick = {});

}  // namespace phase4::backfill
