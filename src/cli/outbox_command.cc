// outbox list|ack: what consumers of completion messages use.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "live/outbox.h"

namespace phase4::cli {

void AddOutboxCommand(CLI::App& app, GlobalOptions& g, Action* action) {
  auto* cmd = app.add_subcommand(
      "outbox", "Completion messages of live runs (topic nba-phase4-precompute-complete)");
  cmd->require_subcommand(1);
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
      for (const auto& m : *msgs) {
        nlohmann::ordered_json j{
            {"id", fmt::format("{}:{}", m.dataset, m.message_id)},
            {"topic", m.topic},
            {"source_table", m.source_table},
            {"data_date", m.data_date},
            {"created_at", m.created_at},
            {"acked_at",
             m.acked_at.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(m.acked_at)},
            {"payload", nlohmann::ordered_json::parse(m.payload, nullptr, false)}};
        // Stored payload text is printed even if it holds bytes that are not UTF-8.
        auto line = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        fmt::print("{}\n", line);
      }
      return 0;
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
