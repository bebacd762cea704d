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
#include <vector>

namespace phase4::processors {

// Whether row a is kept over row b, a duplicate of it (decision 36): its
// processed_at is later (any beats none; ISO-8601 UTC text, so text order is
// time order), or neither is later and a comes first in stored order
// (`*_order`). A strict order, so the winner of a group is its maximum
// whatever order the group is walked in.
inline bool KeptOver(std::optional<std::string_view> a, size_t a_order,
                     std::optional<std::string_view> b, size_t b_order) {
  if (a != b) return a > b;  // std::nullopt orders below any text
  return a_order < b_order;
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
