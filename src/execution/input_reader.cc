#include "execution/input_reader.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "processors/common/hashing.h"
#include "processors/common/phase3_tables.h"
#include "warehouse/warehouse.h"

namespace phase4::execution {

using processors::FindPhase3Table;
using processors::ProcessorInfo;
using processors::ProcessorInputs;
using processors::RowDigestEncoder;
using processors::ScannedRows;
using processors::SeasonIndexColumns;
using processors::SeasonInputs;
using processors::SeasonTable;
using processors::TableSpec;

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
    const TableSpec* spec = FindPhase3Table(read.table);
    if (!spec)
      return Status::InvalidInput(fmt::format("not a Phase 3 input table: {}", read.table));
    const size_t width = spec->schema().size();
    std::vector<bool> wanted(width, read.columns.empty());
    for (int c : read.columns) {
      if (c < 0 || static_cast<size_t>(c) >= width)
        return Status::InvalidInput(fmt::format("no column {} in {}", c, spec->name));
      wanted[static_cast<size_t>(c)] = true;
    }
    for (int c : SeasonIndexColumns(*spec)) wanted[static_cast<size_t>(c)] = true;
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

}  // namespace phase4::execution
