// Fingerprints of a unit's inputs and outputs (doc/ledger.md,
// "Fingerprints").
//
// A unit (job J, date D) reads, and its input fingerprint covers:
//  * of each Phase 3 table J lists, the dates of D's season its windows can
//    reach: the game-summary tables before D, the upcoming-context tables on
//    D, the schedule up to D (each date by its digest, phase3_digests.h);
//  * the rows of each upstream job for D (by their output fingerprints);
//  * J's code version.
// So a Phase 3 change on date X makes stale exactly the units of X's season
// whose windows reach X, and a recomputed unit whose rows are unchanged
// leaves its downstream units up to date (early cut-off).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/date.h"
#include "ledger/phase3_digests.h"
#include "processors/common/processor.h"
#include "warehouse/value.h"

namespace phase4::ledger {

struct InputFingerprint {
  std::string value;  // 32 hex digits
  std::string parts;  // "name=fingerprint;..." (code, Phase 3 tables, upstreams)
};

// `code=v<N>`: bump ProcessorInfo::version when compute's output changes
// for the same inputs, and every unit of the job becomes stale.
std::string CodeVersion(const processors::ProcessorInfo& job);

class InputFingerprinter {
 public:
  explicit InputFingerprinter(Phase3Digests digests);
  // Tables point into digests_.
  InputFingerprinter(const InputFingerprinter&) = delete;
  InputFingerprinter& operator=(const InputFingerprinter&) = delete;

  // The fingerprint of (job, d), given the output fingerprints of the
  // upstream units of d by job name (a missing one counts as "none").
  InputFingerprint For(const processors::ProcessorInfo& job, Date d,
                       const std::map<std::string, std::string, std::less<>>& upstream) const;

  // The dates of `table` within what (.., d) reads whose digest changed
  // after `since` (a UTC timestamp), ascending.
  std::vector<Date> ChangedDates(std::string_view table, Date d, std::string_view since) const;

  // Rows of `table` on d (0 when none), from the digests.
  int64_t RowsOn(std::string_view table, Date d) const;

 private:
  // The digests of one table with, per date, the running digest of its
  // season up to and including it.
  struct Table {
    std::vector<Date> dates;  // ascending; dates with rows only
    std::vector<std::string> running;
    const std::map<Date, DateDigest>* all = nullptr;
  };
  std::string Phase3Part(std::string_view table, Date d) const;
  const Table* Find(std::string_view table) const;

  Phase3Digests digests_;
  std::map<std::string, Table, std::less<>> tables_;
};

// The fingerprint of the rows a unit wrote: its rows' keys and data_hash
// values (the business fields, decision 35), in key order.
std::string OutputFingerprint(const processors::ProcessorInfo& job, const std::vector<Row>& rows);

// Parses InputFingerprint::parts.
std::map<std::string, std::string, std::less<>> ParseParts(std::string_view parts);

}  // namespace phase4::ledger
