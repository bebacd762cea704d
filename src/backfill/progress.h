// Durations as the progress lines and tables print them.
#pragma once

#include <string>

namespace phase4::backfill {

// "1:05" / "1:02:03".
std::string FormatDuration(double seconds);

}  // namespace phase4::backfill
