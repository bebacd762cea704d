#include "execution/run_date.h"

#include <fmt/format.h>

#include "processors/common/writer.h"
#include "processors/compute_rows.h"

namespace phase4::execution {

Result<std::vector<Row>> ComputeDate(InputReader& reader, const processors::ProcessorInfo& info, Date d) {
  if (reader.calendar().IsBootstrap(d)) return std::vector<Row>{};
  PHASE4_ASSIGN_OR_RETURN(processors::ProcessorInputs inputs, reader.InputsFor(info, d));
  return processors::ComputeRows(info, d, inputs);
}

Result<DateOutcome> RunProcessorDate(InputReader& reader, const processors::ProcessorInfo& info, Date d,
                                     const RunOptions& options) {
  DateOutcome out;
  if (reader.calendar().IsBootstrap(d)) {
    out.bootstrap = true;
    return out;
  }
  PHASE4_ASSIGN_OR_RETURN(processors::ProcessorInputs inputs, reader.InputsFor(info, d));
  auto rows = processors::ComputeRows(info, d, inputs);
  if (!rows.ok()) return rows.status().WithContext(fmt::format("{} {}", info.name, FormatDate(d)));
  std::string processed_at =
      options.processed_at.empty() ? NowTimestampUtc() : options.processed_at;
  PHASE4_RETURN_IF_ERROR(processors::FinalizeRows(info, d, *rows, processed_at));
  std::vector<Warehouse::ExtraRow> also;
  if (options.extra_rows) {
    PHASE4_ASSIGN_OR_RETURN(also, options.extra_rows(*rows));
  }
  PHASE4_RETURN_IF_ERROR(
      reader.warehouse()
          .ReplaceDate(*info.output, d, *rows, also)
          .WithContext(fmt::format("writing {} for {}", info.output->FullName(), FormatDate(d))));
  out.rows_written = static_cast<int64_t>(rows->size());
  return out;
}

Result<int64_t> WriteDate(Warehouse& wh, const processors::ProcessorInfo& info, Date d,
                          std::vector<Row> rows, const std::string& processed_at,
                          const std::vector<Warehouse::ExtraRow>& also) {
  PHASE4_RETURN_IF_ERROR(processors::FinalizeRows(info, d, rows, processed_at));
  PHASE4_RETURN_IF_ERROR(
      wh.ReplaceDate(*info.output, d, rows, also)
          .WithContext(fmt::format("writing {} for {}", info.output->FullName(), FormatDate(d))));
  return static_cast<int64_t>(rows.size());
}

}  // namespace phase4::execution
