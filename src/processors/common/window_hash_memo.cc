#include "processors/common/window_hash_memo.h"

#include <algorithm>
#include <array>
#include <vector>

namespace phase4::processors {

std::string RememberedWindowHash(uint64_t table_id, size_t b, size_t e, WindowHashFn compute,
                                 const void* table) {
  // A job fingerprints up to three tables per row. A window recurs on the
  // next dates, so forgetting all of a table's now and then costs little and
  // bounds the memory. Each table's windows sit in a flat open-addressing
  // table (linear probing, no deletions): a node-based map cost more than
  // the hashes it saved.
  struct Window {
    uint64_t key = 0;  // (b << 32 | e) + 1; 0 marks a free slot
    std::array<char, 16> hex{};
  };
  static constexpr size_t kTables = 8, kWindows = 4096, kSlots = 2 * kWindows;
  static_assert(kSlots == size_t{1} << 13, "the first probe takes the hash's top 13 bits");
  struct Memory {
    uint64_t table = 0;
    size_t used = 0;
    std::vector<Window> slots;
    void Clear() {
      slots.assign(kSlots, Window{});
      used = 0;
    }
  };
  thread_local std::array<Memory, kTables> memory;
  thread_local size_t next_slot = 0;
  Memory* m = nullptr;
  for (auto& slot : memory)
    if (slot.table == table_id) m = &slot;
  if (!m) {
    m = &memory[next_slot];
    next_slot = (next_slot + 1) % kTables;
    m->table = table_id;
    m->Clear();
  }
  if (m->used >= kWindows) m->Clear();  // at most half full: probes stay short
  const uint64_t key = ((static_cast<uint64_t>(b) << 32) | static_cast<uint64_t>(e)) + 1;
  size_t i = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 51);  // 13 bits: kSlots
  while (m->slots[i].key != 0 && m->slots[i].key != key) i = (i + 1) & (kSlots - 1);
  Window& w = m->slots[i];
  if (w.key == 0) {
    const std::string hex = compute(table, b, e);
    std::copy_n(hex.begin(), std::min(hex.size(), w.hex.size()), w.hex.begin());
    w.key = key;
    ++m->used;
  }
  return std::string(w.hex.data(), w.hex.size());
}

}  // namespace phase4::processors
