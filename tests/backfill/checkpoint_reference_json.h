// The checkpoint document built as a nlohmann JSON tree and written with
// dump(2): the reference the hand-written writer (backfill/checkpoint_writer.h)
// must equal byte for byte, and the alternative bench/checkpoint_bench.cc
// measures it against.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "backfill/checkpoint_state.h"

namespace phase4::testing {

inline std::string ReferenceCheckpointJson(const backfill::CheckpointState& s, std::string_view updated_at) {
  using Json = nlohmann::ordered_json;
  auto dates = [](const std::set<Date>& list) {
    Json a = Json::array();
    for (Date d : list) a.push_back(FormatDate(d));
    return a;
  };
  Json j;
  j["job_name"] = s.job_name();
  j["start_date"] = FormatDate(s.start_date());
  j["end_date"] = FormatDate(s.end_date());
  auto last = s.last_successful_date();
  j["last_successful_date"] = last ? Json(FormatDate(*last)) : Json(nullptr);
  j["successful_dates"] = dates(s.successful_dates());
  j["failed_dates"] = dates(s.failed_dates());
  j["skipped_dates"] = dates(s.skipped_dates());
  j["stats"] = {{"processed", s.processed()},
                {"successful", s.successful()},
                {"failed", s.failed()},
                {"skipped", s.skipped()},
                {"total_days", s.total_days()}};
  Json errors = Json::object();
  for (const auto& [d, text] : s.failed_errors()) errors[FormatDate(d)] = text;
  j["failed_errors"] = errors;
  if (!s.warehouse_id().empty()) j["warehouse_id"] = s.warehouse_id();
  j["updated_at"] = std::string(updated_at);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace phase4::testing
