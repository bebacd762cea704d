#include "env/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "calendar/utc_time.h"
#include "common/errno_text.h"

namespace phase4 {

namespace {

constexpr size_t kMaxCommandChars = 512;
constexpr size_t kMaxRecordBytes = 64 * 1024;

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "unknown";
  return buf;
}

// /proc/self/cmdline with its NUL separators turned into spaces.
std::string CommandLine() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  if (raw.empty()) return "unknown";
  if (raw.size() > kMaxCommandChars) raw = raw.substr(0, kMaxCommandChars) + "...";
  return raw;
}

std::string HolderToJson(const LockHolder& h) {
  nlohmann::ordered_json j;
  j["pid"] = h.pid;
  j["host"] = h.host;
  j["started_at"] = h.started_at;
  j["command"] = h.command;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<LockHolder> HolderFromJson(const std::string& text) {
  try {
    auto j = nlohmann::json::parse(text);
    if (!j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer()) return std::nullopt;
    LockHolder h;
    h.pid = j["pid"].get<long>();
    auto str = [&](const char* key) {
      auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string("unknown");
    };
    h.host = str("host");
    h.started_at = str("started_at");
    h.command = str("command");
    return h;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Reads the whole record through an open descriptor.
std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  off_t off = 0;
  while (out.size() < kMaxRecordBytes) {
    ssize_t n = pread(fd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    off += n;
  }
  return out;
}

// The holder record seen through `fd`. The holder writes its record right
// after locking, so a record that is still empty or half written is re-read
// a few times before giving up.
std::optional<LockHolder> ReadHolderFromFd(int fd) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    if (auto h = HolderFromJson(ReadAll(fd))) return h;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

bool WriteRecord(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  // Written first, truncated second: a reader never sees an empty file
  // between the two steps, at worst a record followed by a stale tail.
  return ftruncate(fd, static_cast<off_t>(text.size())) == 0;
}

// True when `path` still names the file open on `fd` (the lock file was not
// removed or replaced between our open() and flock()).
bool SameFile(int fd, const std::filesystem::path& path) {
  struct stat by_fd {};
  struct stat by_path {};
  if (fstat(fd, &by_fd) != 0 || stat(path.c_str(), &by_path) != 0) return false;
  return by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino;
}

}  // namespace

std::string DescribeLockHolder(const LockHolder& h) {
  return "pid " + std::to_string(h.pid) + " on host " + h.host + " since " + h.started_at + " (" +
         h.command + ")";
}

Result<FileLock> FileLock::Acquire(const std::filesystem::path& lock_path,
                                   std::string_view resource_label) {
  // A holder removes its lock file on release; a process that opened the old
  // file just before may then lock an unlinked inode. SameFile() detects it
  // and we start over on the new file. Bounded, so a pathological loop of
  // concurrent runs cannot spin forever.
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      return Status::IoError("cannot open lock file " + lock_path.string() + ": " +
                             ErrnoText(errno));
    }
    int rc;
    do {
      rc = flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      int err = errno;
      if (err == EWOULDBLOCK) {
        std::optional<LockHolder> holder = ReadHolderFromFd(fd);
        close(fd);
        std::string msg = std::string(resource_label) + " is locked by ";
        if (holder) {
          msg += DescribeLockHolder(*holder);
        } else {
          msg += "another process (lock file " + lock_path.string() +
                 " does not say which; holder record unreadable)";
        }
        return Status::Busy(msg);
      }
      close(fd);
      return Status::IoError("cannot lock " + lock_path.string() + ": " + ErrnoText(err));
    }
    if (!SameFile(fd, lock_path)) {
      close(fd);
      continue;
    }
    LockHolder me;
    me.pid = static_cast<long>(getpid());
    me.host = HostName();
    me.started_at = NowSecondsUtc();
    me.command = CommandLine();
    if (!WriteRecord(fd, HolderToJson(me))) {
      int err = errno;
      unlink(lock_path.c_str());
      close(fd);
      return Status::IoError("cannot write lock file " + lock_path.string() + ": " +
                             ErrnoText(err));
    }
    return FileLock(fd, lock_path, std::move(me));
  }
  return Status::Busy("cannot lock " + lock_path.string() +
                      ": the lock file keeps being replaced by other processes");
}

std::optional<LockHolder> FileLock::ReadHolder(const std::filesystem::path& lock_path) {
  int fd = open(lock_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  auto h = HolderFromJson(ReadAll(fd));
  close(fd);
  return h;
}

FileLock::FileLock(FileLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      holder_(std::move(other.holder_)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    Release();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    holder_ = std::move(other.holder_);
  }
  return *this;
}

FileLock::~FileLock() { Release(); }

void FileLock::Release() {
  if (fd_ < 0) return;
  // Unlink while still holding the lock, and only our own file: if an
  // operator removed it by hand and another run created a new one, that
  // one is not ours to remove.
  if (SameFile(fd_, path_)) unlink(path_.c_str());
  close(fd_);
  fd_ = -1;
}

}  // namespace phase4
