#include "backfill/run_console.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "backfill/progress.h"
#include "tableio/csv.h"

namespace phase4::backfill {

using Clock = std::chrono::steady_clock;

// One job's state, and the sink its events arrive at.
class RunConsole::Job : public JobEvents {
 public:
  Job(RunConsole& console, size_t index, int order, std::string name)
      : console_(console), index_(index), order(order), name(std::move(name)) {}
  void Started(int total_dates, int todo_dates, const JobTally& before) override {
    console_.OnStarted(index_, total_dates, todo_dates, before);
  }
  void Settled(Date d, UnitOutcome outcome, int64_t rows, const std::string& error) override {
    console_.OnSettled(index_, d, outcome, rows, error);
  }
  void Line(LineKind kind, const std::string& text) override {
    console_.OnLine(index_, kind, text);
  }
  void Ended(const JobTally& tally) override { console_.OnEnded(index_, tally); }

  RunConsole& console_;
  size_t index_;
  int order;
  std::string name;
  bool started = false, ended = false;
  int total = 0, todo = 0, done = 0;
  int failures_now = 0;  // units failed or blocked in this run
  JobTally tally;        // before the run plus what it settled; the job's own at the end
  Clock::time_point start{}, end{};
};

ConsoleMode ChooseConsoleMode(bool quiet, bool json, bool terminal) {
  if (json) return ConsoleMode::kJson;
  if (quiet) return ConsoleMode::kQuiet;
  return terminal ? ConsoleMode::kLive : ConsoleMode::kLines;
}

RunConsole::RunConsole(std::FILE* out, std::FILE* err, ConsoleMode mode, LogLevel level,
                       RunLog* log, bool many_jobs)
    : out_(out),
      err_(err),
      mode_(mode),
      level_(level),
      log_(log),
      many_jobs_(many_jobs),
      start_(Clock::now()) {}

RunConsole::~RunConsole() { StopLive(); }

JobEvents& RunConsole::AddJob(int order, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  jobs_.push_back(std::make_unique<Job>(*this, jobs_.size(), order, name));
  return *jobs_.back();
}

bool RunConsole::Shows(LogLevel level) const {
  if (mode_ == ConsoleMode::kQuiet || mode_ == ConsoleMode::kJson) return false;
  return level >= level_ || level == LogLevel::kError;
}

void RunConsole::Say(LogLevel level, const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (log_) log_->Write(level, "", text);
  Print(level, text);
}

// A line on the console, above the live block when one is drawn. In the
// quiet and JSON modes errors still go to `err_`.
void RunConsole::Print(LogLevel level, const std::string& text) {
  if (!Shows(level)) {
    if (level == LogLevel::kError && (mode_ == ConsoleMode::kQuiet || mode_ == ConsoleMode::kJson))
      fmt::print(err_, "{}\n", tableio::EscapeInvalidUtf8(text));
    return;
  }
  ClearBlock();
  // A run-all keeps one screen, problems in order with the rest; a job run
  // alone puts its warnings and errors on stderr.
  std::FILE* to = level >= LogLevel::kWarn && !many_jobs_ ? err_ : out_;
  fmt::print(to, "{}\n", tableio::EscapeInvalidUtf8(text));
  std::fflush(to);
  if (mode_ == ConsoleMode::kLive && !live_stopped_) DrawBlock();
}

std::string RunConsole::Prefix(const Job& j) const {
  return many_jobs_ ? fmt::format("[#{} {}] ", j.order, j.name) : std::string();
}

void RunConsole::OnStarted(size_t index, int total, int todo, const JobTally& before) {
  std::lock_guard<std::mutex> lock(mu_);
  Job& j = *jobs_[index];
  j.started = true;
  j.start = Clock::now();
  j.total = total;
  j.todo = todo;
  j.tally = before;
  if (mode_ == ConsoleMode::kLive) DrawBlock();
}

void RunConsole::OnSettled(size_t index, Date d, UnitOutcome outcome, int64_t rows,
                           const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  Job& j = *jobs_[index];
  ++j.done;
  j.tally.Add(d, outcome, rows, error);
  if (outcome == UnitOutcome::kFailed || outcome == UnitOutcome::kBlocked) ++j.failures_now;
  if (mode_ == ConsoleMode::kLive) {
    if (Clock::now() - last_draw_ >= std::chrono::milliseconds(100)) DrawBlock();
    return;
  }
  // The operator document's line, every 10 dates and at the job's last.
  if (j.done % 10 != 0 && j.done != j.todo) return;
  const JobTally& t = j.tally;
  const int attempted = t.succeeded() + t.failed + t.blocked;
  const double pct = attempted ? 100.0 * t.succeeded() / attempted : 100.0;
  const double seconds = Seconds(j);
  const double rate = seconds > 0 ? j.done / seconds : 0;
  const std::string line = fmt::format(
      "{}Progress: {}/{} days ({:.1f}% success) - {} successful, {} failed, {} skipped - "
      "{:.1f} dates/s, ETA {}",
      Prefix(j), j.done, j.todo, pct, t.succeeded(), t.failed + t.blocked, t.skipped, rate,
      rate > 0 ? FormatDuration((j.todo - j.done) / rate) : "--:--");
  if (log_) log_->Write(LogLevel::kInfo, "", line);
  Print(LogLevel::kInfo, line);
}

void RunConsole::OnLine(size_t index, LineKind kind, const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  const Job& j = *jobs_[index];
  const std::string source = fmt::format("#{} {}", j.order, j.name);
  switch (kind) {
    case LineKind::kDetail:
      // Per date: the log; the console only at debug.
      if (log_) log_->Write(LogLevel::kInfo, source, text);
      Print(LogLevel::kDebug, Prefix(j) + text);
      break;
    case LineKind::kNote:
      // A job's own header and summary: the console of a job run alone; in a
      // run-all the closing table says it for every job at once.
      if (log_) log_->Write(LogLevel::kInfo, source, text);
      Print(many_jobs_ ? LogLevel::kDebug : LogLevel::kInfo, Prefix(j) + text);
      break;
    case LineKind::kWarning:
      if (log_) log_->Write(LogLevel::kWarn, source, text);
      Print(LogLevel::kWarn, Prefix(j) + text);
      break;
    case LineKind::kError:
      if (log_) log_->Write(LogLevel::kError, source, text);
      Print(LogLevel::kError, Prefix(j) + text);
      break;
  }
}

void RunConsole::OnEnded(size_t index, const JobTally& tally) {
  std::lock_guard<std::mutex> lock(mu_);
  Job& j = *jobs_[index];
  j.ended = true;
  j.end = Clock::now();
  j.tally = tally;
  if (mode_ == ConsoleMode::kLive) DrawBlock();
}

void RunConsole::Tick() {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ == ConsoleMode::kLive && Clock::now() - last_draw_ >= std::chrono::milliseconds(100))
    DrawBlock();
}

void RunConsole::StopLive() {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ != ConsoleMode::kLive || live_stopped_) return;
  // The last state stays on the screen above the end of the run.
  DrawBlock();
  block_lines_ = 0;
  live_stopped_ = true;
}

double RunConsole::Seconds(const Job& j) const {
  if (!j.started) return 0;
  return std::chrono::duration<double>((j.ended ? j.end : Clock::now()) - j.start).count();
}

void RunConsole::ClearBlock() {
  if (block_lines_ == 0) return;
  // To the first line of the block, then clear to the end of the screen.
  fmt::print(out_, "\033[{}F\033[J", block_lines_);
  block_lines_ = 0;
}

std::string RunConsole::JobLine(const Job& j, size_t width) const {
  const std::string label = fmt::format("#{} {}", j.order, j.name);
  if (!j.started) return fmt::format("{:<30} waiting", label);
  const double seconds = Seconds(j);
  const double rate = seconds > 0 ? j.done / seconds : 0;
  // The bar takes what the terminal has beyond the ~85 columns of text.
  const size_t bar = width > 120 ? 24 : width > 100 ? 16 : width >= 96 ? 10 : 4;
  const size_t filled =
      j.todo ? static_cast<size_t>(j.done) * bar / static_cast<size_t>(j.todo) : bar;
  std::string eta = j.ended            ? "done in " + FormatDuration(seconds)
                    : j.done == j.todo ? "finishing"
                    : rate > 0         ? "ETA " + FormatDuration((j.todo - j.done) / rate)
                                       : "ETA --:--";
  return fmt::format("{:<30} [{}{}] {:>5}/{:<5} failed {:<3} {:>5.1f} dates/s  {}", label,
                     std::string(filled, '#'), std::string(bar - filled, '.'), j.done, j.todo,
                     j.failures_now, rate, eta);
}

void RunConsole::DrawBlock() {
  if (live_stopped_ || jobs_.empty()) return;
  ClearBlock();
  size_t width = 100;
  winsize ws{};
  if (ioctl(fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) width = ws.ws_col;
  // A wrapped line would throw off the count of lines to go back over.
  auto fit = [width](std::string s) {
    // Columns, not bytes: the bar and labels are ASCII.
    if (s.size() >= width) s.resize(width - 1);
    return s;
  };
  std::vector<std::string> lines;
  int total = 0, done = 0;
  double eta = 0;
  for (const auto& j : jobs_) {
    lines.push_back(fit(JobLine(*j, width)));
    total += j->started ? j->todo : 0;
    done += j->done;
    const double s = Seconds(*j);
    if (j->started && !j->ended && j->done > 0 && s > 0)
      eta = std::max(eta, (j->todo - j->done) / (j->done / s));
  }
  if (many_jobs_) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const double overall_rate = elapsed > 0 ? done / elapsed : 0;
    // Downstream jobs wait for their upstreams: the run ends no sooner than
    // its slowest job, nor before the units left at the run's own pace.
    if (overall_rate > 0) eta = std::max(eta, (total - done) / overall_rate);
    lines.push_back(
        fit(fmt::format("{:<30} {:>5}/{:<5} units, elapsed {}, ETA {}", "Overall", done, total,
                        FormatDuration(elapsed), done > 0 ? FormatDuration(eta) : "--:--")));
  }
  for (const auto& l : lines) fmt::print(out_, "{}\033[K\n", l);
  std::fflush(out_);
  block_lines_ = static_cast<int>(lines.size());
  last_draw_ = Clock::now();
}

std::string RunConsole::Table() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out = fmt::format("{:<32} {:>9} {:>6} {:>7} {:>7} {:>10} {:>8}\n", "Job", "Succeeded",
                                "Failed", "Blocked", "Skipped", "Rows", "Time");
  int64_t rows = 0;
  for (const auto& j : jobs_) {
    const JobTally& t = j->tally;
    rows += t.rows_written;
    out += fmt::format("{:<32} {:>9} {:>6} {:>7} {:>7} {:>10} {:>8}\n",
                       fmt::format("#{} {}", j->order, j->name), t.succeeded(), t.failed, t.blocked,
                       t.skipped, t.rows_written,
                       j->started ? FormatDuration(Seconds(*j)) : std::string("-"));
  }
  if (jobs_.size() > 1)
    out +=
        fmt::format("{:<32} {:>9} {:>6} {:>7} {:>7} {:>10} {:>8}\n", "Total", "", "", "", "", rows,
                    FormatDuration(std::chrono::duration<double>(Clock::now() - start_).count()));
  return out;
}

std::string RunConsole::Problems(size_t per_job) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& j : jobs_) {
    auto list = [&](const std::map<Date, std::string>& m, std::string_view what) {
      size_t n = 0;
      for (const auto& [d, text] : m) {
        if (n++ == per_job) {
          out += fmt::format("  #{} {}: … and {} more {} (the log and `phase4 status` list them)\n",
                             j->order, j->name, m.size() - per_job, what);
          break;
        }
        out += fmt::format("  #{} {} {} {}: {}\n", j->order, j->name, FormatDate(d), what,
                           tableio::EscapeInvalidUtf8(text));
      }
    };
    list(j->tally.failures, "failed");
    list(j->tally.blocks, "blocked");
  }
  return out;
}

nlohmann::ordered_json RunConsole::JobsJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& j : jobs_) {
    const JobTally& t = j->tally;
    nlohmann::ordered_json failed = nlohmann::ordered_json::array(),
                           blocked = nlohmann::ordered_json::array();
    for (const auto& [d, e] : t.failures) failed.push_back({{"date", FormatDate(d)}, {"error", e}});
    for (const auto& [d, e] : t.blocks) blocked.push_back({{"date", FormatDate(d)}, {"reason", e}});
    nlohmann::ordered_json job;
    job["job"] = j->name;
    job["order"] = j->order;
    job["ran"] = j->started;
    job["succeeded"] = t.succeeded();
    job["computed"] = t.computed;
    job["up_to_date"] = t.up_to_date;
    job["failed"] = t.failed;
    job["blocked"] = t.blocked;
    job["skipped"] = t.skipped;
    job["rows_written"] = t.rows_written;
    job["seconds"] = Seconds(*j);
    job["failed_units"] = std::move(failed);
    job["blocked_units"] = std::move(blocked);
    out.push_back(std::move(job));
  }
  return out;
}

int RunConsole::Conclude(const RunEnd& e) {
  StopLive();
  if (mode_ == ConsoleMode::kJson) {
    nlohmann::ordered_json j;
    j["command"] = e.command;
    j["start_date"] = FormatDate(e.start);
    j["end_date"] = FormatDate(e.end);
    j["exit_code"] = e.exit_code;
    j["complete"] = e.exit_code == 0;
    j["jobs"] = JobsJson();
    j["messages"] = e.lines;
    j["retry_command"] = e.retry_command.empty() ? nlohmann::ordered_json(nullptr)
                                                 : nlohmann::ordered_json(e.retry_command);
    j["log_file"] = e.log_file;
    fmt::print(out_, "{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    std::fflush(out_);
    return e.exit_code;
  }
  bool any_started = false;
  for (const auto& j : jobs_) any_started = any_started || j->started;
  if (mode_ != ConsoleMode::kQuiet && any_started) {
    // The table ends every run that ran a job, whatever the level.
    fmt::print(out_, "\n{}", Table());
    if (many_jobs_)
      if (std::string problems = Problems(10); !problems.empty())
        fmt::print(out_, "Failed and blocked units:\n{}", problems);
  }
  // How it ended and what to run next: on stdout below the table; with
  // --quiet only when something is left to do, on stderr.
  for (const auto& line : e.lines) {
    if (log_) log_->Write(e.exit_code == 0 ? LogLevel::kInfo : LogLevel::kWarn, "", line);
    if (mode_ != ConsoleMode::kQuiet)
      fmt::print(out_, "{}\n", tableio::EscapeInvalidUtf8(line));
    else if (e.exit_code != 0)
      fmt::print(err_, "{}\n", tableio::EscapeInvalidUtf8(line));
  }
  if (mode_ != ConsoleMode::kQuiet && !e.log_file.empty())
    fmt::print(out_, "Log: {}\n", e.log_file);
  std::fflush(out_);
  return e.exit_code;
}

}  // namespace phase4::backfill
