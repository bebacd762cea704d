// The pipeline report as the screen of text `phase4 report` prints (the
// end of `make demo`).
#pragma once

#include <string>

#include "report/pipeline_report.h"

namespace phase4::report {

// Rows per table in the range, dates per job (recorded states, then what a
// run would still do), the mean feature quality, the signal check overall
// and by month, and the failed and blocked units (the first
// `max_problems`). An empty sample is said in words, never printed as 0.
std::string FormatTextReport(const PipelineReport& r, size_t max_problems = 10);

}  // namespace phase4::report
