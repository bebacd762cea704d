#include "env/atomic_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/errno_text.h"

namespace phase4 {

namespace fs = std::filesystem;

namespace {

fs::path TempFor(const fs::path& target) {
  fs::path tmp = target;
  tmp += ".tmp";
  return tmp;
}

// Writes all of `text` at offset 0 of `fd`.
bool WriteAll(int fd, std::string_view text, int* err) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *err = n < 0 ? errno : EIO;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Status FsyncDirectory(const fs::path& dir) {
  int fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return Status::IoError("cannot open directory " + dir.string() + ": " + ErrnoText(errno));
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0)
    return Status::IoError("cannot fsync directory " + dir.string() + ": " + ErrnoText(err));
  return Status::OK();
}

PosixAtomicFile::PosixAtomicFile(fs::path target, std::string what)
    : target_(std::move(target)), temp_(TempFor(target_)), what_(std::move(what)) {}

PosixAtomicFile::~PosixAtomicFile() { unlink(temp_.c_str()); }

Status PosixAtomicFile::Replace(std::string_view text) {
  auto fail = [&](const std::string& step, int err) {
    unlink(temp_.c_str());
    return Status::IoError("cannot save " + what_ + " " + target_.string() + ": " + step + ": " +
                           ErrnoText(err));
  };
  // The temp file, when it exists, holds an older text: overwritten in
  // place and cut to the new length (no O_TRUNC, which would free its blocks).
  int fd = open(temp_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return fail("cannot create " + temp_.string(), errno);
  int err = 0;
  if (!WriteAll(fd, text, &err)) {
    close(fd);
    return fail("cannot write " + temp_.string(), err);
  }
  if (ftruncate(fd, static_cast<off_t>(text.size())) != 0) {
    err = errno;
    close(fd);
    return fail("cannot truncate " + temp_.string(), err);
  }
  if (fsync(fd) != 0) {
    err = errno;
    close(fd);
    return fail("cannot fsync " + temp_.string(), err);
  }
  if (close(fd) != 0) return fail("cannot close " + temp_.string(), errno);

  bool exchanged = false;
  if (exchange_supported_) {
    if (renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
      exchanged = true;
    } else if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) {
      exchange_supported_ = false;  // this file system cannot: plain renames from now on
    } else if (errno != ENOENT) {   // ENOENT: no target yet (the first save)
      return fail("cannot rename " + temp_.string(), errno);
    }
  }
  if (!exchanged && rename(temp_.c_str(), target_.c_str()) != 0)
    return fail("cannot rename " + temp_.string(), errno);
  Status synced = FsyncDirectory(target_.parent_path());
  if (!synced.ok()) {
    // The exchange may not be durable yet: the temp file must not be
    // overwritten while it may still be the target after a power loss.
    unlink(temp_.c_str());
    return synced.WithContext(what_ + " " + target_.string() + " written but not yet durable");
  }
  return Status::OK();
}

}  // namespace phase4
