// The output writer: finishes computed rows (data_hash, rounding,
// processed_at) before the execution layer replaces date D of the output
// table with them in one transaction (decisions 11-13,
// execution/run_date.h).
#pragma once

#include <string>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "processors/common/processor.h"
#include "warehouse/value.h"

namespace phase4::processors {

// Finishes rows returned by info.compute for date d, in place:
//  1. non-finite reals become NULL (decision 11); every NUMERIC(p, s)
//     column rounded half-even to s decimals: a no-op for the exact values
//     the processors round themselves (decision 35), the binary rounding of
//     decision 34 for the doubles they leave (a standard deviation);
//  2. data_hash over info.hash_fields, rendered from the values as stored
//     (zone-processors.md §1.4 with decision 35: the reference hashed its
//     floating-point digits, which exact arithmetic does not have);
//  3. processed_at and created_at set to `processed_at`.
// Fails, naming the row, when a row's date is not d, its entity is empty, a
// NOT NULL column is NULL, or two rows share an entity (decision 12).
Status FinalizeRows(const ProcessorInfo& info, Date d, std::vector<Row>& rows,
                    const std::string& processed_at);

}  // namespace phase4::processors
