#include "warehouse/file_seal.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <memory>
#include <sstream>
#include <vector>

namespace phase4 {

namespace {

constexpr char kSealHeader[] = "phase4 soundness seal 1";
// Large reads keep the system-call count low; the buffer is reused.
constexpr size_t kReadChunk = 1 << 20;

bool IsDatasetName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool IsDigest(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

Result<FileDigest> DigestFile(Env& env, const std::filesystem::path& path) {
  auto file = env.NewSequentialFile(path);
  if (!file.ok()) return file.status().WithContext("cannot digest " + path.string());
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                 XXH3_freeState);
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK)
    return Status::IoError("cannot digest " + path.string() + ": out of memory");
  std::vector<char> buffer(kReadChunk);
  FileDigest digest;
  while (true) {
    auto got = (*file)->Read(buffer.data(), buffer.size());
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    XXH3_128bits_update(state.get(), buffer.data(), *got);
    digest.size += *got;
  }
  const XXH128_hash_t h = XXH3_128bits_digest(state.get());
  // The canonical (big-endian) order, as `xxhsum -H2` prints it.
  digest.xxh128 = fmt::format("{:016x}{:016x}", h.high64, h.low64);
  return digest;
}

bool HasJournal(Env& env, const std::filesystem::path& db_file) {
  return env.Exists(db_file.string() + "-wal") || env.Exists(db_file.string() + "-journal");
}

std::filesystem::path SealPath(const std::filesystem::path& dir) { return dir / "soundness-seal"; }

Seal ReadSeal(Env& env, const std::filesystem::path& dir) {
  auto read = env.ReadFile(SealPath(dir), 1 << 16, "soundness seal");
  if (!read.ok() || read->kind != FileRead::Kind::kRegular) return {};
  std::istringstream in(read->text);
  std::string line;
  if (!std::getline(in, line) || line != kSealHeader) return {};
  Seal seal;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string dataset, size, digest, extra;
    if (!(fields >> dataset >> size >> digest) || (fields >> extra) || !IsDatasetName(dataset) ||
        !IsDigest(digest) || size.empty() || size.size() > 19 ||
        size.find_first_not_of("0123456789") != std::string::npos ||
        !seal.emplace(dataset, FileDigest{std::stoull(size), digest}).second)
      return {};
  }
  // Only a whole seal counts: WriteSeal ends every line.
  if (!read->text.empty() && read->text.back() != '\n') return {};
  return seal;
}

Status WriteSeal(Env& env, const std::filesystem::path& dir, const Seal& seal) {
  if (seal.empty()) return env.RemoveFile(SealPath(dir)).WithContext("cannot remove the seal");
  std::string text = std::string(kSealHeader) + "\n";
  for (const auto& [dataset, digest] : seal)
    text += fmt::format("{} {} {}\n", dataset, digest.size, digest.xxh128);
  return env.WriteFileAtomically(SealPath(dir), text, "soundness seal");
}

}  // namespace phase4
