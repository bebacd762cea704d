#include "backfill/checkpoint.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/errno_text.h"

namespace phase4 {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

namespace {

// `YYYY-MM-DDTHH:MM:SS.ffffffZ` (updated_at) or `YYYYMMDDTHHMMSSZ` (suffix
// of a corrupt file moved aside).
std::string FormatUtc(std::chrono::system_clock::time_point tp, bool compact) {
  using namespace std::chrono;
  auto micros = floor<microseconds>(tp);
  auto day = floor<days>(micros);
  year_month_day ymd{day};
  hh_mm_ss<microseconds> t{micros - day};
  char buf[48];
  if (compact) {
    std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(t.hours().count()), static_cast<int>(t.minutes().count()),
                  static_cast<int>(t.seconds().count()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(t.hours().count()),
                  static_cast<int>(t.minutes().count()), static_cast<int>(t.seconds().count()),
                  static_cast<int>(t.subseconds().count()));
  }
  return buf;
}

bool ValidJobName(std::string_view job) {
  if (job.empty()) return false;
  return std::all_of(job.begin(), job.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

fs::path WithSuffix(const fs::path& p, std::string_view suffix) {
  fs::path out = p;
  out += std::string(suffix);
  return out;
}

// The file's text; nullopt when it does not exist. Only a regular file is
// read: a symlink, FIFO, device or directory in its place is refused before
// any byte is read (a FIFO would block, /dev/zero never ends), and so is a
// file over Checkpoint::kMaxFileBytes.
Result<std::optional<std::string>> ReadCheckpointFile(const fs::path& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    if (errno == ELOOP)
      return Status::FailedPrecondition(
          "checkpoint " + path.string() +
          " is a symbolic link; refusing it (a checkpoint must be a regular file: replace the "
          "link by the file, or give --checkpoint-dir the directory it is in)");
    return Status::IoError("cannot open checkpoint " + path.string() + ": " + ErrnoText(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return Status::IoError("cannot stat checkpoint " + path.string() + ": " + ErrnoText(err));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    const char* kind = S_ISFIFO(st.st_mode)                         ? "a FIFO"
                       : S_ISDIR(st.st_mode)                        ? "a directory"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                       : S_ISSOCK(st.st_mode)                       ? "a socket"
                                                                    : "not a regular file";
    return Status::FailedPrecondition("checkpoint " + path.string() + " is " + kind +
                                      "; refusing it (a checkpoint must be a regular file)");
  }
  auto too_big = [&](uint64_t size) {
    return Status::FailedPrecondition(fmt::format(
        "checkpoint {} is {} bytes, over the {} byte limit of a checkpoint; refusing it (move it "
        "away to start the range over)",
        path.string(), size, Checkpoint::kMaxFileBytes));
  };
  if (static_cast<uint64_t>(st.st_size) > Checkpoint::kMaxFileBytes) {
    close(fd);
    return too_big(static_cast<uint64_t>(st.st_size));
  }
  // A regular file never blocks; reads go back to blocking semantics anyway.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  std::string text;
  text.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return Status::IoError("cannot read checkpoint " + path.string() + ": " + ErrnoText(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    // The file may grow while it is read: the cap holds for what is read too.
    if (text.size() > Checkpoint::kMaxFileBytes) {
      close(fd);
      return too_big(text.size());
    }
  }
  close(fd);
  return std::optional<std::string>(std::move(text));
}

// A JSON string literal: quotes and escapes; invalid UTF-8 (error texts
// come from anywhere) is replaced, never thrown.
std::string JsonString(std::string_view text) {
  return OrderedJson(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// `"key": [dates]` at the document's first level, indented as dump(2) does.
void AppendDateArray(std::string& out, std::string_view key, const CheckpointDateList& dates) {
  out += "  \"";
  out += key;
  out += "\": ";
  dates.AppendJson(out);
}

// One element line of a date array: `    "YYYY-MM-DD"`.
void AppendDateItem(std::string& out, Date d) {
  out += "    \"";
  out += FormatDate(d);
  out += '"';
}

// Sorted, unique, in-range dates of `game_dates`.
std::vector<Date> GameDatesInRange(std::span<const Date> game_dates, Date start, Date end) {
  std::vector<Date> out;
  for (Date d : game_dates) {
    if (d >= start && d <= end) out.push_back(d);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// --- validation helpers for FromJson -------------------------------------

Status Corrupt(const std::string& reason) { return Status::Corruption(reason); }

// File text quoted in a reason: at most `max` bytes, control and non-ASCII
// bytes as '?', so a binary or huge file gives a short one-line warning.
std::string Shown(std::string_view text, size_t max = 60) {
  std::string out(text.substr(0, max));
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  if (text.size() > max) out += "...";
  return out;
}

Result<std::string> RequireString(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return Corrupt(std::string("field \"") + key + "\" is missing");
  if (!it->is_string()) return Corrupt(std::string("field \"") + key + "\" is not a string");
  return it->get<std::string>();
}

Result<Date> RequireDate(const Json& j, const char* key) {
  PHASE4_ASSIGN_OR_RETURN(std::string text, RequireString(j, key));
  auto d = ParseDate(text);
  if (!d)
    return Corrupt(std::string("field \"") + key + "\" is \"" + Shown(text) +
                   "\", not a YYYY-MM-DD date");
  return *d;
}

Result<std::set<Date>> RequireDateList(const Json& j, const char* key, Date start, Date end) {
  auto it = j.find(key);
  if (it == j.end()) return Corrupt(std::string("field \"") + key + "\" is missing");
  if (!it->is_array()) return Corrupt(std::string("field \"") + key + "\" is not an array");
  std::set<Date> out;
  for (const Json& v : *it) {
    if (!v.is_string()) return Corrupt(std::string("\"") + key + "\" holds a non-string element");
    std::string text = v.get<std::string>();
    auto d = ParseDate(text);
    if (!d)
      return Corrupt(std::string("\"") + key + "\" holds \"" + Shown(text) +
                     "\", not a YYYY-MM-DD date");
    if (*d < start || *d > end) {
      return Corrupt(std::string("\"") + key + "\" holds " + text + ", outside the range " +
                     FormatDate(start) + " to " + FormatDate(end));
    }
    if (!out.insert(*d).second) {
      return Corrupt(std::string("\"") + key + "\" holds " + text + " twice");
    }
  }
  return out;
}

Result<int64_t> RequireCount(const Json& obj, const char* key, const char* where) {
  auto it = obj.find(key);
  if (it == obj.end()) return Corrupt(std::string("field \"") + where + key + "\" is missing");
  // Unsigned values above INT64_MAX would turn negative in get<int64_t>().
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() ? it->get<uint64_t>() > INT64_MAX : it->get<int64_t>() < 0)) {
    return Corrupt(std::string("field \"") + where + key + "\" is not a non-negative integer");
  }
  return it->get<int64_t>();
}

}  // namespace

// --- CheckpointState -------------------------------------------------------

// ------------------------------------------------------- CheckpointDateList

void CheckpointDateList::Insert(Date d) {
  const bool last = dates_.empty() || *dates_.rbegin() < d;
  if (!dates_.insert(d).second) return;
  if (!last) return Rebuild();
  if (!items_.empty()) items_ += ",\n";
  AppendDateItem(items_, d);
}

void CheckpointDateList::Erase(Date d) {
  if (dates_.erase(d) > 0) Rebuild();
}

void CheckpointDateList::Assign(std::set<Date> dates) {
  dates_ = std::move(dates);
  Rebuild();
}

void CheckpointDateList::AppendJson(std::string& out) const {
  if (dates_.empty()) {
    out += "[]";
    return;
  }
  out += "[\n";
  out += items_;
  out += "\n  ]";
}

void CheckpointDateList::Rebuild() {
  items_.clear();
  for (Date d : dates_) {
    if (!items_.empty()) items_ += ",\n";
    AppendDateItem(items_, d);
  }
}

// --------------------------------------------------------- CheckpointState

CheckpointState::CheckpointState(std::string job_name, Date start, Date end, int total_days)
    : job_name_(std::move(job_name)), start_(start), end_(end), total_days_(total_days) {}

std::optional<Date> CheckpointState::last_successful_date() const {
  if (successful_.empty()) return std::nullopt;
  return *successful_.dates().rbegin();
}

Status CheckpointState::CheckInRange(Date d) const {
  if (d < start_ || d > end_) {
    return Status::InvalidInput("date " + FormatDate(d) + " is outside the checkpoint range " +
                                FormatDate(start_) + " to " + FormatDate(end_));
  }
  return Status::OK();
}

Status CheckpointState::MarkSuccess(Date d) {
  PHASE4_RETURN_IF_ERROR(CheckInRange(d));
  failed_.Erase(d);
  failed_errors_.erase(d);
  skipped_.Erase(d);
  successful_.Insert(d);
  return Status::OK();
}

Status CheckpointState::MarkFailed(Date d, std::string_view error) {
  PHASE4_RETURN_IF_ERROR(CheckInRange(d));
  successful_.Erase(d);
  skipped_.Erase(d);
  failed_.Insert(d);
  failed_errors_[d] = std::string(error);
  return Status::OK();
}

Status CheckpointState::MarkSkipped(Date d) {
  PHASE4_RETURN_IF_ERROR(CheckInRange(d));
  successful_.Erase(d);
  failed_.Erase(d);
  failed_errors_.erase(d);
  skipped_.Insert(d);
  return Status::OK();
}

CheckpointState::DateRecord CheckpointState::RecordOf(Date d) const {
  using List = DateRecord::List;
  if (successful_.contains(d)) return {List::kSuccessful, ""};
  if (skipped_.contains(d)) return {List::kSkipped, ""};
  if (!failed_.contains(d)) return {};
  auto error = failed_errors_.find(d);
  return {List::kFailed, error == failed_errors_.end() ? "" : error->second};
}

void CheckpointState::Restore(Date d, DateRecord record) {
  using List = DateRecord::List;
  successful_.Erase(d);
  failed_.Erase(d);
  failed_errors_.erase(d);
  skipped_.Erase(d);
  switch (record.list) {
    case List::kNone:
      break;
    case List::kSuccessful:
      successful_.Insert(d);
      break;
    case List::kFailed:
      failed_.Insert(d);
      failed_errors_[d] = std::move(record.error);
      break;
    case List::kSkipped:
      skipped_.Insert(d);
      break;
  }
}

Date CheckpointState::ResumeDate() const {
  auto last = last_successful_date();
  return last ? AddDays(*last, 1) : start_;
}

std::vector<Date> CheckpointState::PendingDates(std::span<const Date> game_dates) const {
  const Date resume = ResumeDate();
  std::vector<Date> out;
  for (Date d : GameDatesInRange(game_dates, start_, end_)) {
    if (IsDone(d)) continue;
    if (IsFailed(d) && d < resume) continue;  // decision 18: retried with --dates
    out.push_back(d);
  }
  return out;
}

bool CheckpointState::IsComplete(std::span<const Date> game_dates) const {
  for (Date d : GameDatesInRange(game_dates, start_, end_)) {
    if (!IsDone(d)) return false;
  }
  return true;
}

std::string CheckpointState::ToJson(std::string_view updated_at) const {
  // Written directly rather than through a JSON tree: a backfill saves after
  // every date, and building the tree for a long range cost about half a
  // millisecond per save. The text is exactly nlohmann's dump(2) of the
  // same document (the golden test pins it).
  std::string out;
  out.reserve(256 + 16 * static_cast<size_t>(processed()));
  auto field = [&out](std::string_view key, std::string_view json_value, bool last = false) {
    out += "  \"";
    out += key;
    out += "\": ";
    out += json_value;
    out += last ? "\n" : ",\n";
  };
  out += "{\n";
  field("job_name", JsonString(job_name_));
  field("start_date", JsonString(FormatDate(start_)));
  field("end_date", JsonString(FormatDate(end_)));
  auto last = last_successful_date();
  field("last_successful_date", last ? JsonString(FormatDate(*last)) : "null");
  AppendDateArray(out, "successful_dates", successful_);
  out += ",\n";
  AppendDateArray(out, "failed_dates", failed_);
  out += ",\n";
  AppendDateArray(out, "skipped_dates", skipped_);
  out += ",\n";
  out += "  \"stats\": {\n";
  out += fmt::format(
      "    \"processed\": {},\n    \"successful\": {},\n    \"failed\": {},\n"
      "    \"skipped\": {},\n    \"total_days\": {}\n  }},\n",
      processed(), successful(), failed(), skipped(), total_days_);
  if (failed_errors_.empty()) {
    out += "  \"failed_errors\": {},\n";
  } else {
    out += "  \"failed_errors\": {\n";
    bool first = true;
    for (const auto& [d, text] : failed_errors_) {
      out += first ? "    " : ",\n    ";
      out += JsonString(FormatDate(d));
      out += ": ";
      out += JsonString(text);
      first = false;
    }
    out += "\n  },\n";
  }
  if (!warehouse_id_.empty()) field("warehouse_id", JsonString(warehouse_id_));
  field("updated_at", JsonString(updated_at), /*last=*/true);
  out += "}\n";
  return out;
}

Result<CheckpointState> CheckpointState::FromJson(std::string_view text, std::string_view job,
                                                  Date start, Date end,
                                                  std::vector<std::string>* warnings) {
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    // The parser quotes what it last read, which may be binary garbage.
    return Corrupt("not valid JSON: " + Shown(e.what(), 300));
  }
  if (!j.is_object()) return Corrupt("the document is not a JSON object");

  PHASE4_ASSIGN_OR_RETURN(std::string file_job, RequireString(j, "job_name"));
  if (file_job != job) {
    return Corrupt("job_name is \"" + Shown(file_job) + "\", expected \"" + std::string(job) +
                   "\"");
  }
  PHASE4_ASSIGN_OR_RETURN(Date file_start, RequireDate(j, "start_date"));
  PHASE4_ASSIGN_OR_RETURN(Date file_end, RequireDate(j, "end_date"));
  if (file_start != start || file_end != end) {
    return Corrupt("the range is " + FormatDate(file_start) + " to " + FormatDate(file_end) +
                   ", expected " + FormatDate(start) + " to " + FormatDate(end));
  }

  CheckpointState s(std::string(job), start, end, 0);
  PHASE4_ASSIGN_OR_RETURN(std::set<Date> successful_dates,
                          RequireDateList(j, "successful_dates", start, end));
  PHASE4_ASSIGN_OR_RETURN(std::set<Date> failed_dates,
                          RequireDateList(j, "failed_dates", start, end));
  PHASE4_ASSIGN_OR_RETURN(std::set<Date> skipped_dates,
                          RequireDateList(j, "skipped_dates", start, end));
  auto check_disjoint = [](const std::set<Date>& a, const char* an, const std::set<Date>& b,
                           const char* bn) -> Status {
    for (Date d : a) {
      if (b.count(d)) {
        return Corrupt(FormatDate(d) + " is in both " + an + " and " + bn);
      }
    }
    return Status::OK();
  };
  PHASE4_RETURN_IF_ERROR(
      check_disjoint(successful_dates, "successful_dates", failed_dates, "failed_dates"));
  PHASE4_RETURN_IF_ERROR(
      check_disjoint(successful_dates, "successful_dates", skipped_dates, "skipped_dates"));
  PHASE4_RETURN_IF_ERROR(
      check_disjoint(failed_dates, "failed_dates", skipped_dates, "skipped_dates"));
  s.successful_.Assign(std::move(successful_dates));
  s.failed_.Assign(std::move(failed_dates));
  s.skipped_.Assign(std::move(skipped_dates));

  // failed_errors is optional (files of the reference system lack it).
  for (Date d : s.failed_.dates()) s.failed_errors_[d] = "";
  if (auto it = j.find("failed_errors"); it != j.end()) {
    if (!it->is_object()) return Corrupt("field \"failed_errors\" is not an object");
    for (const auto& [key, value] : it->items()) {
      auto d = ParseDate(key);
      if (!d)
        return Corrupt("\"failed_errors\" has key \"" + Shown(key) + "\", not a YYYY-MM-DD date");
      if (!s.failed_.contains(*d)) {
        return Corrupt("\"failed_errors\" has an entry for " + key +
                       ", which is not a failed date");
      }
      if (!value.is_string()) return Corrupt("\"failed_errors\" entry " + key + " is not a string");
      s.failed_errors_[*d] = value.get<std::string>();
    }
  }

  // last_successful_date: null or a date; derived from successful_dates.
  auto last_it = j.find("last_successful_date");
  if (last_it == j.end()) return Corrupt("field \"last_successful_date\" is missing");
  std::optional<Date> recorded_last;
  if (!last_it->is_null()) {
    if (!last_it->is_string()) {
      return Corrupt("field \"last_successful_date\" is neither null nor a string");
    }
    recorded_last = ParseDate(last_it->get<std::string>());
    if (!recorded_last) {
      return Corrupt("field \"last_successful_date\" is \"" + Shown(last_it->get<std::string>()) +
                     "\", not a YYYY-MM-DD date");
    }
  }
  auto stats_it = j.find("stats");
  if (stats_it == j.end()) return Corrupt("field \"stats\" is missing");
  if (!stats_it->is_object()) return Corrupt("field \"stats\" is not an object");
  PHASE4_ASSIGN_OR_RETURN(int64_t processed, RequireCount(*stats_it, "processed", "stats."));
  PHASE4_ASSIGN_OR_RETURN(int64_t successful, RequireCount(*stats_it, "successful", "stats."));
  PHASE4_ASSIGN_OR_RETURN(int64_t failed, RequireCount(*stats_it, "failed", "stats."));
  PHASE4_ASSIGN_OR_RETURN(int64_t skipped, RequireCount(*stats_it, "skipped", "stats."));
  if (stats_it->contains("total_days")) {
    PHASE4_ASSIGN_OR_RETURN(int64_t total, RequireCount(*stats_it, "total_days", "stats."));
    s.total_days_ = static_cast<int>(std::min<int64_t>(total, 1 << 30));
  }
  if (auto it = j.find("warehouse_id"); it != j.end()) {
    if (!it->is_string()) return Corrupt("field \"warehouse_id\" is not a string");
    s.warehouse_id_ = it->get<std::string>();
  }
  if (auto it = j.find("updated_at"); it != j.end() && !it->is_string()) {
    return Corrupt("field \"updated_at\" is not a string");
  }

  if (warnings) {
    if (recorded_last != s.last_successful_date()) {
      auto show = [](const std::optional<Date>& d) { return d ? FormatDate(*d) : "null"; };
      warnings->push_back("last_successful_date was " + show(recorded_last) +
                          " but successful_dates give " + show(s.last_successful_date()) +
                          "; recomputed from the lists");
    }
    if (processed != s.processed() || successful != s.successful() || failed != s.failed() ||
        skipped != s.skipped()) {
      warnings->push_back(
          "stats disagreed with the date lists (processed/successful/failed/skipped " +
          std::to_string(processed) + "/" + std::to_string(successful) + "/" +
          std::to_string(failed) + "/" + std::to_string(skipped) + ", lists give " +
          std::to_string(s.processed()) + "/" + std::to_string(s.successful()) + "/" +
          std::to_string(s.failed()) + "/" + std::to_string(s.skipped()) +
          "); recomputed from the lists");
    }
  }
  return s;
}

// --- Checkpoint -----------------------------------------------------------

fs::path Checkpoint::PathFor(const fs::path& dir, std::string_view job, Date start, Date end) {
  return dir / (std::string(job) + "_" + FormatDate(start) + "_" + FormatDate(end) + ".json");
}

Result<Checkpoint> Checkpoint::Open(const fs::path& dir, std::string_view job, Date start, Date end,
                                    int total_days, Options options) {
  if (!ValidJobName(job)) {
    return Status::InvalidInput("invalid job name \"" + std::string(job) +
                                "\" (letters, digits, '_' and '-' only)");
  }
  if (start > end) {
    return Status::InvalidInput("checkpoint range " + FormatDate(start) + " to " + FormatDate(end) +
                                ": start date is after end date");
  }
  if (total_days < 0) return Status::InvalidInput("total_days must not be negative");
  if (!options.clock) options.clock = [] { return std::chrono::system_clock::now(); };

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return Status::IoError("cannot create checkpoint directory " + dir.string() + ": " +
                           ec.message());
  }
  const fs::path path = PathFor(dir, job, start, end);
  PHASE4_ASSIGN_OR_RETURN(
      FileLock lock, FileLock::Acquire(WithSuffix(path, ".lock"), "checkpoint " + path.string()));

  Checkpoint cp(path, std::move(lock), CheckpointState(std::string(job), start, end, total_days),
                options.clock);
  cp.on_saved_ = options.on_saved;
  cp.file_ = std::make_shared<AtomicFile>(path);
  // We hold the lock, so a temp file can only be the leftover of a crashed save.
  unlink(cp.file_->temp().c_str());
  if (options.background_saves)
    cp.writer_ = std::make_unique<OrderedWriter>(
        [file = cp.file_](const std::string& text) { return file->Replace(text); },
        kBackgroundSaveDepth);
  PHASE4_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadCheckpointFile(path));
  if (!text) return cp;
  if (!options.resume) {
    cp.warnings_.push_back("--no-resume: ignoring existing checkpoint " + path.string() +
                           "; it will be replaced by the first save");
    return cp;
  }
  std::vector<std::string> notes;
  Result<CheckpointState> loaded = CheckpointState::FromJson(*text, job, start, end, &notes);
  if (loaded.ok()) {
    cp.state_ = std::move(loaded).value();
    cp.state_.set_total_days(total_days);
    cp.resumed_ = true;
    for (const auto& n : notes) cp.warnings_.push_back("checkpoint " + path.string() + ": " + n);
    return cp;
  }
  if (loaded.status().code() != Status::Code::kCorruption) return loaded.status();

  // Corrupt: keep the evidence under a new name, never overwrite it.
  const std::string stamp = FormatUtc(options.clock(), /*compact=*/true);
  fs::path aside = WithSuffix(path, ".corrupt-" + stamp);
  for (int i = 2; fs::exists(fs::symlink_status(aside, ec)); ++i) {
    aside = WithSuffix(path, ".corrupt-" + stamp + "-" + std::to_string(i));
  }
  if (rename(path.c_str(), aside.c_str()) != 0) {
    return Status::IoError("checkpoint " + path.string() + " is corrupt (" +
                           loaded.status().message() + ") and cannot be moved aside to " +
                           aside.string() + ": " + ErrnoText(errno));
  }
  PHASE4_RETURN_IF_ERROR(FsyncDirectory(dir));
  cp.warnings_.push_back("checkpoint " + path.string() + " is corrupt (" +
                         loaded.status().message() + "); moved it to " + aside.string() +
                         " and starting fresh");
  return cp;
}

Result<std::optional<CheckpointState>> Checkpoint::Inspect(const fs::path& dir,
                                                           std::string_view job, Date start,
                                                           Date end,
                                                           std::vector<std::string>* warnings) {
  const fs::path path = PathFor(dir, job, start, end);
  PHASE4_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadCheckpointFile(path));
  if (!text) return std::optional<CheckpointState>();
  std::vector<std::string> notes;
  Result<CheckpointState> loaded = CheckpointState::FromJson(*text, job, start, end, &notes);
  if (!loaded.ok()) {
    return Status(loaded.status())
        .WithContext("checkpoint " + path.string() +
                     " is corrupt (the next run moves it aside and starts fresh)");
  }
  if (warnings) {
    for (const auto& n : notes) warnings->push_back("checkpoint " + path.string() + ": " + n);
  }
  return std::optional<CheckpointState>(std::move(loaded).value());
}

Status Checkpoint::Replace(CheckpointState state) {
  CheckpointState replaced(state_.job_name(), state_.start_date(), state_.end_date(),
                           state_.total_days());
  replaced.set_warehouse_id(state.warehouse_id());
  for (Date d : state.successful_dates()) PHASE4_RETURN_IF_ERROR(replaced.MarkSuccess(d));
  for (Date d : state.skipped_dates()) PHASE4_RETURN_IF_ERROR(replaced.MarkSkipped(d));
  for (Date d : state.failed_dates()) {
    auto it = state.failed_errors().find(d);
    PHASE4_RETURN_IF_ERROR(
        replaced.MarkFailed(d, it == state.failed_errors().end() ? "" : it->second));
  }
  state_ = std::move(replaced);
  return Commit();
}

Status Checkpoint::Commit(std::optional<Date> d, bool failed) {
  std::string text = state_.ToJson(FormatUtc(clock_(), /*compact=*/false));
  std::function<void()> saved;
  if (d && on_saved_) saved = [f = on_saved_, d = *d, failed] { f(d, failed); };
  if (writer_) {
    PHASE4_RETURN_IF_ERROR(writer_->Submit(std::move(text), std::move(saved)));
  } else {
    PHASE4_RETURN_IF_ERROR(file_->Replace(text));
    if (saved) saved();
  }
  return Status::OK();
}

Status Checkpoint::Flush() { return writer_ ? writer_->Flush() : Status::OK(); }

Status Checkpoint::Save() { return Commit(); }

Status Checkpoint::Record(Date d, bool failed,
                          const std::function<Status(CheckpointState&)>& mark) {
  // In place rather than on a copy of the state: a copy would cost as much
  // as the dates already recorded, on every save.
  CheckpointState::DateRecord before = state_.RecordOf(d);
  PHASE4_RETURN_IF_ERROR(mark(state_));  // a date out of range changes nothing
  Status s = Commit(d, failed);
  if (!s.ok()) state_.Restore(d, std::move(before));
  return s;
}

Status Checkpoint::MarkSuccess(Date d) {
  return Record(d, /*failed=*/false, [d](CheckpointState& s) { return s.MarkSuccess(d); });
}

Status Checkpoint::MarkFailed(Date d, std::string_view error) {
  return Record(d, /*failed=*/true,
                [d, error](CheckpointState& s) { return s.MarkFailed(d, error); });
}

Status Checkpoint::MarkSkipped(Date d) {
  return Record(d, /*failed=*/false, [d](CheckpointState& s) { return s.MarkSkipped(d); });
}

// --- --status ---------------------------------------------------------------

std::string FormatCheckpointStatus(const fs::path& checkpoint_path, std::string_view job,
                                   Date start, Date end,
                                   const std::optional<CheckpointState>& state,
                                   std::span<const Date> game_dates) {
  const std::string rule(60, '=');
  const std::vector<Date> in_range = GameDatesInRange(game_dates, start, end);
  std::string out;
  auto line = [&out](const std::string& s) { out += s + "\n"; };
  line(rule);
  line("CHECKPOINT STATUS: " + std::string(job));
  line(rule);
  line("  Date range: " + FormatDate(start) + " to " + FormatDate(end));
  line("  Total days: " + std::to_string(in_range.size()));
  if (!state) {
    line("  No checkpoint found for this job and date range.");
    line("  Checkpoint would be: " + checkpoint_path.string());
    line(rule);
    return out;
  }
  line("  Processed:  " + std::to_string(state->processed()));
  line("    - Successful: " + std::to_string(state->successful()));
  line("    - Failed:     " + std::to_string(state->failed()));
  line("    - Skipped:    " + std::to_string(state->skipped()));
  auto last = state->last_successful_date();
  line("  Last success: " + (last ? FormatDate(*last) : std::string("none")));
  const std::vector<Date> pending = state->PendingDates(in_range);
  if (state->IsComplete(in_range)) {
    line("  Status: COMPLETE");
  } else if (!pending.empty()) {
    Date from = std::min(state->ResumeDate(), pending.front());
    line("  Resume from: " + FormatDate(from) + " (" + std::to_string(pending.size()) +
         " days remaining)");
  } else {
    line("  Status: INCOMPLETE (" + std::to_string(state->failed()) +
         " failed dates before the resume point; retry them with --dates)");
  }
  line("  Checkpoint file: " + checkpoint_path.string());
  line(rule);
  return out;
}

}  // namespace phase4
