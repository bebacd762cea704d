#include "backfill/progress.h"

#include <fmt/format.h>

namespace phase4 {

std::string FormatDuration(double seconds) {
  long s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

ProgressReporter::ProgressReporter(int total, std::FILE* out, bool live_bar)
    : total_(total),
      out_(out),
      live_bar_(live_bar),
      start_(std::chrono::steady_clock::now()),
      last_flush_(start_) {}

double ProgressReporter::rate_per_second() const {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return elapsed > 0 ? done_ / elapsed : 0;
}

void ProgressReporter::ClearBar() {
  if (!bar_shown_) return;
  fmt::print(out_, "\r\033[K");
  bar_shown_ = false;
}

void ProgressReporter::Line(const std::string& text) {
  ClearBar();
  fmt::print(out_, "{}\n", text);
  if (live_bar_) {
    DrawBar();
    return;
  }
  // Into a file or pipe the stream is block-buffered (two lines per date,
  // each written on its own cost a context switch to run-all's reader per
  // line); it is flushed at least every kFlushInterval, so a reader lags
  // by a fraction of a second at most.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_flush_ >= kFlushInterval) {
    std::fflush(out_);
    last_flush_ = now;
  }
}

void ProgressReporter::DrawBar() {
  constexpr int kWidth = 30;
  int filled = total_ ? done_ * kWidth / total_ : kWidth;
  double rate = rate_per_second();
  std::string eta = rate > 0 ? FormatDuration((total_ - done_) / rate) : "--:--";
  fmt::print(out_, "\r\033[K[{}{}] {}/{} dates  {:.1f} dates/s  ETA {}", std::string(filled, '#'),
             std::string(kWidth - filled, '.'), done_, total_, rate, eta);
  std::fflush(out_);
  bar_shown_ = true;
}

void ProgressReporter::DateDone(int successful, int failed, int skipped) {
  ++done_;
  if (done_ % 10 == 0 || done_ == total_) {
    int attempted = successful + failed;
    double pct = attempted ? 100.0 * successful / attempted : 100.0;
    double rate = rate_per_second();
    Line(fmt::format(
        "Progress: {}/{} days ({:.1f}% success) - {} successful, {} failed, {} skipped - "
        "{:.1f} dates/s, ETA {}",
        done_, total_, pct, successful, failed, skipped, rate,
        rate > 0 ? FormatDuration((total_ - done_) / rate) : "--:--"));
  } else if (live_bar_) {
    DrawBar();
  }
}

void ProgressReporter::Finish() {
  ClearBar();
  std::fflush(out_);
}

}  // namespace phase4
