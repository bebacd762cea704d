#include "ledger/unit.h"

namespace phase4::ledger {

std::string_view UnitStateName(UnitState s) {
  switch (s) {
    case UnitState::kSucceeded:
      return "succeeded";
    case UnitState::kFailed:
      return "failed";
    case UnitState::kSkipped:
      return "skipped";
    case UnitState::kBlocked:
      return "blocked";
  }
  return "unknown";
}

std::optional<UnitState> ParseUnitState(std::string_view name) {
  for (UnitState s :
       {UnitState::kSucceeded, UnitState::kFailed, UnitState::kSkipped, UnitState::kBlocked})
    if (UnitStateName(s) == name) return s;
  return std::nullopt;
}

}  // namespace phase4::ledger
