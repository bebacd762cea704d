#include "live/run_history.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <random>

namespace phase4::live {

namespace {

std::string HostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace

std::string RunHistory::NewId(std::string_view processor) {
  // One generator per thread: the jobs of a pipelined run-all record runs
  // from several threads, and a shared generator raced into repeated ids.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string ts = NowTimestampUtc();  // YYYY-MM-DDTHH:MM:SS.ffffffZ
  std::string compact = ts.substr(0, 4) + ts.substr(5, 2) + ts.substr(8, 2) + "_" +
                        ts.substr(11, 2) + ts.substr(14, 2) + ts.substr(17, 2);
  return fmt::format("{}_{}_{:08x}", processor, compact, static_cast<uint32_t>(rng()));
}

namespace {

double SecondsBetween(const std::string& from_iso, const std::string& to_iso) {
  // Both are NowTimestampUtc() strings of this process; compare via parse.
  auto parse = [](const std::string& s) {
    auto d = ParseDate(s.substr(0, 10)).value_or(Date{});
    int h = std::stoi(s.substr(11, 2)), m = std::stoi(s.substr(14, 2));
    double sec = std::stod(s.substr(17, 9));
    return static_cast<double>(d.time_since_epoch().count()) * 86400.0 + h * 3600.0 + m * 60.0 +
           sec;
  };
  return parse(to_iso) - parse(from_iso);
}

}  // namespace

Row RunHistory::MakeRow(const std::string& run_id, std::string_view kind, const RunInfo& info,
                        const std::string& started_at, const RunOutcome* outcome, double duration) {
  RowBuilder b(ProcessorRunHistorySchema());
  b.Set("run_id", run_id)
      .Set("row_kind", std::string(kind))
      .Set("processor_name", info.processor_name)
      .Set("phase", info.phase)
      .Set("data_date", info.data_date ? Value(FormatDate(*info.data_date)) : Value())
      .Set("status", outcome ? outcome->status : std::string("running"))
      .Set("mode", info.mode)
      .Set("started_at", started_at)
      .Set("options", info.options_json)
      .Set("process_id", static_cast<int64_t>(getpid()))
      .Set("host", HostName());
  if (outcome) {
    b.Set("finished_at", NowTimestampUtc())
        .Set("duration_seconds", duration)
        .Set("records_processed", outcome->records_processed)
        .Set("error_message",
             outcome->error_message.empty() ? Value() : Value(outcome->error_message));
  }
  return b.Build();
}

Result<std::string> RunHistory::Start(const RunInfo& info) {
  std::string id = NewId(info.processor_name);
  std::string started = info.started_at.empty() ? NowTimestampUtc() : info.started_at;
  Status s = wh_.InsertRows(ProcessorRunHistorySchema(),
                            {MakeRow(id, "start", info, started, nullptr, 0)});
  if (!s.ok()) return s.WithContext("recording run start");
  started_.emplace_back(id, started);
  return id;
}

Status RunHistory::Finish(const std::string& run_id, const RunInfo& info,
                          const RunOutcome& outcome) {
  std::string started = NowTimestampUtc();
  for (auto it = started_.begin(); it != started_.end(); ++it)
    if (it->first == run_id) {
      started = it->second;
      started_.erase(it);  // a run finishes once; keep the list short
      break;
    }
  double duration = SecondsBetween(started, NowTimestampUtc());
  Status s = wh_.InsertRows(ProcessorRunHistorySchema(),
                            {MakeRow(run_id, "final", info, started, &outcome, duration)});
  return s.WithContext("recording run end");
}

Status RunHistory::RecordFinished(const std::vector<RunInfo>& runs, const RunOutcome& outcome) {
  std::vector<Row> rows;
  rows.reserve(runs.size() * 2);
  const std::string started = NowTimestampUtc();
  for (RunInfo info : runs) {
    info.started_at = started;
    for (Row& row : FinishedRows(NewId(info.processor_name), info, outcome))
      rows.push_back(std::move(row));
  }
  Status s = wh_.InsertRows(ProcessorRunHistorySchema(), rows);
  return s.WithContext("recording runs");
}

std::vector<Row> RunHistory::FinishedRows(const std::string& run_id, const RunInfo& info,
                                          const RunOutcome& outcome) {
  const std::string started = info.started_at.empty() ? NowTimestampUtc() : info.started_at;
  const double duration = SecondsBetween(started, NowTimestampUtc());
  std::vector<Row> rows;
  rows.push_back(MakeRow(run_id, "start", info, started, nullptr, 0));
  rows.push_back(MakeRow(run_id, "final", info, started, &outcome, duration));
  return rows;
}

Result<std::optional<std::string>> RunHistory::LatestStatus(std::string_view processor, Date date) {
  return wh_.LatestRunStatus(processor, date);
}

}  // namespace phase4::live
