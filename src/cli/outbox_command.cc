// outbox list|listen|ack: what consumers of completion messages use.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/cli_support.h"
#include "live/outbox.h"

namespace phase4::cli {

namespace {

// One message as a JSON line, as `outbox list` and `outbox listen` print it.
void PrintMessage(const live::OutboxMessage& m) {
  nlohmann::ordered_json j{{"id", fmt::format("{}:{}", m.dataset, m.message_id)},
                           {"topic", m.topic},
                           {"source_table", m.source_table},
                           {"data_date", m.data_date},
                           {"created_at", m.created_at},
                           {"acked_at", m.acked_at.empty() ? nlohmann::ordered_json()
                                                           : nlohmann::ordered_json(m.acked_at)},
                           {"payload", nlohmann::ordered_json::parse(m.payload, nullptr, false)}};
  // Stored payload text is printed even if it holds bytes that are not UTF-8.
  auto line = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  fmt::print("{}\n", line);
  std::fflush(stdout);  // a consumer reading a pipe sees each message at once
}

// Prints the unacknowledged messages, then each new one as it is committed:
// on PostgreSQL woken by NOTIFY, on SQLite by polling once a second. Stops
// after `count` messages (0: never) or `timeout_s` seconds (0: never).
int Listen(Warehouse& wh, int64_t count, double timeout_s) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(timeout_s));
  // Listening starts before the first read, so no commit falls in between.
  if (auto started = wh.WaitForOutboxNotice(0); !started.ok()) {
    ReportError(started.status().message());
    return 1;
  }
  std::set<std::string> printed;
  int64_t n = 0;
  while (true) {
    auto msgs = live::ListOutbox(wh, /*all=*/false);
    if (!msgs.ok()) {
      ReportError(msgs.status().message());
      return 1;
    }
    for (const auto& m : *msgs) {
      if (!printed.insert(fmt::format("{}:{}", m.dataset, m.message_id)).second) continue;
      PrintMessage(m);
      if (count > 0 && ++n >= count) return 0;
    }
    int wait_ms = 1000;
    if (timeout_s > 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return 0;
      wait_ms = static_cast<int>(std::min<int64_t>(left, wait_ms));
    }
    if (auto woke = wh.WaitForOutboxNotice(wait_ms); !woke.ok()) {
      ReportError(woke.status().message());
      return 1;
    }
  }
}

}  // namespace

void AddOutboxCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "outbox", "Completion messages of live runs (topic nba-phase4-precompute-complete)");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n"
      "  phase4 outbox list\n"
      "  phase4 outbox listen --count 1 --timeout 60\n"
      "  phase4 outbox ack nba_precompute:12\n"
      "Exit status: 0 done, 64 usage error, 1 any error.");
  auto* list = cmd->add_subcommand("list", "Print messages as JSON lines, oldest first");
  auto all = std::make_shared<bool>(false);
  list->add_flag("--all", *all, "Include acknowledged messages");
  list->callback([&g, action, all] {
    *action = [&g, all] {
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return 1;
      auto msgs = live::ListOutbox(*wh, *all);
      if (!msgs.ok()) {
        ReportError(msgs.status().message());
        return 1;
      }
      for (const auto& m : *msgs) PrintMessage(m);
      return 0;
    };
  });
  auto* listen = cmd->add_subcommand(
      "listen",
      "Print unacknowledged messages, then each new one as it is committed (PostgreSQL: LISTEN)");
  auto count = std::make_shared<int64_t>(0);
  auto timeout = std::make_shared<double>(0);
  listen->add_option("--count", *count, "Stop after this many messages (default: never)");
  listen->add_option("--timeout", *timeout, "Stop after this many seconds (default: never)");
  listen->callback([&g, action, count, timeout] {
    *action = [&g, count, timeout] {
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return 1;
      return Listen(*wh, *count, *timeout);
    };
  });
  auto* ack = cmd->add_subcommand("ack", "Acknowledge messages by id (<dataset>:<id>)");
  auto ids = std::make_shared<std::vector<std::string>>();
  ack->add_option("ID", *ids, "Message ids as printed by `outbox list`")->required();
  ack->callback([&g, action, ids] {
    *action = [&g, ids] {
      auto wh = OpenWarehouseOrReport(g, /*create=*/false);
      if (!wh) return 1;
      for (const auto& id : *ids) {
        if (Status s = live::AckOutbox(*wh, id); !s.ok()) {
          ReportError(s.message());
          return 1;
        }
      }
      fmt::print("{} message(s) acknowledged\n", ids->size());
      return 0;
    };
  });
}

}  // namespace phase4::cli
