#include "processors/run.h"

#include <fmt/format.h>

#include <stdexcept>

#include "common/exact.h"
#include "processors/common/writer.h"

namespace phase4::processors {

Result<std::vector<Row>> ComputeRows(const ProcessorInfo& info, Date d,
                                     const ProcessorInputs& inputs) {
  try {
    return info.compute(d, inputs);
  } catch (const ExactRangeError& e) {
    // An input value beyond exact arithmetic's range (decision 35): the
    // date fails with the reason; other dates go on.
    return Status::InvalidInput(e.what());
  } catch (const std::domain_error& e) {
    return Status::InvalidInput(e.what());
  }
}

Result<std::vector<Row>> ComputeDate(InputReader& reader, const ProcessorInfo& info, Date d) {
  if (reader.calendar().IsBootstrap(d)) return std::vector<Row>{};
  PHASE4_ASSIGN_OR_RETURN(ProcessorInputs inputs, reader.InputsFor(info, d));
  return ComputeRows(info, d, inputs);
}

Result<DateOutcome> RunProcessorDate(InputReader& reader, const ProcessorInfo& info, Date d,
                                     const RunOptions& options) {
  DateOutcome out;
  if (reader.calendar().IsBootstrap(d)) {
    out.bootstrap = true;
    return out;
  }
  PHASE4_ASSIGN_OR_RETURN(ProcessorInputs inputs, reader.InputsFor(info, d));
  auto rows = ComputeRows(info, d, inputs);
  if (!rows.ok()) return rows.status().WithContext(fmt::format("{} {}", info.name, FormatDate(d)));
  std::string processed_at =
      options.processed_at.empty() ? NowTimestampUtc() : options.processed_at;
  std::vector<Warehouse::ExtraRow> also;
  if (options.extra_rows) also = options.extra_rows(static_cast<int64_t>(rows->size()));
  PHASE4_ASSIGN_OR_RETURN(out.rows_written, WriteDate(reader.warehouse(), info, d,
                                                      std::move(rows).value(), processed_at, also));
  return out;
}

}  // namespace phase4::processors
