// The comparison of the projection tests: a processor's rows for one date
// computed from projected inputs against the rows computed from whole ones.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "calendar/date.h"
#include "processors/common/processor.h"
#include "processors/common/writer.h"

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

}  // namespace phase4::testing
