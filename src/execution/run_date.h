// Running one processor for one date against a warehouse: the shared path of
// `phase4 process` and the live run. Bootstrap dates (decision 3) write
// nothing; any other date is computed from season inputs (read once per
// season by the InputReader) and written in one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "execution/input_reader.h"
#include "processors/common/processor.h"
#include "warehouse/warehouse.h"

namespace phase4::execution {

// How a date is written. The modes of a run (backfill, strict, downstream
// trigger) decide what happens around the write and live with the callers
// (live::LiveOptions, the backfill job), not here.
struct RunOptions {
  // processed_at of the written rows; now (UTC) when empty.
  std::string processed_at;
  // When set, called with the finished rows about to be written; the rows
  // it returns (the unit's ledger record, the completion message of
  // decision 23) commit in the same transaction as the date's rows.
  std::function<Result<std::vector<Warehouse::ExtraRow>>(const std::vector<Row>& rows)>
      extra_rows;
};

struct DateOutcome {
  bool bootstrap = false;  // a bootstrap date: nothing computed or written
  int64_t rows_written = 0;
};

// Computes the rows of `info` for d without writing them (bootstrap dates
// give no rows). The reader's calendar decides bootstrap dates.
Result<std::vector<Row>> ComputeDate(InputReader& reader, const processors::ProcessorInfo& info,
                                     Date d);

// FinalizeRows, then Warehouse::ReplaceDate: afterwards the table holds
// exactly these rows for d; on any failure the previous rows of d are
// intact. Returns the number of rows written. `also`: rows of other tables
// (in the same dataset file) committed in the same transaction.
Result<int64_t> WriteDate(Warehouse& wh, const processors::ProcessorInfo& info, Date d,
                          std::vector<Row> rows, const std::string& processed_at,
                          const std::vector<Warehouse::ExtraRow>& also = {});

// Computes and writes date d of `info`'s table.
Result<DateOutcome> RunProcessorDate(InputReader& reader, const processors::ProcessorInfo& info,
                                     Date d, const RunOptions& options = {});

}  // namespace phase4::execution
