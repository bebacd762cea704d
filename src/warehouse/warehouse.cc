#include "warehouse/warehouse.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

#include "warehouse/postgres_warehouse.h"
#include "warehouse/replace_check.h"
#include "warehouse/sqlite_warehouse.h"

namespace phase4 {

namespace {

// The parts of a libpq URI that can hold a password: the user-info's
// `user:password@` and a `password=` query parameter. Each is a [begin, end)
// byte range of the password itself.
std::vector<std::pair<size_t, size_t>> PasswordRanges(std::string_view uri) {
  std::vector<std::pair<size_t, size_t>> out;
  const size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return out;
  const size_t auth = scheme + 3;
  size_t auth_end = uri.find_first_of("/?", auth);
  if (auth_end == std::string_view::npos) auth_end = uri.size();
  const size_t at = uri.substr(0, auth_end).rfind('@');
  if (at != std::string_view::npos && at >= auth) {
    const size_t colon = uri.substr(0, at).find(':', auth);
    if (colon != std::string_view::npos) out.emplace_back(colon + 1, at);
  }
  const size_t query = uri.find('?', auth);
  if (query != std::string_view::npos) {
    for (size_t p = query + 1; p < uri.size();) {
      size_t amp = uri.find('&', p);
      if (amp == std::string_view::npos) amp = uri.size();
      std::string_view param = uri.substr(p, amp - p);
      if (param.rfind("password=", 0) == 0) out.emplace_back(p + 9, amp);
      p = amp + 1;
    }
  }
  return out;
}

std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

bool IsPostgresUri(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string RedactLocation(std::string_view location) {
  if (!IsPostgresUri(location)) return std::string(location);
  std::string out(location);
  auto ranges = PasswordRanges(location);
  for (auto it = ranges.rbegin(); it != ranges.rend(); ++it)
    out.replace(it->first, it->second - it->first, "***");
  return out;
}

std::optional<std::string> PasswordInUri(std::string_view location) {
  if (!IsPostgresUri(location)) return std::nullopt;
  auto ranges = PasswordRanges(location);
  if (ranges.empty()) return std::nullopt;
  return PercentDecode(
      location.substr(ranges.front().first, ranges.front().second - ranges.front().first));
}

Result<std::unique_ptr<Warehouse>> Warehouse::Open(const std::string& location, bool create) {
  std::unique_ptr<Warehouse> wh;
  if (IsPostgresUri(location)) {
    PHASE4_ASSIGN_OR_RETURN(wh, PostgresWarehouse::Open(location, create));
  } else {
    PHASE4_ASSIGN_OR_RETURN(wh, SqliteWarehouse::Open(location, create));
  }
  // `init` names the warehouse, so that a run under a role that may not
  // write nba_reference.warehouse_info finds the id there.
  if (create) PHASE4_RETURN_IF_ERROR(wh->Id().status());
  return wh;
}

namespace {

// 128 random bits as 32 hex digits, from the kernel's generator.
Result<std::string> NewWarehouseId() {
  uint8_t bytes[16] = {};
  size_t got = 0;
  if (std::FILE* f = std::fopen("/dev/urandom", "rb")) {
    got = std::fread(bytes, 1, sizeof bytes, f);
    std::fclose(f);
  }
  // An id of zeros would be shared by every warehouse so named.
  if (got != sizeof bytes) return Status::IoError("cannot read /dev/urandom for a warehouse id");
  std::string hex;
  for (uint8_t b : bytes) hex += fmt::format("{:02x}", b);
  return hex;
}

Result<std::optional<std::string>> StoredId(Warehouse& wh) {
  PHASE4_ASSIGN_OR_RETURN(std::vector<Row> rows,
                          wh.SelectRows(WarehouseInfoSchema(), std::nullopt, std::nullopt));
  for (const Row& r : rows)
    if (r.size() == 2 && std::get_if<std::string>(&r[0]) &&
        std::get<std::string>(r[0]) == "warehouse_id")
      if (const auto* v = std::get_if<std::string>(&r[1])) return std::optional<std::string>(*v);
  return std::optional<std::string>();
}

}  // namespace

Result<std::string> Warehouse::Id() {
  PHASE4_ASSIGN_OR_RETURN(std::optional<std::string> id, StoredId(*this));
  if (id) return *id;
  // The first to ask names the warehouse; a concurrent first is refused by
  // the primary key, and both then read the one stored.
  PHASE4_ASSIGN_OR_RETURN(std::string fresh, NewWarehouseId());
  (void)InsertRows(WarehouseInfoSchema(), {Row{std::string("warehouse_id"), fresh}});
  PHASE4_ASSIGN_OR_RETURN(id, StoredId(*this));
  if (!id) return Status::IoError("warehouse " + location_ + ": cannot record its id");
  return *id;
}

std::string ResolveWarehouseDir(const std::string& flag) {
  std::string location = flag;
  if (location.empty()) {
    if (const char* env = std::getenv("PHASE4_WAREHOUSE"); env && *env)
      location = env;
    else
      location = "./warehouse";
  }
  // A password written in the URI moves to PGPASSWORD (libpq reads it from
  // there, and child processes inherit it), so the location every message,
  // printed command and child's argv carries holds none.
  if (auto password = PasswordInUri(location)) {
    static bool warned = false;
    if (!warned) {
      warned = true;
      spdlog::warn(
          "the warehouse URI holds a password; it is used but never shown (prefer PGPASSWORD or "
          "~/.pgpass)");
    }
    setenv("PGPASSWORD", password->c_str(), 1);
    std::string stripped = location;
    auto ranges = PasswordRanges(location);
    for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
      size_t b = it->first, e = it->second;
      if (b > 0 && stripped[b - 1] == ':' && e < stripped.size() && stripped[e] == '@')
        --b;
      else if (b >= 9 && stripped.compare(b - 9, 9, "password=") == 0) {
        b -= 9;  // the whole parameter and one separator
        if (e < stripped.size() && stripped[e] == '&')
          ++e;
        else if (b > 0 && (stripped[b - 1] == '&' || stripped[b - 1] == '?'))
          --b;
      }
      stripped.erase(b, e - b);
    }
    location = stripped;
  }
  return location;
}

Status CheckReplacement(const TableSchema& t, const std::vector<Warehouse::ExtraRow>& also) {
  if (t.date_column.empty())
    return Status::InvalidInput(t.FullName() + " has no date column to replace by");
  for (const auto& extra : also)
    if (extra.table->dataset != t.dataset)
      return Status::InvalidInput(
          fmt::format("{} is not in the dataset of {}; it cannot commit with it",
                      extra.table->FullName(), t.FullName()));
  return Status::OK();
}

Status CheckDeltaReplacement(const TableSchema& t, const std::vector<Row>& rows,
                             const DateDelta& delta, const std::vector<Warehouse::ExtraRow>& also) {
  PHASE4_RETURN_IF_ERROR(CheckReplacement(t, also));
  if (delta.kept.size() != rows.size())
    return Status::InvalidInput(fmt::format("{}: a delta of {} rows for {} rows", t.FullName(),
                                            delta.kept.size(), rows.size()));
  return Status::OK();
}

}  // namespace phase4
