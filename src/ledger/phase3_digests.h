// Digests of the Phase 3 rows per (table, game date): what a unit's input
// fingerprint is made of (fingerprint.h).
//
// Triggers on the schedule and the five Phase 3 tables mark every date any
// writer touches in `phase3_changes` (warehouse.cc, Init), so a change made
// by another tool straight into the warehouse is seen too. A refresh reads
// the rows of the marked dates only, stores their digest in
// `phase3_digests` (with the time it last changed), then clears the marks it
// read, each only if its version is still the one read: a write meanwhile
// marks its date again (a higher version), so it is digested next time. doc/ledger.md,
// "Fingerprints".
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "calendar/date.h"
#include "common/status.h"
#include "warehouse/warehouse.h"

namespace phase4::ledger {

struct DateDigest {
  int64_t rows = 0;        // 0: the date's rows were all deleted
  std::string digest;      // hex
  std::string changed_at;  // when the digest last changed (UTC timestamp)
};

// By table full name (e.g. nba_analytics.player_game_summary), then date.
using Phase3Digests = std::map<std::string, std::map<Date, DateDigest>, std::less<>>;

// The digests of the dates marked changed, read but not yet stored, so that
// a run can plan with them while the integrity check of the files they are
// stored in still runs (doc/warehouse.md, "Checking a warehouse").
struct DigestRefresh {
  struct Dataset {
    const TableSchema* digests = nullptr;  // where they are stored
    std::vector<Row> changed;              // digest rows whose digest changed
    const TableSchema* changes = nullptr;  // the marks
    std::vector<Row> marks;                // the marks read, cleared when stored
  };
  std::vector<Dataset> datasets;
  // How many (table, date) pairs were read.
  int64_t marks() const;
};

// Reads the dates marked changed and digests them; writes nothing.
Result<DigestRefresh> ReadDigestRefresh(Warehouse& wh);
// Stores the changed digests, then clears the marks read (each only if its
// version is still the one read).
Status StoreDigestRefresh(Warehouse& wh, const DigestRefresh& refresh);
// `digests` (as stored) with the refresh's digests in their place.
void ApplyDigestRefresh(const DigestRefresh& refresh, Phase3Digests& digests);

// ReadDigestRefresh, then StoreDigestRefresh. Returns how many (table,
// date) pairs were read.
Result<int64_t> RefreshPhase3Digests(Warehouse& wh);

// Every stored digest.
Result<Phase3Digests> ReadPhase3Digests(Warehouse& wh);

}  // namespace phase4::ledger
