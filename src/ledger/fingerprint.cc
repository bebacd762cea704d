#include "ledger/fingerprint.h"

#include <fmt/format.h>

#include <algorithm>

#include "processors/common/hashing.h"
#include "warehouse/schema.h"

namespace phase4::ledger {

namespace {

// Which dates of a Phase 3 table the unit of date D reads, within D's season.
enum class Reach {
  kBefore,  // dates before D: the windows of the game summaries
  kOn,      // D only: the pre-game context snapshots
  kUpTo,    // dates up to D: the schedule (calendar, expected games)
};

Reach ReachOf(std::string_view table) {
  if (table == ScheduleSchema().FullName()) return Reach::kUpTo;
  if (table == UpcomingPlayerGameContextSchema().FullName() ||
      table == UpcomingTeamGameContextSchema().FullName())
    return Reach::kOn;
  return Reach::kBefore;
}

std::string Hex(std::string_view text) { return processors::HexPrefix(processors::Sha256(text), 16); }

}  // namespace

std::string CodeVersion(const processors::ProcessorInfo& job) {
  return fmt::format("v{}", job.version);
}

InputFingerprinter::InputFingerprinter(Phase3Digests digests) : digests_(std::move(digests)) {
  for (const auto& [name, dates] : digests_) {
    Table& t = tables_[name];
    t.all = &dates;
    std::string running;
    int season = 0;
    for (const auto& [d, digest] : dates) {
      if (digest.rows == 0) continue;  // deleted: as if never there
      if (SeasonYearOf(d) != season) {
        season = SeasonYearOf(d);
        running.clear();
      }
      running = Hex(fmt::format("{}|{}|{}|{}", running, FormatDate(d), digest.rows, digest.digest));
      t.dates.push_back(d);
      t.running.push_back(running);
    }
  }
}

const InputFingerprinter::Table* InputFingerprinter::Find(std::string_view table) const {
  auto it = tables_.find(table);
  return it == tables_.end() ? nullptr : &it->second;
}

std::string InputFingerprinter::Phase3Part(std::string_view table, Date d) const {
  const Table* t = Find(table);
  if (!t) return "none";
  const Reach reach = ReachOf(table);
  if (reach == Reach::kOn) {
    auto it = t->all->find(d);
    return it == t->all->end() || it->second.rows == 0
               ? "none"
               : fmt::format("{}:{}", it->second.rows, it->second.digest);
  }
  // The last date with rows before (or up to) d, if it is in d's season.
  auto end = reach == Reach::kBefore ? std::lower_bound(t->dates.begin(), t->dates.end(), d)
                                     : std::upper_bound(t->dates.begin(), t->dates.end(), d);
  if (end == t->dates.begin()) return "none";
  const size_t i = static_cast<size_t>(end - t->dates.begin()) - 1;
  if (SeasonYearOf(t->dates[i]) != SeasonYearOf(d)) return "none";
  return t->running[i];
}

InputFingerprint InputFingerprinter::For(
    const processors::ProcessorInfo& job, Date d,
    const std::map<std::string, std::string, std::less<>>& upstream) const {
  std::string parts = "code=" + CodeVersion(job) + ";";
  std::vector<std::string> tables = job.phase3_inputs;
  tables.push_back(ScheduleSchema().FullName());
  for (const auto& table : tables) parts += table + "=" + Phase3Part(table, d) + ";";
  for (const auto& up : job.phase4_upstreams) {
    auto it = upstream.find(up);
    parts += "upstream:" + up + "=" + (it == upstream.end() ? "none" : it->second) + ";";
  }
  return InputFingerprint{Hex(parts), parts};
}

std::vector<Date> InputFingerprinter::ChangedDates(std::string_view table, Date d,
                                                   std::string_view since) const {
  std::vector<Date> out;
  const Table* t = Find(table);
  if (!t) return out;
  const Reach reach = ReachOf(table);
  for (const auto& [date, digest] : *t->all) {
    const bool reached = reach == Reach::kOn       ? date == d
                         : reach == Reach::kBefore ? date < d
                                                   : date <= d;
    if (reached && SeasonYearOf(date) == SeasonYearOf(d) && digest.changed_at > since)
      out.push_back(date);
  }
  return out;
}

int64_t InputFingerprinter::RowsOn(std::string_view table, Date d) const {
  const Table* t = Find(table);
  if (!t) return 0;
  auto it = t->all->find(d);
  return it == t->all->end() ? 0 : it->second.rows;
}

std::string OutputFingerprint(const processors::ProcessorInfo& job, const std::vector<Row>& rows) {
  const TableSchema& s = *job.output;
  std::vector<int> key;
  for (const auto& k : s.primary_key) key.push_back(s.ColumnIndex(k));
  const int hash_col = s.ColumnIndex("data_hash");
  std::vector<std::string> lines;
  lines.reserve(rows.size());
  for (const Row& row : rows) {
    std::string line;
    for (int k : key) {
      processors::AppendHashValue(line, s.column(k), row[static_cast<size_t>(k)]);
      line += '\x1f';
    }
    if (hash_col >= 0) processors::AppendHashValue(line, s.column(hash_col), row[static_cast<size_t>(hash_col)]);
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  std::string all = fmt::format("{}", rows.size());
  for (const auto& l : lines) all += "\n" + l;
  return Hex(all);
}

std::map<std::string, std::string, std::less<>> ParseParts(std::string_view parts) {
  std::map<std::string, std::string, std::less<>> out;
  size_t pos = 0;
  while (pos < parts.size()) {
    size_t end = parts.find(';', pos);
    if (end == std::string_view::npos) end = parts.size();
    std::string_view item = parts.substr(pos, end - pos);
    if (size_t eq = item.find('='); eq != std::string_view::npos)
      out.emplace(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    pos = end + 1;
  }
  return out;
}

}  // namespace phase4::ledger
