#include "backfill/job_events.h"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

namespace phase4::backfill {

namespace {

constexpr std::string_view kEventPrefix = "@phase4-event ";

constexpr std::array<std::string_view, 5> kOutcomeNames = {"computed", "up_to_date", "skipped",
                                                           "failed", "blocked"};
constexpr std::array<std::string_view, 4> kLineKindNames = {"detail", "note", "warning", "error"};

template <typename E, size_t N>
bool FromName(const std::array<std::string_view, N>& names, std::string_view name, E* out) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == name) {
      *out = static_cast<E>(i);
      return true;
    }
  return false;
}

nlohmann::json DatesJson(const std::map<Date, std::string>& m) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [d, text] : m) out[FormatDate(d)] = text;
  return out;
}

bool DatesFromJson(const nlohmann::json& j, std::map<Date, std::string>* out) {
  if (!j.is_object()) return false;
  for (const auto& [key, value] : j.items()) {
    auto d = ParseDate(key);
    if (!d || !value.is_string()) return false;
    (*out)[*d] = value.get<std::string>();
  }
  return true;
}

nlohmann::json TallyJson(const JobTally& t) {
  return {{"computed", t.computed},
          {"up_to_date", t.up_to_date},
          {"failed", t.failed},
          {"blocked", t.blocked},
          {"skipped", t.skipped},
          {"rows_written", t.rows_written},
          {"failures", DatesJson(t.failures)},
          {"blocks", DatesJson(t.blocks)}};
}

bool TallyFromJson(const nlohmann::json& j, JobTally* t) {
  t->computed = j.at("computed").get<int>();
  t->up_to_date = j.at("up_to_date").get<int>();
  t->failed = j.at("failed").get<int>();
  t->blocked = j.at("blocked").get<int>();
  t->skipped = j.at("skipped").get<int>();
  t->rows_written = j.at("rows_written").get<int64_t>();
  return DatesFromJson(j.at("failures"), &t->failures) && DatesFromJson(j.at("blocks"), &t->blocks);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A parsed event line, replayed into `sink`.
bool Replay(const nlohmann::json& j, JobEvents& sink) {
  const std::string e = j.at("e").get<std::string>();
  if (e == "start") {
    JobTally before;
    if (!TallyFromJson(j.at("before"), &before)) return false;
    sink.Started(j.at("total").get<int>(), j.at("todo").get<int>(), before);
    return true;
  }
  if (e == "unit") {
    auto d = ParseDate(j.at("date").get<std::string>());
    UnitOutcome outcome;
    if (!d || !FromName(kOutcomeNames, j.at("outcome").get<std::string>(), &outcome)) return false;
    sink.Settled(*d, outcome, j.at("rows").get<int64_t>(), j.at("error").get<std::string>());
    return true;
  }
  if (e == "line") {
    LineKind kind;
    if (!FromName(kLineKindNames, j.at("kind").get<std::string>(), &kind)) return false;
    sink.Line(kind, j.at("text").get<std::string>());
    return true;
  }
  if (e == "end") {
    JobTally tally;
    if (!TallyFromJson(j.at("tally"), &tally)) return false;
    sink.Ended(tally);
    return true;
  }
  return false;
}

}  // namespace

std::string_view UnitOutcomeName(UnitOutcome o) { return kOutcomeNames[static_cast<size_t>(o)]; }

void JobTally::Add(Date d, UnitOutcome outcome, int64_t rows, const std::string& error) {
  switch (outcome) {
    case UnitOutcome::kComputed:
      ++computed;
      rows_written += rows;
      break;
    case UnitOutcome::kUpToDate:
      ++up_to_date;
      break;
    case UnitOutcome::kSkipped:
      ++skipped;
      break;
    case UnitOutcome::kFailed:
      ++failed;
      failures[d] = error;
      break;
    case UnitOutcome::kBlocked:
      ++blocked;
      blocks[d] = error;
      break;
  }
}

void EventStreamWriter::Write(const std::string& json) {
  std::lock_guard<std::mutex> lock(mu_);
  fmt::print(out_, "{}{}\n", kEventPrefix, json);
}

// Text may quote stored bytes: invalid UTF-8 becomes U+FFFD, never a throw.
constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

void EventStreamWriter::Started(int total, int todo, const JobTally& before) {
  Write(nlohmann::json{
      {"e", "start"}, {"total", total}, {"todo", todo}, {"before", TallyJson(before)}}
            .dump(-1, ' ', false, kReplace));
}

void EventStreamWriter::Settled(Date d, UnitOutcome outcome, int64_t rows,
                                const std::string& error) {
  Write(nlohmann::json{{"e", "unit"},
                       {"date", FormatDate(d)},
                       {"outcome", UnitOutcomeName(outcome)},
                       {"rows", rows},
                       {"error", error}}
            .dump(-1, ' ', false, kReplace));
}

void EventStreamWriter::Line(LineKind kind, const std::string& text) {
  Write(nlohmann::json{
      {"e", "line"}, {"kind", kLineKindNames[static_cast<size_t>(kind)]}, {"text", text}}
            .dump(-1, ' ', false, kReplace));
}

void EventStreamWriter::Ended(const JobTally& tally) {
  Write(nlohmann::json{{"e", "end"}, {"tally", TallyJson(tally)}}.dump(-1, ' ', false, kReplace));
  std::lock_guard<std::mutex> lock(mu_);
  std::fflush(out_);
}

bool DispatchJobOutput(std::string_view line, JobEvents& sink) {
  if (StartsWith(line, kEventPrefix)) {
    bool ok = false;
    try {
      ok = Replay(nlohmann::json::parse(line.substr(kEventPrefix.size())), sink);
    } catch (const nlohmann::json::exception&) {
      ok = false;
    }
    if (!ok) sink.Line(LineKind::kNote, std::string(line));
    return ok;
  }
  const LineKind kind = StartsWith(line, "error:")     ? LineKind::kError
                        : StartsWith(line, "warning:") ? LineKind::kWarning
                                                       : LineKind::kNote;
  sink.Line(kind, std::string(line));
  return true;
}

}  // namespace phase4::backfill
