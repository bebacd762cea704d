#include "backfill/run_log.h"

#include <fmt/format.h>

#include <array>

#include "calendar/utc_time.h"
#include "tableio/csv.h"

namespace phase4::backfill {

namespace {

constexpr std::array<std::string_view, 5> kLevelNames = {"debug", "info", "warn", "error", "off"};

// `YYYYMMDDTHHMMSSZ`: sorts by time, safe in a file name.
std::string CompactUtc(std::chrono::system_clock::time_point t) {
  std::string out;
  for (char c : UtcSecondsTimestamp(t))
    if (c != '-' && c != ':') out += c;
  return out;
}

}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "trace") return LogLevel::kDebug;
  for (size_t i = 0; i < kLevelNames.size(); ++i)
    if (kLevelNames[i] == name) return static_cast<LogLevel>(i);
  return std::nullopt;
}

std::string_view LogLevelName(LogLevel level) { return kLevelNames[static_cast<size_t>(level)]; }

std::filesystem::path DefaultLogPath(const std::string& checkpoint_dir, std::string_view what,
                                     Date start, Date end, Env* env) {
  if (!env) env = Env::Default();
  return std::filesystem::path(checkpoint_dir) / "logs" /
         fmt::format("{}_{}_{}_{}.log", what, FormatDate(start), FormatDate(end),
                     CompactUtc(env->Now()));
}

Result<std::unique_ptr<RunLog>> RunLog::Open(const std::filesystem::path& path, LogLevel level,
                                             Env* env) {
  if (!env) env = Env::Default();
  if (level == LogLevel::kOff)
    return std::unique_ptr<RunLog>(new RunLog(path, nullptr, level, env));
  // A directory that cannot be made shows as the open's own error.
  if (path.has_parent_path()) (void)env->CreateDirs(path.parent_path());
  auto file = env->NewAppendFile(path);
  if (!file.ok())
    return file.status().WithContext(fmt::format("cannot open the log file {}", path.string()));
  return std::unique_ptr<RunLog>(new RunLog(path, std::move(file).value(), level, env));
}

RunLog::~RunLog() { Close(); }

void RunLog::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_) (void)file_->Flush();
  file_.reset();
}

void RunLog::Write(LogLevel level, std::string_view source, std::string_view text) {
  if (!Wants(level)) return;
  const std::string stamp = UtcSecondsTimestamp(env_->Now());
  std::string upper(LogLevelName(level));
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string line = source.empty()
                               ? fmt::format("{} {:<5} {}\n", stamp, upper,
                                             tableio::EscapeInvalidUtf8(std::string(text)))
                               : fmt::format("{} {:<5} [{}] {}\n", stamp, upper, source,
                                             tableio::EscapeInvalidUtf8(std::string(text)));
  std::lock_guard<std::mutex> lock(mu_);
  if (!file_) return;
  // A log that cannot be written does not stop the run (the console still
  // shows what matters).
  (void)file_->Append(line);
  const auto now = std::chrono::steady_clock::now();
  if (level >= LogLevel::kWarn || now - last_flush_ >= std::chrono::milliseconds(100)) {
    (void)file_->Flush();
    last_flush_ = now;
  }
}

}  // namespace phase4::backfill
