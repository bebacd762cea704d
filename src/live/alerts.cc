#include "live/alerts.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace phase4::live {

std::string AlertPayload(const Alert& a) {
  nlohmann::ordered_json j;
  j["text"] =
      (a.level == "error" ? ":rotating_light: " : ":warning: ") + a.title + "\n" + a.message;
  j["level"] = a.level;
  j["title"] = a.title;
  j["message"] = a.message;
  j["processor"] = a.processor_name;
  j["details"] = nlohmann::ordered_json::parse(a.details_json, nullptr, false);
  if (j["details"].is_discarded()) j["details"] = a.details_json;
  // Messages quote processor errors and stored text: bytes that are not
  // UTF-8 are replaced, never thrown on.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {
size_t DiscardBody(char*, size_t size, size_t n, void*) { return size * n; }
}  // namespace

bool SendAlert(const Alert& a, const std::string& url, long timeout_ms) {
  if (a.level == "error")
    spdlog::error("ALERT {}: {}", a.title, a.message);
  else
    spdlog::warn("ALERT {}: {}", a.title, a.message);
  if (url.empty()) return false;
  static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!curl_ready) return false;
  CURL* curl = curl_easy_init();
  if (!curl) return false;
  std::string body = AlertPayload(a);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, DiscardBody);
  CURLcode rc = curl_easy_perform(curl);
  long http = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK || http < 200 || http >= 300) {
    spdlog::warn(
        "alert webhook failed ({}); the run goes on",
        rc != CURLE_OK ? curl_easy_strerror(rc) : ("HTTP " + std::to_string(http)).c_str());
    return false;
  }
  return true;
}

bool SendConfiguredAlert(const Alert& a) {
  const char* url = std::getenv("PHASE4_SLACK_WEBHOOK_URL");
  return SendAlert(a, url ? url : "");
}

}  // namespace phase4::live
