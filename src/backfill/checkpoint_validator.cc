#include "backfill/checkpoint_validator.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

namespace phase4::backfill {

namespace {

using Json = nlohmann::json;

Status Corrupt(const std::string& reason) { return Status::Corruption(reason); }

// File text quoted in a reason: at most `max` bytes, control and non-ASCII
// bytes as '?', so a binary or huge file gives a short one-line warning.
std::string Shown(std::string_view text, size_t max = 60) {
  std::string out(text.substr(0, max));
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  if (text.size() > max) out += "...";
  return out;
}

Result<std::string> RequireString(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return Corrupt(std::string("field \"") + key + "\" is missing");
  if (!it->is_string()) return Corrupt(std::string("field \"") + key + "\" is not a string");
  return it->get<std::string>();
}

Result<Date> RequireDate(const Json& j, const char* key) {
  PHASE4_ASSIGN_OR_RETURN(std::string text, RequireString(j, key));
  auto d = ParseDate(text);
  if (!d)
    return Corrupt(std::string("field \"") + key + "\" is \"" + Shown(text) +
                   "\", not a YYYY-MM-DD date");
  return *d;
}

Result<std::set<Date>> RequireDateList(const Json& j, const char* key, Date start, Date end) {
  auto it = j.find(key);
  if (it == j.end()) return Corrupt(std::string("field \"") + key + "\" is missing");
  if (!it->is_array()) return Corrupt(std::string("field \"") + key + "\" is not an array");
  std::set<Date> out;
  for (const Json& v : *it) {
    if (!v.is_string()) return Corrupt(std::string("\"") + key + "\" holds a non-string element");
    std::string text = v.get<std::string>();
    auto d = ParseDate(text);
    if (!d)
      return Corrupt(std::string("\"") + key + "\" holds \"" + Shown(text) +
                     "\", not a YYYY-MM-DD date");
    if (*d < start || *d > end) {
      return Corrupt(std::string("\"") + key + "\" holds " + text + ", outside the range " +
                     FormatDate(start) + " to " + FormatDate(end));
    }
    if (!out.insert(*d).second) {
      return Corrupt(std::string("\"") + key + "\" holds " + text + " twice");
    }
  }
  return out;
}

Result<int64_t> RequireCount(const Json& obj, const char* key, const char* where) {
  auto it = obj.find(key);
  if (it == obj.end()) return Corrupt(std::string("field \"") + where + key + "\" is missing");
  // Unsigned values above INT64_MAX would turn negative in get<int64_t>().
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() ? it->get<uint64_t>() > INT64_MAX : it->get<int64_t>() < 0)) {
    return Corrupt(std::string("field \"") + where + key + "\" is not a non-negative integer");
  }
  return it->get<int64_t>();
}

}  // namespace

Result<CheckpointState> CheckpointFromJson(std::string_view text, std::string_view job, Date start,
                                           Date end, std::vector<std::string>* warnings) {
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    // The parser quotes what it last read, which may be binary garbage.
    return Corrupt("not valid JSON: " + Shown(e.what(), 300));
  }
  if (!j.is_object()) return Corrupt("the document is not a JSON object");

  PHASE4_ASSIGN_OR_RETURN(std::string file_job, RequireString(j, "job_name"));
  if (file_job != job) {
    return Corrupt("job_name is \"" + Shown(file_job) + "\", expected \"" + std::string(job) +
                   "\"");
  }
  PHASE4_ASSIGN_OR_RETURN(Date file_start, RequireDate(j, "start_date"));
  PHASE4_ASSIGN_OR_RETURN(Date file_end, RequireDate(j, "end_date"));
  if (file_start != start || file_end != end) {
    return Corrupt("the range is " + FormatDate(file_start) + " to " + FormatDate(file_end) +
                   ", expected " + FormatDate(start) + " to " + FormatDate(end));
  }

  CheckpointState s(std::string(job), start, end, 0);
  PHASE4_ASSIGN_OR_RETURN(std::set<Date> successful_dates,
                          RequireDateList(j, "successful_dates", start, end));
  PHASE4_ASSIGN_OR_RETURN(std::set<Date> failed_dates,
                          RequireDateList(j, "failed_dates", start, end));
  PHASE4_ASSIGN_OR_RETURN(std::set<Date> skipped_dates,
                          RequireDateList(j, "skipped_dates", start, end));
  auto check_disjoint = [](const std::set<Date>& a, const char* an, const std::set<Date>& b,
                           const char* bn) -> Status {
    for (Date d : a) {
      if (b.count(d)) {
        return Corrupt(FormatDate(d) + " is in both " + an + " and " + bn);
      }
    }
    return Status::OK();
  };
  PHASE4_RETURN_IF_ERROR(
      check_disjoint(successful_dates, "successful_dates", failed_dates, "failed_dates"));
  PHASE4_RETURN_IF_ERROR(
      check_disjoint(successful_dates, "successful_dates", skipped_dates, "skipped_dates"));
  PHASE4_RETURN_IF_ERROR(
      check_disjoint(failed_dates, "failed_dates", skipped_dates, "skipped_dates"));
  // In date order, so that each list appends its text (checkpoint_date_list.h).
  for (Date d : successful_dates) PHASE4_RETURN_IF_ERROR(s.MarkSuccess(d));
  for (Date d : skipped_dates) PHASE4_RETURN_IF_ERROR(s.MarkSkipped(d));
  // failed_errors is optional (files of the reference system lack it).
  for (Date d : failed_dates) PHASE4_RETURN_IF_ERROR(s.MarkFailed(d, ""));
  if (auto it = j.find("failed_errors"); it != j.end()) {
    if (!it->is_object()) return Corrupt("field \"failed_errors\" is not an object");
    for (const auto& [key, value] : it->items()) {
      auto d = ParseDate(key);
      if (!d)
        return Corrupt("\"failed_errors\" has key \"" + Shown(key) + "\", not a YYYY-MM-DD date");
      if (!s.IsFailed(*d)) {
        return Corrupt("\"failed_errors\" has an entry for " + key +
                       ", which is not a failed date");
      }
      if (!value.is_string()) return Corrupt("\"failed_errors\" entry " + key + " is not a string");
      PHASE4_RETURN_IF_ERROR(s.MarkFailed(*d, value.get<std::string>()));
    }
  }

  // last_successful_date: null or a date; derived from successful_dates.
  auto last_it = j.find("last_successful_date");
  if (last_it == j.end()) return Corrupt("field \"last_successful_date\" is missing");
  std::optional<Date> recorded_last;
  if (!last_it->is_null()) {
    if (!last_it->is_string()) {
      return Corrupt("field \"last_successful_date\" is neither null nor a string");
    }
    recorded_last = ParseDate(last_it->get<std::string>());
    if (!recorded_last) {
      return Corrupt("field \"last_successful_date\" is \"" + Shown(last_it->get<std::string>()) +
                     "\", not a YYYY-MM-DD date");
    }
  }
  auto stats_it = j.find("stats");
  if (stats_it == j.end()) return Corrupt("field \"stats\" is missing");
  if (!stats_it->is_object()) return Corrupt("field \"stats\" is not an object");
  PHASE4_ASSIGN_OR_RETURN(int64_t processed, RequireCount(*stats_it, "processed", "stats."));
  PHASE4_ASSIGN_OR_RETURN(int64_t successful, RequireCount(*stats_it, "successful", "stats."));
  PHASE4_ASSIGN_OR_RETURN(int64_t failed, RequireCount(*stats_it, "failed", "stats."));
  PHASE4_ASSIGN_OR_RETURN(int64_t skipped, RequireCount(*stats_it, "skipped", "stats."));
  if (stats_it->contains("total_days")) {
    PHASE4_ASSIGN_OR_RETURN(int64_t total, RequireCount(*stats_it, "total_days", "stats."));
    s.set_total_days(static_cast<int>(std::min<int64_t>(total, 1 << 30)));
  }
  if (auto it = j.find("warehouse_id"); it != j.end()) {
    if (!it->is_string()) return Corrupt("field \"warehouse_id\" is not a string");
    s.set_warehouse_id(it->get<std::string>());
  }
  if (auto it = j.find("updated_at"); it != j.end() && !it->is_string()) {
    return Corrupt("field \"updated_at\" is not a string");
  }

  if (warnings) {
    if (recorded_last != s.last_successful_date()) {
      auto show = [](const std::optional<Date>& d) { return d ? FormatDate(*d) : "null"; };
      warnings->push_back("last_successful_date was " + show(recorded_last) +
                          " but successful_dates give " + show(s.last_successful_date()) +
                          "; recomputed from the lists");
    }
    if (processed != s.processed() || successful != s.successful() || failed != s.failed() ||
        skipped != s.skipped()) {
      warnings->push_back(
          "stats disagreed with the date lists (processed/successful/failed/skipped " +
          std::to_string(processed) + "/" + std::to_string(successful) + "/" +
          std::to_string(failed) + "/" + std::to_string(skipped) + ", lists give " +
          std::to_string(s.processed()) + "/" + std::to_string(s.successful()) + "/" +
          std::to_string(s.failed()) + "/" + std::to_string(s.skipped()) +
          "); recomputed from the lists");
    }
  }
  return s;
}

}  // namespace phase4::backfill
