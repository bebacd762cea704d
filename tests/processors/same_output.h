// What the projection tests share: the walk over a season's dates running
// every processor, and the comparison of a processor's rows for one date
// computed from projected inputs against the rows computed from whole ones.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "calendar/date.h"
#include "processors/common/processor.h"
#include "processors/common/writer.h"
#include "processors/registry.h"
#include "execution/run_date.h"

namespace phase4::testing {

using processors::ProcessorInfo;

// A cell of a row, for failure messages.
inline std::string CellText(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "NULL";
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return std::get<std::string>(v);
}

// Finishes both row sets as the writer would (data_hash, rounding,
// processed_at) and asserts they are non-empty and equal cell by cell,
// naming the first differing column. Call it inside
// ASSERT_NO_FATAL_FAILURE.
inline void ExpectSameFinishedRows(const ProcessorInfo& info, Date d, std::vector<Row> projected,
                                   std::vector<Row> whole, const std::string& processed_at,
                                   const char* whole_label) {
  ASSERT_TRUE(processors::FinalizeRows(info, d, projected, processed_at).ok());
  ASSERT_TRUE(processors::FinalizeRows(info, d, whole, processed_at).ok());
  ASSERT_EQ(projected.size(), whole.size()) << info.name << " " << FormatDate(d);
  ASSERT_FALSE(projected.empty()) << info.name << " " << FormatDate(d);
  for (size_t r = 0; r < projected.size(); ++r)
    for (size_t c = 0; c < projected[r].size(); ++c)
      ASSERT_EQ(projected[r][c], whole[r][c])
          << info.name << " " << FormatDate(d) << " column " << info.output->columns[c].name
          << ": projected " << CellText(projected[r][c]) << ", " << whole_label << " "
          << CellText(whole[r][c]);
}

// Walks `dates` in order. On each date, for every processor in execution
// order, calls `compare(info, i, d)` (d = dates[i]) first, before the
// processor writes d (its downstreams read what it writes), then runs the
// processor on d through `reader_for(info)` and asserts it succeeded. Call
// it inside ASSERT_NO_FATAL_FAILURE; a fatal failure in `compare` stops it.
template <class ReaderFor, class Compare>
void WalkDatesRunningEveryProcessor(const std::vector<Date>& dates, ReaderFor reader_for,
                                    Compare compare, const execution::RunOptions& options) {
  for (size_t i = 0; i < dates.size(); ++i)
    for (const ProcessorInfo* info : processors::AllProcessors()) {
      ASSERT_NO_FATAL_FAILURE(compare(*info, i, dates[i]));
      auto out = execution::RunProcessorDate(reader_for(*info), *info, dates[i], options);
      ASSERT_TRUE(out.ok()) << info->name << " " << FormatDate(dates[i]) << ": "
                            << out.status().message();
    }
}

}  // namespace phase4::testing
