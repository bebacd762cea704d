// Decision 36, the one rule for duplicate input rows: of the rows of one
// entity on one date (a player's two context rows for D, say), the row with
// the latest processed_at wins, a row with a processed_at beats one without,
// and on a tie, or when neither has one, the first row in the table's stored
// order wins. The season loader applies it to every Phase 3 table it reads
// (so every processor reads the same row), and the pipeline report to the
// rows it joins.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace phase4::processors {

// Whether `later`, stored after `kept`, replaces it (decision 36): only when
// its processed_at is strictly later. Timestamps are ISO-8601 UTC text, so
// text order is time order.
inline bool ReplacesDuplicate(std::optional<std::string_view> kept,
                              std::optional<std::string_view> later) {
  if (!later) return false;
  return !kept || *later > *kept;
}

// The winners among rows given in stored order: `key_of(i)` names row i's
// (entity, date) group (rows with an empty key take part in no group and
// are not winners), `processed_at_of(i)` its processed_at. Returns a flag
// per row and the number of duplicates dropped.
struct DuplicateWinners {
  std::vector<char> winner;  // parallel to the rows
  size_t dropped = 0;
};
DuplicateWinners PickDuplicateWinners(
    size_t rows, const std::function<std::string(size_t)>& key_of,
    const std::function<std::optional<std::string_view>(size_t)>& processed_at_of);

}  // namespace phase4::processors
