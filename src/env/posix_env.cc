// Env::Default(): the POSIX implementation of env.h.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "common/errno_text.h"
#include "env/atomic_file.h"
#include "env/env.h"

namespace phase4 {

namespace fs = std::filesystem;

namespace {

class StdioAppendFile : public AppendFile {
 public:
  StdioAppendFile(fs::path path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  ~StdioAppendFile() override { std::fclose(file_); }

  Status Append(std::string_view text) override {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size())
      return Status::IoError("cannot write " + path_.string() + ": " + ErrnoText(errno));
    return Status::OK();
  }
  Status Flush() override {
    if (std::fflush(file_) != 0)
      return Status::IoError("cannot flush " + path_.string() + ": " + ErrnoText(errno));
    return Status::OK();
  }

 private:
  const fs::path path_;
  std::FILE* const file_;
};

class PosixSequentialFile : public SequentialFile {
 public:
  PosixSequentialFile(fs::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { close(fd_); }

  Result<size_t> Read(char* scratch, size_t n) override {
    while (true) {
      ssize_t got = read(fd_, scratch, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR)
        return Status::IoError("cannot read " + path_.string() + ": " + ErrnoText(errno));
    }
  }

 private:
  const fs::path path_;
  const int fd_;
};

FileRead Found(FileRead::Kind kind, uint64_t size = 0) {
  FileRead out;
  out.kind = kind;
  out.size = size;
  return out;
}

FileRead::Kind KindOf(mode_t mode) {
  using Kind = FileRead::Kind;
  if (S_ISFIFO(mode)) return Kind::kFifo;
  if (S_ISDIR(mode)) return Kind::kDirectory;
  if (S_ISCHR(mode) || S_ISBLK(mode)) return Kind::kDevice;
  if (S_ISSOCK(mode)) return Kind::kSocket;
  return Kind::kOtherType;
}

class PosixEnv : public Env {
 public:
  Result<FileRead> ReadFile(const fs::path& path, uint64_t max_bytes,
                            std::string_view what) override {
    const std::string name = std::string(what) + " " + path.string();
    // O_NOFOLLOW and O_NONBLOCK: a symlink is refused and a FIFO does not
    // block the open; fstat then refuses anything that is not a regular file.
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
      if (errno == ENOENT) return Found(FileRead::Kind::kMissing);
      if (errno == ELOOP) return Found(FileRead::Kind::kSymlink);
      return Status::IoError("cannot open " + name + ": " + ErrnoText(errno));
    }
    struct stat st {};
    if (fstat(fd, &st) != 0) {
      int err = errno;
      close(fd);
      return Status::IoError("cannot stat " + name + ": " + ErrnoText(err));
    }
    if (!S_ISREG(st.st_mode)) {
      close(fd);
      return Found(KindOf(st.st_mode));
    }
    if (static_cast<uint64_t>(st.st_size) > max_bytes) {
      close(fd);
      return Found(FileRead::Kind::kTooBig, static_cast<uint64_t>(st.st_size));
    }
    // A regular file never blocks; reads go back to blocking semantics anyway.
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FileRead out = Found(FileRead::Kind::kRegular);
    out.text.reserve(static_cast<size_t>(st.st_size));
    char buf[65536];
    while (true) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        close(fd);
        return Status::IoError("cannot read " + name + ": " + ErrnoText(err));
      }
      if (n == 0) break;
      out.text.append(buf, static_cast<size_t>(n));
      if (out.text.size() > max_bytes) {
        close(fd);
        return Found(FileRead::Kind::kTooBig, out.text.size());
      }
    }
    close(fd);
    return out;
  }

  std::unique_ptr<AtomicFile> NewAtomicFile(const fs::path& target,
                                            std::string_view what) override {
    return std::make_unique<PosixAtomicFile>(target, std::string(what));
  }

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const fs::path& path) override {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound("no such file");
      return Status::IoError(ErrnoText(errno));
    }
    struct stat st {};
    if (fstat(fd, &st) != 0) {
      int err = errno;
      close(fd);
      return Status::IoError(ErrnoText(err));
    }
    if (!S_ISREG(st.st_mode)) {
      close(fd);
      return Status::IoError("not a regular file");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    // The file is read once, start to end: the kernel may read ahead further.
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return std::unique_ptr<SequentialFile>(std::make_unique<PosixSequentialFile>(path, fd));
  }

  Result<std::unique_ptr<AppendFile>> NewAppendFile(const fs::path& path) override {
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (!f) return Status::IoError(ErrnoText(errno));
    return std::unique_ptr<AppendFile>(std::make_unique<StdioAppendFile>(path, f));
  }

  Status CreateDirs(const fs::path& dir) override {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::IoError(ec.message());
    return Status::OK();
  }

  Status RemoveFile(const fs::path& path) override {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return Status::IoError(ErrnoText(errno));
    return Status::OK();
  }

  Status RenameFile(const fs::path& from, const fs::path& to) override {
    if (rename(from.c_str(), to.c_str()) != 0) return Status::IoError(ErrnoText(errno));
    return Status::OK();
  }

  bool Exists(const fs::path& path) override {
    std::error_code ec;
    return fs::exists(fs::symlink_status(path, ec));
  }

  Result<std::vector<std::string>> ListDir(const fs::path& dir) override {
    std::error_code ec;
    std::vector<std::string> names;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      names.push_back(it->path().filename().string());
    if (ec) return Status::IoError(ec.message());
    std::sort(names.begin(), names.end());
    return names;
  }

  Status SyncDir(const fs::path& dir) override { return FsyncDirectory(dir); }

  Result<FileLock> LockFile(const fs::path& lock_path, std::string_view resource_label) override {
    return FileLock::Acquire(lock_path, resource_label);
  }

  std::chrono::system_clock::time_point Now() override { return std::chrono::system_clock::now(); }
};

}  // namespace

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv;  // never destroyed: used until exit
  return env;
}

Status Env::WriteFileAtomically(const fs::path& target, std::string_view text,
                                std::string_view what) {
  return NewAtomicFile(target, what)->Replace(text);
}

}  // namespace phase4
