#include "backfill/checkpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "backfill/checkpoint_validator.h"
#include "backfill/checkpoint_writer.h"

namespace phase4::backfill {

namespace fs = std::filesystem;

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

// The file's text; nullopt when it does not exist. Anything but a regular
// file of at most Checkpoint::kMaxFileBytes is refused (FailedPrecondition)
// before any byte is read, and left alone.
Result<std::optional<std::string>> ReadCheckpointFile(Env& env, const fs::path& path) {
  PHASE4_ASSIGN_OR_RETURN(FileRead file, env.ReadFile(path, Checkpoint::kMaxFileBytes, "checkpoint"));
  using Kind = FileRead::Kind;
  auto refuse = [&](const char* kind) {
    return Status::FailedPrecondition("checkpoint " + path.string() + " is " + kind +
                                      "; refusing it (a checkpoint must be a regular file)");
  };
  switch (file.kind) {
    case Kind::kRegular:
      return std::optional<std::string>(std::move(file.text));
    case Kind::kMissing:
      return std::optional<std::string>();
    case Kind::kSymlink:
      return Status::FailedPrecondition(
          "checkpoint " + path.string() +
          " is a symbolic link; refusing it (a checkpoint must be a regular file: replace the "
          "link by the file, or give --checkpoint-dir the directory it is in)");
    case Kind::kFifo:
      return refuse("a FIFO");
    case Kind::kDirectory:
      return refuse("a directory");
    case Kind::kDevice:
      return refuse("a device");
    case Kind::kSocket:
      return refuse("a socket");
    case Kind::kOtherType:
      return refuse("not a regular file");
    case Kind::kTooBig:
      break;
  }
  return Status::FailedPrecondition(fmt::format(
      "checkpoint {} is {} bytes, over the {} byte limit of a checkpoint; refusing it (move it "
      "away to start the range over)",
      path.string(), file.size, Checkpoint::kMaxFileBytes));
}

}  // namespace

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
  Env* env = options.env ? options.env : Env::Default();

  if (Status made = env->CreateDirs(dir); !made.ok())
    return made.WithContext("cannot create checkpoint directory " + dir.string());
  const fs::path path = PathFor(dir, job, start, end);
  PHASE4_ASSIGN_OR_RETURN(
      FileLock lock, env->LockFile(WithSuffix(path, ".lock"), "checkpoint " + path.string()));

  Checkpoint cp(path, std::move(lock), CheckpointState(std::string(job), start, end, total_days),
                env);
  cp.on_saved_ = options.on_saved;
  cp.file_ = env->NewAtomicFile(path, "checkpoint");
  // We hold the lock, so a temp file can only be the leftover of a crashed save.
  (void)env->RemoveFile(cp.file_->temp());
  if (options.background_saves)
    cp.writer_ = std::make_unique<OrderedWriter>(
        [file = cp.file_](const std::string& text) { return file->Replace(text); },
        kBackgroundSaveDepth);
  PHASE4_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadCheckpointFile(*env, path));
  if (!text) return cp;
  if (!options.resume) {
    cp.warnings_.push_back("--no-resume: ignoring existing checkpoint " + path.string() +
                           "; it will be replaced by the first save");
    return cp;
  }
  std::vector<std::string> notes;
  Result<CheckpointState> loaded = CheckpointFromJson(*text, job, start, end, &notes);
  if (loaded.ok()) {
    cp.state_ = std::move(loaded).value();
    cp.state_.set_total_days(total_days);
    cp.resumed_ = true;
    for (const auto& n : notes) cp.warnings_.push_back("checkpoint " + path.string() + ": " + n);
    return cp;
  }
  if (loaded.status().code() != Status::Code::kCorruption) return loaded.status();

  // Corrupt: keep the evidence under a new name, never overwrite it.
  const std::string stamp = FormatUtc(env->Now(), /*compact=*/true);
  fs::path aside = WithSuffix(path, ".corrupt-" + stamp);
  for (int i = 2; env->Exists(aside); ++i) {
    aside = WithSuffix(path, ".corrupt-" + stamp + "-" + std::to_string(i));
  }
  if (Status moved = env->RenameFile(path, aside); !moved.ok()) {
    return moved.WithContext("checkpoint " + path.string() + " is corrupt (" +
                             loaded.status().message() + ") and cannot be moved aside to " +
                             aside.string());
  }
  PHASE4_RETURN_IF_ERROR(env->SyncDir(dir));
  cp.warnings_.push_back("checkpoint " + path.string() + " is corrupt (" +
                         loaded.status().message() + "); moved it to " + aside.string() +
                         " and starting fresh");
  return cp;
}

Result<std::optional<CheckpointState>> Checkpoint::Inspect(const fs::path& dir,
                                                           std::string_view job, Date start,
                                                           Date end,
                                                           std::vector<std::string>* warnings,
                                                           Env* env) {
  const fs::path path = PathFor(dir, job, start, end);
  PHASE4_ASSIGN_OR_RETURN(std::optional<std::string> text,
                          ReadCheckpointFile(env ? *env : *Env::Default(), path));
  if (!text) return std::optional<CheckpointState>();
  std::vector<std::string> notes;
  Result<CheckpointState> loaded = CheckpointFromJson(*text, job, start, end, &notes);
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
  std::string text = CheckpointToJson(state_, FormatUtc(env_->Now(), /*compact=*/false));
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

}  // namespace phase4::backfill
