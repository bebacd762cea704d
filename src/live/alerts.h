// Alerts (decision 23): live-mode failures and blocks are always logged and,
// when $PHASE4_SLACK_WEBHOOK_URL is set, POSTed there as JSON. Sending never
// fails the run: a webhook error is logged as a warning.
#pragma once

#include <string>
#include <vector>

namespace phase4::live {

struct Alert {
  std::string level;  // error, warning
  std::string title;  // e.g. "Precompute BLOCKED: Data Gaps - team_defense_zone_analysis"
  std::string message;
  std::string processor_name;
  std::string details_json = "{}";  // an object with the alert's particulars
};

// The JSON document POSTed for an alert: {"text": "...", "level", "title",
// "message", "processor", "details"}. `text` is what chat apps display.
std::string AlertPayload(const Alert& alert);

// Logs the alert; POSTs it to `webhook_url` when non-empty (timeout
// `timeout_ms`). Returns true when the webhook accepted it (2xx).
bool SendAlert(const Alert& alert, const std::string& webhook_url, long timeout_ms = 5000);

// SendAlert to $PHASE4_SLACK_WEBHOOK_URL (log only when unset).
bool SendConfiguredAlert(const Alert& alert);

}  // namespace phase4::live
