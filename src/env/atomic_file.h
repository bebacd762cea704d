// The POSIX AtomicFile (env.h): replaces a small file's whole content,
// atomically and durably, as often as a checkpoint is saved (after every date,
// decision 17).
//
// Each Replace writes the new text to the temp file `<target>.tmp` in the
// same directory, fsyncs it, renames it over the target and fsyncs the
// directory. At every instant the target holds either the previous complete
// text or the new one, across process crashes and power loss.
//
// The temp file is kept between saves: the rename exchanges the two names
// (renameat2 RENAME_EXCHANGE), so the temp file then holds the previous text
// and the next Replace overwrites it in place. No inode is created or freed
// per save, which halves the kernel's work of a save (doc/checkpoint-format.md
// §4). The directory fsync is what makes the reuse safe: once it returns, the
// exchange is on disk and the previous text is no longer the target's. Where
// the file system refuses the exchange, a plain rename is used (the temp file
// is then created anew each time).
#pragma once

#include <filesystem>
#include <string_view>

#include "common/status.h"
#include "env/env.h"

namespace phase4 {

// fsync of a directory: makes the renames in it durable.
Status FsyncDirectory(const std::filesystem::path& dir);

class PosixAtomicFile : public AtomicFile {
 public:
  // `what` names the file in error messages (`cannot save <what> <target>`).
  PosixAtomicFile(std::filesystem::path target, std::string what);
  // Removes the temp file (it holds an older text, never needed again).
  ~PosixAtomicFile() override;
  PosixAtomicFile(const PosixAtomicFile&) = delete;
  PosixAtomicFile& operator=(const PosixAtomicFile&) = delete;

  // On error the temp file is removed too. Not for concurrent use.
  Status Replace(std::string_view text) override;

  const std::filesystem::path& target() const override { return target_; }
  const std::filesystem::path& temp() const override { return temp_; }

 private:
  const std::filesystem::path target_;
  const std::filesystem::path temp_;
  const std::string what_;
  bool exchange_supported_ = true;  // false once the file system refused RENAME_EXCHANGE
};

}  // namespace phase4
