// The pipeline report as one self-contained HTML page (`phase4 report
// --html FILE`, doc/report.md): inline CSS and SVG, no script, nothing
// loaded from the network or from other files (its Content-Security-Policy
// forbids it), so the file opens from disk anywhere.
//
// Each unit of the grid is an SVG rect with machine-readable attributes,
//   <rect class="unit state-failed" data-job="player_daily_cache"
//         data-date="2024-01-15" data-state="failed">,
// and its state, reason and rows on hover (an SVG <title>).
#pragma once

#include <string>
#include <string_view>

#include "report/pipeline_report.h"

namespace phase4::report {

// `written_at`: when the page was made, shown in its header.
std::string RenderHtmlReport(const PipelineReport& r, std::string_view written_at);

}  // namespace phase4::report
