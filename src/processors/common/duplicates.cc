#include "processors/common/duplicates.h"

#include <unordered_map>

namespace phase4::processors {

DuplicateWinners PickDuplicateWinners(
    size_t rows, const std::function<std::string(size_t)>& key_of,
    const std::function<std::optional<std::string_view>(size_t)>& processed_at_of) {
  DuplicateWinners out;
  out.winner.assign(rows, 0);
  std::unordered_map<std::string, size_t> kept;  // group key -> winning row
  kept.reserve(rows);
  for (size_t i = 0; i < rows; ++i) {
    std::string key = key_of(i);
    if (key.empty()) continue;
    auto [it, added] = kept.try_emplace(std::move(key), i);
    if (added) {
      out.winner[i] = 1;
      continue;
    }
    ++out.dropped;
    if (KeptOver(processed_at_of(i), i, processed_at_of(it->second), it->second)) {
      out.winner[it->second] = 0;
      out.winner[i] = 1;
      it->second = i;
    }
  }
  return out;
}

}  // namespace phase4::processors
