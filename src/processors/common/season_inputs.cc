#include "processors/common/season_inputs.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <thread>
#include <unordered_map>

#include "common/exact.h"
#include "processors/common/duplicates.h"
#include "processors/common/hashing.h"
#include "processors/common/processor.h"
#include "processors/common/shared_seasons.h"
#include "processors/common/upstream_rows.h"
#include "warehouse/warehouse.h"

namespace phase4::processors {

// A Phase 3 input table: its schema, entity column and filtering.
struct TableSpec {
  std::string_view name;
  const TableSchema& (*schema)();
  const char* entity_column;
  bool windowed;  // decision 26 applies
};

namespace {

const std::vector<TableSpec>& Specs() {
  static const std::vector<TableSpec> s{
      {kPlayerGameSummary, &PlayerGameSummarySchema, "player_lookup", true},
      {kTeamOffenseGameSummary, &TeamOffenseGameSummarySchema, "team_abbr", true},
      {kTeamDefenseGameSummary, &TeamDefenseGameSummarySchema, "defending_team_abbr", true},
      {kUpcomingPlayerGameContext, &UpcomingPlayerGameContextSchema, "player_lookup", false},
      {kUpcomingTeamGameContext, &UpcomingTeamGameContextSchema, "team_abbr", false},
  };
  return s;
}

const TableSpec* FindSpec(std::string_view name) {
  for (const auto& s : Specs()) {
    if (s.name == name) return &s;
    // Bare table names are accepted too.
    if (s.name.substr(s.name.find('.') + 1) == name) return &s;
  }
  return nullptr;
}

// Decision 26: the row's game is a counted game (regular season, play-in,
// playoffs) on a game date. When the schedule lacks matchups for that date
// the date alone decides.
bool CountedGame(const SeasonCalendar& cal, Date d, std::string_view team) {
  const auto& games = cal.GamesOn(d);
  if (games.empty()) return false;
  if (team.empty()) return true;
  for (const ScheduleGame* g : games) {
    if (!g->has_matchup()) return true;
    if (g->home_team == team || g->away_team == team) return true;
  }
  return false;
}

// The columns the season index reads itself: date, entity, primary key,
// processed_at, and the filters of decisions 26 (the team of a
// player_game_summary row) and 27 (PlayedGame).
std::vector<int> IndexColumns(const TableSpec& spec) {
  const TableSchema& schema = spec.schema();
  std::vector<std::string> names{schema.date_column, spec.entity_column, "processed_at"};
  names.insert(names.end(), schema.primary_key.begin(), schema.primary_key.end());
  if (spec.name == kPlayerGameSummary)
    names.insert(names.end(), {"team_abbr", "is_active", "minutes_played", "fg_attempts"});
  std::vector<int> columns;
  for (const auto& n : names)
    if (int c = schema.ColumnIndex(n); c >= 0) columns.push_back(c);
  return columns;
}

std::string_view TextCell(const Row& row, int col) {
  if (col < 0) return {};
  if (auto p = std::get_if<std::string>(&row[static_cast<size_t>(col)])) return *p;
  return {};
}

}  // namespace

bool PlayedGame(const Row& row) {
  static const int active = PlayerGameSummarySchema().ColumnIndex("is_active");
  static const int minutes = PlayerGameSummarySchema().ColumnIndex("minutes_played");
  static const int fga = PlayerGameSummarySchema().ColumnIndex("fg_attempts");
  if (active >= 0) {
    auto a = AsInt(row[static_cast<size_t>(active)]);
    if (a && *a == 0) return false;
  }
  if (minutes >= 0) {
    auto m = AsReal(row[static_cast<size_t>(minutes)]);
    if (m && *m > 0) return true;
  }
  if (fga >= 0) {
    auto f = AsInt(row[static_cast<size_t>(fga)]);
    if (f && *f > 0) return true;
  }
  return false;
}

// ------------------------------------------------------------- SeasonTable

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
  // Per thread, the recent windows of the last few tables asked about (a job
  // fingerprints up to three tables per row). A window recurs on the next
  // dates, so forgetting all of a table's now and then costs little and
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
    if (slot.table == id_) m = &slot;
  if (!m) {
    m = &memory[next_slot];
    next_slot = (next_slot + 1) % kTables;
    m->table = id_;
    m->Clear();
  }
  if (m->used >= kWindows) m->Clear();  // at most half full: probes stay short
  const uint64_t key = ((static_cast<uint64_t>(b) << 32) | static_cast<uint64_t>(e)) + 1;
  size_t i = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 51);  // 13 bits: kSlots
  while (m->slots[i].key != 0 && m->slots[i].key != key) i = (i + 1) & (kSlots - 1);
  Window& w = m->slots[i];
  if (w.key == 0) {
    // The digests of consecutive rows are contiguous.
    std::string_view bytes(reinterpret_cast<const char*>(digests_[b].data()),
                           (e - b) * digests_[b].size());
    const std::string hex = HexPrefix(Sha256(bytes), 8);
    std::copy(hex.begin(), hex.end(), w.hex.begin());
    w.key = key;
    ++m->used;
  }
  return std::string(w.hex.data(), w.hex.size());
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

// ------------------------------------------------------------ SeasonInputs

SeasonInputs::SeasonInputs(int season_year, const SeasonCalendar& calendar)
    : season_year_(season_year), calendar_(&calendar) {
  for (const ScheduleGame& g : calendar.games()) {
    if (!CountsAsGameDate(g.game_type) || g.game_status != 3 || !g.has_matchup()) continue;
    if (SeasonYearOf(g.game_date) != season_year) continue;
    team_schedule_[g.home_team].push_back(g.game_date);
    team_schedule_[g.away_team].push_back(g.game_date);
  }
  for (auto& [team, dates] : team_schedule_) {
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  }
}

Date SeasonInputs::first_day() const { return MakeDate(season_year_, 10, 1); }
Date SeasonInputs::last_day() const { return MakeDate(season_year_ + 1, 9, 30); }

bool SeasonInputs::HasTable(std::string_view full_name) const {
  return Table(full_name) != nullptr;
}

const SeasonTable* SeasonInputs::Table(std::string_view full_name) const {
  const TableSpec* spec = FindSpec(full_name);
  if (!spec) return nullptr;
  auto it = tables_.find(spec->name);
  return it == tables_.end() ? nullptr : it->second.get();
}

Status SeasonInputs::AddTable(std::string_view full_name, std::vector<Row> rows) {
  PHASE4_ASSIGN_OR_RETURN(
      std::unique_ptr<SeasonTable> t,
      BuildTable(full_name, ScannedRows{.rows = std::move(rows), .digests = {}, .loaded = {}}));
  tables_[std::string(FindSpec(full_name)->name)] = std::move(t);
  return Status::OK();
}

namespace {

// Fills a REAL column's exact decimal units (SeasonTable::RealColumn): the
// cells' shortest decimals, brought to the largest scale among them. Leaves
// `units` empty when a cell has no decimal or the column's units would not
// fit 64 bits.
void SetDecimalUnits(SeasonTable::RealColumn& column) {
  const size_t n = column.value.size();
  std::vector<int64_t> units(n, 0);
  std::vector<int8_t> scales(n, 0);
  int scale = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!column.present(i)) continue;
    std::optional<Exact> e = Exact::OfStored(column.value[i]);
    if (!e) return;
    int s = 0;
    Exact::Int den = e->den();
    while (den % 10 == 0 && s < 18) {
      den /= 10;
      ++s;
    }
    if (den != 1 || e->num() > INT64_MAX || e->num() < INT64_MIN) return;
    units[i] = static_cast<int64_t>(e->num());
    scales[i] = static_cast<int8_t>(s);
    scale = std::max(scale, s);
  }
  for (size_t i = 0; i < n; ++i) {
    for (int s = scales[i]; s < scale; ++s)
      if (__builtin_mul_overflow(units[i], int64_t{10}, &units[i])) return;
  }
  column.units = std::move(units);
  column.scale = scale;
}

}  // namespace

Result<std::unique_ptr<SeasonTable>> SeasonInputs::BuildTable(std::string_view full_name,
                                                              ScannedRows scanned) const {
  const TableSpec* spec = FindSpec(full_name);
  if (!spec) return Status::InvalidInput(fmt::format("not a Phase 3 input table: {}", full_name));
  const TableSchema& schema = spec->schema();
  std::vector<Row>& rows = scanned.rows;
  const bool have_digests = !scanned.digests.empty();
  if (have_digests && scanned.digests.size() != rows.size())
    return Status::InvalidInput(
        fmt::format("{}: {} digests for {} rows", spec->name, scanned.digests.size(), rows.size()));
  auto t = std::make_unique<SeasonTable>();
  t->loaded_ = scanned.loaded.empty() ? std::vector<bool>(schema.size(), true) : scanned.loaded;
  if (t->loaded_.size() != schema.size())
    return Status::InvalidInput(fmt::format("{}: {} loaded flags for {} columns", spec->name,
                                            t->loaded_.size(), schema.size()));
  for (int c : IndexColumns(*spec))
    if (!t->loaded_[static_cast<size_t>(c)])
      return Status::InvalidInput(fmt::format("{}: the season index needs column {}", spec->name,
                                              schema.columns[static_cast<size_t>(c)].name));
  t->schema_ = &schema;
  t->entity_column_ = spec->entity_column;
  t->date_col_ = schema.ColumnIndex(schema.date_column);
  t->rows_read_ = rows.size();
  const int entity_col = schema.ColumnIndex(spec->entity_column);
  const bool is_pgs = spec->name == kPlayerGameSummary;
  const Date first = first_day(), last = last_day();

  // Parse dates, order by (entity, date, primary key) (the rows may come in
  // any order), keep one row per entity and date (decision 36), then filter.
  // Entities are interned first, so the sort compares integers (their
  // alphabetical ranks), not strings.
  struct Keyed {
    uint32_t entity;  // provisional id, then alphabetical rank
    Date date;
    uint32_t index;  // in the rows as read: stored order within a date
    bool counted;    // passes the filters of decisions 26 and 27
  };
  std::vector<Keyed> keyed;
  keyed.reserve(rows.size());
  std::unordered_map<std::string_view, uint32_t> entity_ids;
  std::vector<std::string_view> entity_names;  // by provisional id
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    if (r.size() != schema.size())
      return Status::Corruption(fmt::format("{}: row {} has {} cells, expected {}", spec->name, i,
                                            r.size(), schema.size()));
    std::string_view ds = TextCell(r, t->date_col_);
    auto d = ParseDate(ds);
    if (!d) return Status::Corruption(fmt::format("{}: bad game_date '{}'", spec->name, ds));
    if (*d < first || *d > last) continue;
    std::string_view entity = TextCell(r, entity_col);
    if (entity.empty()) continue;
    bool counted = true;
    if (spec->windowed) {
      std::string_view team =
          spec->name == kPlayerGameSummary ? TextCell(r, schema.ColumnIndex("team_abbr")) : entity;
      counted = CountedGame(*calendar_, *d, team);
    }
    counted = counted && (!is_pgs || PlayedGame(r));
    auto [it, added] = entity_ids.try_emplace(entity, static_cast<uint32_t>(entity_names.size()));
    if (added) entity_names.push_back(entity);
    keyed.push_back({it->second, *d, static_cast<uint32_t>(i), counted});
  }
  std::vector<uint32_t> by_name(entity_names.size());
  std::iota(by_name.begin(), by_name.end(), 0u);
  std::sort(by_name.begin(), by_name.end(),
            [&](uint32_t a, uint32_t b) { return entity_names[a] < entity_names[b]; });
  std::vector<uint32_t> rank(entity_names.size());
  for (uint32_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;
  for (Keyed& k : keyed) k.entity = rank[k.entity];
  std::vector<size_t> key_cols;
  for (const auto& k : schema.primary_key) key_cols.push_back(schema.ColumnIndex(k));
  std::sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) {
    if (a.entity != b.entity) return a.entity < b.entity;
    if (a.date != b.date) return a.date < b.date;
    for (size_t c : key_cols)
      if (rows[a.index][c] != rows[b.index][c]) return rows[a.index][c] < rows[b.index][c];
    return a.index < b.index;
  });
  // Decision 36 on each run of one entity and date (rare: most are one row),
  // before the filters: a newer row saying a player did not play wins.
  const int processed_col = schema.ColumnIndex("processed_at");
  auto processed_at = [&](const Keyed& k) -> std::optional<std::string_view> {
    if (processed_col < 0) return std::nullopt;
    auto* p = std::get_if<std::string>(&rows[k.index][static_cast<size_t>(processed_col)]);
    return p ? std::optional<std::string_view>(*p) : std::nullopt;
  };
  std::vector<Keyed> keep;
  keep.reserve(keyed.size());
  for (size_t b = 0, e = 0; b < keyed.size(); b = e) {
    e = b + 1;
    while (e < keyed.size() && keyed[e].entity == keyed[b].entity && keyed[e].date == keyed[b].date)
      ++e;
    size_t winner = b;
    for (size_t g = b + 1; g < e; ++g)
      if (KeptOver(processed_at(keyed[g]), keyed[g].index, processed_at(keyed[winner]),
                   keyed[winner].index))
        winner = g;
    t->duplicates_dropped_ += e - b - 1;
    if (keyed[winner].counted) keep.push_back(keyed[winner]);
  }
  // Entities with a kept row, in alphabetical order; their strings must not
  // move once the index views them, so they are placed before anything else.
  for (size_t i = 0; i < keep.size(); ++i) {
    if (i == 0 || keep[i].entity != keep[i - 1].entity) {
      t->entities_.emplace_back(entity_names[by_name[keep[i].entity]]);
      t->ranges_.push_back({static_cast<uint32_t>(i), 0});
    }
    t->ranges_.back().end = static_cast<uint32_t>(i + 1);
  }
  // Only now move the rows (entity_names view their strings until here).
  t->rows_.reserve(keep.size());
  t->dates_.reserve(keep.size());
  t->digests_.reserve(keep.size());
  for (const Keyed& k : keep) {
    t->dates_.push_back(k.date);
    t->rows_.push_back(std::move(rows[k.index]));
    if (have_digests) t->digests_.push_back(scanned.digests[k.index]);
  }
  for (uint32_t i = 0; i < t->entities_.size(); ++i) t->entity_index_.emplace(t->entities_[i], i);
  // Digests and columnar copies, filled row by row (each row's cells are
  // contiguous; a column-by-column walk would touch a new cache line per
  // cell).
  const size_t n = t->rows_.size();
  t->ints_.resize(schema.size());
  t->reals_.resize(schema.size());
  t->texts_.resize(schema.size());
  std::vector<size_t> loaded;  // the columns with a columnar copy
  for (size_t c = 0; c < schema.size(); ++c) {
    if (!t->loaded_[c]) continue;
    loaded.push_back(c);
    const ColumnType type = schema.columns[c].type;
    if (type == ColumnType::kInt || type == ColumnType::kBool)
      t->ints_[c].value.assign(n, SeasonTable::IntColumn::kNull);
    else if (type == ColumnType::kReal)
      t->reals_[c].value.assign(n, std::numeric_limits<double>::quiet_NaN());
    else
      t->texts_[c].resize(n);
  }
  for (size_t i = 0; i < n; ++i) {
    const Row& row = t->rows_[i];
    if (!have_digests) t->digests_.push_back(RowDigest(row));  // while its cells are in cache
    for (size_t c : loaded) {
      const ColumnType type = schema.columns[c].type;
      if (type == ColumnType::kInt || type == ColumnType::kBool) {
        if (auto v = AsInt(row[c])) t->ints_[c].value[i] = *v;
      } else if (type == ColumnType::kReal) {
        if (auto v = AsReal(row[c])) t->reals_[c].value[i] = *v;
      } else if (auto p = std::get_if<std::string>(&row[c])) {
        t->texts_[c][i] = *p;
      }
    }
  }
  for (size_t c : loaded)
    if (schema.columns[c].type == ColumnType::kReal) {
      t->reals_[c].name = schema.FullName() + "." + schema.columns[c].name;
      SetDecimalUnits(t->reals_[c]);
    }
  // processed_at ranks: the latest of a window is a max over integers.
  if (const int pc = schema.ColumnIndex("processed_at"); pc >= 0) {
    // Few distinct values (one per load): dedupe by hash, sort only those.
    const auto& texts = t->texts_[static_cast<size_t>(pc)];
    std::unordered_map<std::string_view, uint32_t> rank_of;
    for (std::string_view v : texts)
      if (v.data()) rank_of.emplace(v, 0);
    std::vector<std::string_view> distinct;
    distinct.reserve(rank_of.size());
    for (const auto& [v, r] : rank_of) distinct.push_back(v);
    std::sort(distinct.begin(), distinct.end());
    for (uint32_t r = 0; r < distinct.size(); ++r) rank_of[distinct[r]] = r + 1;
    t->processed_at_.assign(1, std::string_view());
    t->processed_at_.insert(t->processed_at_.end(), distinct.begin(), distinct.end());
    t->processed_rank_.assign(n, 0);
    for (size_t i = 0; i < n; ++i)
      if (texts[i].data()) t->processed_rank_[i] = rank_of.find(texts[i])->second;
  }
  t->by_date_.resize(t->rows_.size());
  std::iota(t->by_date_.begin(), t->by_date_.end(), 0u);
  std::stable_sort(t->by_date_.begin(), t->by_date_.end(),
                   [&](uint32_t a, uint32_t b) { return t->dates_[a] < t->dates_[b]; });
  return t;
}

std::span<const Date> SeasonInputs::TeamScheduleDates(std::string_view team) const {
  auto it = team_schedule_.find(team);
  if (it == team_schedule_.end()) return {};
  return it->second;
}

std::span<const Date> SeasonInputs::TeamLastScheduled(std::string_view team, Date d,
                                                      size_t n) const {
  std::span<const Date> all = TeamScheduleDates(team);
  auto cut = std::lower_bound(all.begin(), all.end(), d);
  size_t count = static_cast<size_t>(cut - all.begin());
  size_t start = count > n ? count - n : 0;
  return all.subspan(start, count - start);
}

// ------------------------------------------------------------- InputReader

InputReader::InputReader(Warehouse& wh, const SeasonCalendar& calendar,
                         std::optional<Date> read_through)
    : wh_(&wh), calendar_(&calendar), read_through_(read_through) {}

InputReader::~InputReader() {
  if (prefetch_.joinable()) prefetch_.join();
}

Result<std::vector<std::pair<const TableSpec*, std::vector<bool>>>> InputReader::MissingReads(
    const SeasonInputs& season, const std::vector<TableRead>& reads) {
  std::vector<std::pair<const TableSpec*, std::vector<bool>>> missing;
  for (const TableRead& read : reads) {
    const TableSpec* spec = FindSpec(read.table);
    if (!spec)
      return Status::InvalidInput(fmt::format("not a Phase 3 input table: {}", read.table));
    const size_t width = spec->schema().size();
    std::vector<bool> wanted(width, read.columns.empty());
    for (int c : read.columns) {
      if (c < 0 || static_cast<size_t>(c) >= width)
        return Status::InvalidInput(fmt::format("no column {} in {}", c, spec->name));
      wanted[static_cast<size_t>(c)] = true;
    }
    for (int c : IndexColumns(*spec)) wanted[static_cast<size_t>(c)] = true;
    auto merged = std::find_if(missing.begin(), missing.end(),
                               [&](const auto& m) { return m.first == spec; });
    if (merged != missing.end()) {  // the same table twice: one read of both
      for (size_t c = 0; c < width; ++c) merged->second[c] = merged->second[c] || wanted[c];
      continue;
    }
    if (const SeasonTable* have = season.Table(spec->name)) {
      bool covered = true;
      for (size_t c = 0; c < width; ++c) {
        covered = covered && (!wanted[c] || have->Loaded(static_cast<int>(c)));
        wanted[c] = wanted[c] || have->Loaded(static_cast<int>(c));
      }
      if (covered) continue;
    }
    missing.emplace_back(spec, std::move(wanted));
  }
  return missing;
}

namespace {

// Reads one table of a season: every cell digested, the `loaded` ones kept.
Result<ScannedRows> ScanTable(Warehouse& wh, const TableSchema& schema, Date from, Date to,
                              const std::vector<bool>& loaded) {
  ScannedRows out;
  out.loaded = loaded;
  const int width = static_cast<int>(schema.size());
  const std::vector<char> keep_column(loaded.begin(), loaded.end());  // read for every cell
  RowDigestEncoder digest;
  Status s = wh.ScanCells(schema, from, to, [&](std::span<const Cell> cells) {
    Row row(schema.size());
    for (int c = 0; c < width; ++c) {
      const bool keep = keep_column[static_cast<size_t>(c)];
      Value& cell = row[static_cast<size_t>(c)];
      const Cell& stored = cells[static_cast<size_t>(c)];
      switch (stored.kind) {
        case Cell::Kind::kNull:
          digest.Null();
          break;
        case Cell::Kind::kInt:
          digest.Int(stored.i);
          if (keep) cell = stored.i;
          break;
        case Cell::Kind::kReal:
          digest.Real(stored.r);
          if (keep) cell = stored.r;
          break;
        case Cell::Kind::kText:
          digest.Text(stored.text);
          if (keep) cell.emplace<std::string>(stored.text);
          break;
      }
    }
    out.rows.push_back(std::move(row));
    out.digests.push_back(digest.Finish());
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace

Status InputReader::Load(SeasonInputs& season,
                         const std::vector<std::pair<const TableSpec*, std::vector<bool>>>& missing,
                         Warehouse* first_wh, int64_t& table_reads) const {
  const Date from = season.first_day();
  const Date to = read_through_ ? std::min(*read_through_, season.last_day()) : season.last_day();
  std::vector<std::unique_ptr<SeasonTable>> built(missing.size());
  std::vector<Status> errors(missing.size());
  auto load = [&](size_t i, Warehouse& wh) {
    const auto& [spec, loaded] = missing[i];
    auto scanned = ScanTable(wh, spec->schema(), from, to, loaded);
    if (!scanned.ok()) {
      errors[i] = scanned.status();
      return;
    }
    auto table = season.BuildTable(spec->name, std::move(scanned).value());
    if (table.ok())
      built[i] = std::move(table).value();
    else
      errors[i] = table.status();
  };
  auto load_on_own_connection = [&](size_t i) {
    auto wh = wh_->Connect();
    if (wh.ok())
      load(i, **wh);
    else
      errors[i] = wh.status();
  };
  std::vector<std::thread> threads;
  for (size_t i = first_wh ? 1 : 0; i < missing.size(); ++i)
    threads.emplace_back(load_on_own_connection, i);
  if (first_wh && !missing.empty()) load(0, *first_wh);
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < missing.size(); ++i) {
    if (!errors[i].ok()) return errors[i];
    if (const size_t dropped = built[i]->duplicates_dropped(); dropped > 0)
      spdlog::warn(
          "{}, season {}: {} duplicate row{} dropped (decision 36: of an entity's rows "
          "on one date the latest processed_at wins, then the first stored)",
          missing[i].first->name, season.season_year(), dropped, dropped == 1 ? "" : "s");
    ++table_reads;
    season.tables_[std::string(missing[i].first->name)] = std::move(built[i]);
  }
  return Status::OK();
}

void InputReader::Prefetch(int season_year, const std::vector<TableRead>& reads) {
  if (shared_ || prefetch_.joinable()) return;  // one at a time
  if (current_ && current_->season_year() == season_year) return;
  auto next = std::make_unique<SeasonInputs>(season_year, *calendar_);
  auto missing = MissingReads(*next, reads);
  if (!missing.ok() || missing->empty()) return;
  prefetched_.reset();
  prefetched_year_ = season_year;
  prefetch_status_ = Status::OK();
  prefetch_reads_ = 0;
  prefetch_ =
      std::thread([this, next = std::move(next), missing = std::move(missing).value()]() mutable {
        prefetch_status_ = Load(*next, missing, /*first_wh=*/nullptr, prefetch_reads_);
        prefetched_ = std::move(next);
      });
}

Result<const SeasonInputs*> InputReader::Season(int season_year,
                                                const std::vector<TableRead>& reads) {
  if (shared_) {
    if (!current_ || current_->season_year() != season_year) {
      current_.reset();  // let go of the previous season before taking the next
      PHASE4_ASSIGN_OR_RETURN(current_, shared_->Acquire(season_year));
    }
    PHASE4_ASSIGN_OR_RETURN(auto missing, MissingReads(*current_, reads));
    if (!missing.empty())
      return Status::FailedPrecondition(fmt::format(
          "the shared {} season lacks columns of {} (the run's reads must cover every job's)",
          season_year, missing.front().first->name));
    return static_cast<const SeasonInputs*>(current_.get());
  }
  PHASE4_ASSIGN_OR_RETURN(std::shared_ptr<SeasonInputs> season, SharedSeason(season_year, reads));
  return static_cast<const SeasonInputs*>(season.get());
}

Result<std::shared_ptr<SeasonInputs>> InputReader::SharedSeason(
    int season_year, const std::vector<TableRead>& reads) {
  const bool have_current = current_ && current_->season_year() == season_year;
  if (prefetch_.joinable() && (prefetched_year_ == season_year || !have_current)) {
    prefetch_.join();
    // A failed prefetch, or one of another season, is dropped: the load
    // below reads again (and reports the error, if it persists).
    if (prefetched_year_ == season_year && prefetch_status_.ok() && prefetched_) {
      current_.reset();
      current_ = std::move(prefetched_);
      table_reads_ += prefetch_reads_;
      ++prefetched_seasons_;
    }
    prefetched_.reset();
  }
  if (!current_ || current_->season_year() != season_year) {
    current_.reset();  // free the previous season before reading the next
    current_ = std::make_shared<SeasonInputs>(season_year, *calendar_);
  }
  PHASE4_ASSIGN_OR_RETURN(auto missing, MissingReads(*current_, reads));
  // Each table is read and indexed on its own connection and thread: a
  // season's tables are independent, and the load is the one pause of a
  // backfill's pipeline per season.
  PHASE4_RETURN_IF_ERROR(Load(*current_, missing, wh_, table_reads_));
  return current_;
}

Result<ProcessorInputs> InputReader::InputsFor(const ProcessorInfo& info, Date d) {
  if (read_through_ && d > *read_through_)
    return Status::FailedPrecondition(
        fmt::format("inputs were read through {} only; cannot serve {}", FormatDate(*read_through_),
                    FormatDate(d)));
  ProcessorInputs in;
  in.date = d;
  in.calendar = calendar_;
  auto reads = reads_of_.find(&info);
  if (reads == reads_of_.end()) {
    PHASE4_ASSIGN_OR_RETURN(std::vector<TableRead> r, Phase3Reads({&info}));
    reads = reads_of_.emplace(&info, std::move(r)).first;
  }
  PHASE4_ASSIGN_OR_RETURN(in.season, Season(SeasonYearOf(d), reads->second));
  for (const auto& up : info.phase4_upstreams) {
    const TableSchema* schema = FindTable(up);
    if (!schema) return Status::InvalidInput(fmt::format("unknown upstream table {}", up));
    PHASE4_ASSIGN_OR_RETURN(std::vector<int> columns, UpstreamColumnIndexes(info, *schema, up));
    if (upstream_rows_) {
      if (auto held = upstream_rows_->Take(*schema, d, columns)) {
        in.upstream.emplace(up, std::move(held));
        continue;
      }
    }
    PHASE4_ASSIGN_OR_RETURN(std::vector<Row> rows, wh_->SelectRows(*schema, d, d, columns));
    in.upstream.emplace(up, std::move(rows));
  }
  return in;
}

Result<std::vector<TableRead>> Phase3Reads(const std::vector<const ProcessorInfo*>& jobs) {
  std::vector<TableRead> reads;
  std::vector<bool> whole;  // parallel to reads: some job reads every column
  for (const ProcessorInfo* job : jobs) {
    for (const auto& table : job->phase3_inputs) {
      const TableSpec* spec = FindSpec(table);
      if (!spec)
        return Status::InvalidInput(
            fmt::format("{}: not a Phase 3 input table: {}", job->name, table));
      auto it = std::find_if(reads.begin(), reads.end(),
                             [&](const TableRead& r) { return r.table == spec->name; });
      if (it == reads.end()) {
        reads.push_back({std::string(spec->name), IndexColumns(*spec)});
        whole.push_back(false);
        it = reads.end() - 1;
      }
      const size_t at = static_cast<size_t>(it - reads.begin());
      auto listed = job->phase3_columns.find(spec->name);
      if (listed == job->phase3_columns.end()) {
        whole[at] = true;
        continue;
      }
      for (const auto& name : listed->second) {
        const int c = spec->schema().ColumnIndex(name);
        if (c < 0)
          return Status::InvalidInput(
              fmt::format("{}: Phase 3 table {} has no column {}", job->name, spec->name, name));
        it->columns.push_back(c);
      }
    }
  }
  for (size_t i = 0; i < reads.size(); ++i) {
    auto& columns = reads[i].columns;
    if (whole[i]) {
      columns.clear();
      continue;
    }
    std::sort(columns.begin(), columns.end());
    columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  }
  return reads;
}

std::vector<TableRead> WholeTables() {
  std::vector<TableRead> reads;
  for (const TableSchema* t : Phase3Tables()) reads.push_back({t->FullName(), {}});
  return reads;
}

Result<std::vector<int>> UpstreamColumnIndexes(const ProcessorInfo& info, const TableSchema& schema,
                                               std::string_view upstream) {
  auto listed = info.upstream_columns.find(upstream);
  if (listed == info.upstream_columns.end()) return std::vector<int>{};
  std::vector<std::string> names = listed->second;
  names.push_back(schema.date_column);
  names.insert(names.end(), schema.primary_key.begin(), schema.primary_key.end());
  std::vector<int> columns;
  for (const auto& name : names) {
    int c = schema.ColumnIndex(name);
    if (c < 0)
      return Status::InvalidInput(
          fmt::format("{}: upstream {} has no column {}", info.name, schema.FullName(), name));
    columns.push_back(c);
  }
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  return columns;
}

const std::vector<Row>& ProcessorInputs::Upstream(std::string_view name) const {
  static const std::vector<Row> kEmpty;
  auto it = upstream.find(name);
  return it == upstream.end() ? kEmpty : it->second.rows();
}

}  // namespace phase4::processors
