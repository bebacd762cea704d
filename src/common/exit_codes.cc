#include "common/exit_codes.h"

namespace phase4 {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return kExitOk;
    case Status::Code::kIncomplete:
      return kExitDatesFailed;
    case Status::Code::kUsage:
      return kExitUsage;
    case Status::Code::kStorage:
      return kExitStorage;
    case Status::Code::kBusy:
      return kExitLocked;
    case Status::Code::kInterrupted:
      return kExitInterrupted;
    // Listed so that a new code is a compile error here until it is placed.
    case Status::Code::kInvalidInput:
    case Status::Code::kNotFound:
    case Status::Code::kIo:
    case Status::Code::kCorruption:
    case Status::Code::kFailedPrecondition:
    case Status::Code::kAborted:
      return kExitFatal;
  }
  return kExitFatal;
}

}  // namespace phase4
