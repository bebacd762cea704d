// The exit codes of every phase4 command (README "Exit codes", `--help`).
// The layers return a Status; the CLI makes the process's exit code of it
// with ExitCodeFor (run-all uses the same mapping to show its jobs' codes).
#pragma once

#include "common/status.h"

namespace phase4 {

// Everything asked for is done (or up to date).
inline constexpr int kExitOk = 0;
// Anything else: Phase 3 not ready, an unreadable checkpoint, a bad
// warehouse path...
inline constexpr int kExitFatal = 1;
// The run finished, but some units failed or are blocked; running the same
// command again retries exactly those.
inline constexpr int kExitDatesFailed = 2;
// Usage error: an unknown option, a malformed date (EX_USAGE of sysexits.h).
inline constexpr int kExitUsage = 64;
// The warehouse's storage failed (disk full, I/O error, read-only or damaged
// file): the run stopped after the date in flight, which is not recorded, so
// the same command resumes at it once the cause is fixed (EX_IOERR).
inline constexpr int kExitStorage = 74;
// Another run holds the lock of a job this run needs (EX_TEMPFAIL).
inline constexpr int kExitLocked = 75;
// Interrupted by SIGINT or SIGTERM after the date in flight (128 + SIGINT).
inline constexpr int kExitInterrupted = 130;

// The exit code a command's Status means, the one mapping (README "Exit
// codes"): OK 0; units failed or blocked (kIncomplete) 2; usage 64; storage
// 74; busy or locked 75; interrupted 130; anything else 1.
int ExitCodeFor(const Status& status);

}  // namespace phase4
