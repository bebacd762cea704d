#include "processors/common/season_inputs.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "common/exact.h"
#include "processors/common/duplicates.h"
#include "processors/common/hashing.h"

namespace phase4::processors {

namespace {

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

std::string_view TextCell(const Row& row, int col) {
  if (col < 0) return {};
  if (auto p = std::get_if<std::string>(&row[static_cast<size_t>(col)])) return *p;
  return {};
}

}  // namespace

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
  const TableSpec* spec = FindPhase3Table(full_name);
  if (!spec) return nullptr;
  auto it = tables_.find(spec->name);
  return it == tables_.end() ? nullptr : it->second.get();
}

Status SeasonInputs::AddTable(std::string_view full_name, std::vector<Row> rows) {
  PHASE4_ASSIGN_OR_RETURN(
      std::unique_ptr<SeasonTable> t,
      BuildTable(full_name, ScannedRows{.rows = std::move(rows), .digests = {}, .loaded = {}}));
  tables_[std::string(FindPhase3Table(full_name)->name)] = std::move(t);
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
  const TableSpec* spec = FindPhase3Table(full_name);
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
  for (int c : SeasonIndexColumns(*spec))
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

}  // namespace phase4::processors
