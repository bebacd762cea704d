// The exit code of a command's result: the one place where what the layers
// report (a Status) becomes what the shell sees (common/exit_codes.h,
// README "Exit codes").
#pragma once

#include "common/status.h"

namespace phase4::cli {

// OK 0; units failed or blocked (kIncomplete) 2; usage 64; storage 74;
// busy or locked 75; interrupted 130; anything else 1.
int ExitCodeFor(const Status& status);

}  // namespace phase4::cli
