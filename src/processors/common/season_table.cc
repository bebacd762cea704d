#include "processors/common/season_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "processors/common/hashing.h"
#include "processors/common/window_hash_memo.h"

namespace phase4::processors {

const SeasonTable::Range* SeasonTable::Find(std::string_view entity) const {
  auto it = entity_index_.find(entity);
  if (it == entity_index_.end()) return nullptr;
  return &ranges_[it->second];
}

SeasonTable::Rows SeasonTable::EntityRows(std::string_view entity) const {
  const Range* r = Find(entity);
  if (!r) return {};
  return Slice(r->begin, r->end);
}

SeasonTable::Rows SeasonTable::Before(std::string_view entity, Date d) const {
  const Range* r = Find(entity);
  if (!r) return {};
  auto first = dates_.begin() + r->begin;
  auto last = dates_.begin() + r->end;
  auto cut = std::lower_bound(first, last, d);
  return Slice(r->begin, static_cast<uint32_t>(cut - dates_.begin()));
}

SeasonTable::Rows SeasonTable::LastN(std::string_view entity, Date d, size_t n) const {
  Rows all = Before(entity, d);
  if (all.size() <= n) return all;
  return all.subspan(all.size() - n);
}

SeasonTable::Rows SeasonTable::Between(std::string_view entity, Date from, Date to) const {
  const Range* r = Find(entity);
  if (!r || !(from < to)) return {};
  auto first = dates_.begin() + r->begin;
  auto last = dates_.begin() + r->end;
  auto lo = std::lower_bound(first, last, from);
  auto hi = std::lower_bound(lo, last, to);
  return Slice(static_cast<uint32_t>(lo - dates_.begin()),
               static_cast<uint32_t>(hi - dates_.begin()));
}

Date SeasonTable::DateOf(const Row& row) const {
  return dates_[static_cast<size_t>(&row - rows_.data())];
}

void SeasonTable::CheckColumn(int col, size_t copies, const char* type) const {
  if (copies == rows_.size() && Loaded(col)) return;
  const bool known = col >= 0 && static_cast<size_t>(col) < schema_->size();
  const std::string name =
      known ? schema_->columns[static_cast<size_t>(col)].name : std::to_string(col);
  const std::string problem = !known ? "does not exist"
                              : Loaded(col)
                                  ? fmt::format("is not a {} column", type)
                                  : "was not loaded: list it in the processor's phase3_columns";
  std::fprintf(stderr, "SeasonTable: column %s of %s %s\n", name.c_str(),
               schema_->FullName().c_str(), problem.c_str());
  std::abort();
}

const SeasonTable::IntColumn& SeasonTable::Ints(int col) const {
  const size_t n = col >= 0 && static_cast<size_t>(col) < ints_.size()
                       ? ints_[static_cast<size_t>(col)].value.size()
                       : SIZE_MAX;
  CheckColumn(col, n, "integer");
  return ints_[static_cast<size_t>(col)];
}

const SeasonTable::RealColumn& SeasonTable::Reals(int col) const {
  const size_t n = col >= 0 && static_cast<size_t>(col) < reals_.size()
                       ? reals_[static_cast<size_t>(col)].value.size()
                       : SIZE_MAX;
  CheckColumn(col, n, "real");
  return reals_[static_cast<size_t>(col)];
}

std::string_view SeasonTable::LatestProcessedAt(size_t b, size_t e) const {
  if (processed_rank_.empty()) return {};
  uint32_t best = 0;
  for (size_t i = b; i < e; ++i) best = std::max(best, processed_rank_[i]);
  return processed_at_[best];
}

const std::vector<std::string_view>& SeasonTable::Texts(int col) const {
  const size_t n = col >= 0 && static_cast<size_t>(col) < texts_.size()
                       ? texts_[static_cast<size_t>(col)].size()
                       : SIZE_MAX;
  CheckColumn(col, n, "text");
  return texts_[static_cast<size_t>(col)];
}

uint64_t SeasonTable::NewId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

std::string SeasonTable::WindowHash(size_t b, size_t e) const {
  return RememberedWindowHash(
      id_, b, e,
      [](const void* table, size_t first, size_t last) {
        // The digests of consecutive rows are contiguous.
        const auto& digests = static_cast<const SeasonTable*>(table)->digests_;
        std::string_view bytes(reinterpret_cast<const char*>(digests[first].data()),
                               (last - first) * digests[first].size());
        return HexPrefix(Sha256(bytes), 8);
      },
      this);
}

const std::array<uint8_t, 32>& SeasonTable::Digest(const Row& row) const {
  return digests_[static_cast<size_t>(&row - rows_.data())];
}

std::vector<const Row*> SeasonTable::RowsOn(Date d) const {
  auto lo = std::lower_bound(by_date_.begin(), by_date_.end(), d,
                             [&](uint32_t i, Date x) { return dates_[i] < x; });
  std::vector<const Row*> out;
  for (auto it = lo; it != by_date_.end() && dates_[*it] == d; ++it) out.push_back(&rows_[*it]);
  return out;
}

}  // namespace phase4::processors
