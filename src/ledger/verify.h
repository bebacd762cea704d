// Checks the ledger against the rows it vouches for (`phase4 check`,
// doc/ledger.md "Checking the ledger"). A unit is committed with its rows,
// so a disagreement means someone wrote or deleted Phase 4 rows behind
// phase4's back, or a file was damaged in a way its pages do not show.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4::ledger {

struct LedgerCheck {
  int64_t units = 0;           // ledger records read, every job
  int64_t units_compared = 0;  // succeeded units whose rows were fingerprinted (deep only)
  // One line per disagreement, e.g. "player_daily_cache 2024-01-15: the
  // unit records 30 rows, 29 are stored". At most kMaxLedgerProblems.
  std::vector<std::string> problems;
  int64_t more_problems = 0;  // beyond the lines kept
};

inline constexpr size_t kMaxLedgerProblems = 20;

// For every job: each date with stored rows has a unit, and each unit's
// rows_written equals the rows stored for its date. With `deep`, also the
// output fingerprint of each succeeded unit's stored rows (keys and
// data_hash) equals the recorded one; the rows are read a month at a time.
Result<LedgerCheck> CheckLedger(Warehouse& wh, bool deep);

}  // namespace phase4::ledger
