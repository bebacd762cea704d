// Progress output of a backfill (decision 19): a line every 10 dates and,
// when stdout is a terminal, a live bar (dates done, rate, ETA) redrawn in
// place between lines.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace phase4 {

class ProgressReporter {
 public:
  // `total` dates to process in this run; `out` is where lines go.
  ProgressReporter(int total, std::FILE* out, bool live_bar);

  // Prints a line (clearing the bar first when one is shown). Without the
  // bar, `out` is flushed when kFlushInterval has passed since the last
  // flush, and by Finish().
  void Line(const std::string& text);
  // Records one finished date; prints the progress line every 10 dates and
  // redraws the bar.
  void DateDone(int successful, int failed, int skipped);
  // Clears the bar (before the summary).
  void Finish();

  double rate_per_second() const;

 private:
  void DrawBar();
  void ClearBar();

  int total_;
  int done_ = 0;
  std::FILE* out_;
  bool live_bar_;
  bool bar_shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_flush_;
  static constexpr std::chrono::milliseconds kFlushInterval{100};
};

// "1:05" / "1:02:03".
std::string FormatDuration(double seconds);

}  // namespace phase4
