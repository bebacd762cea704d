// A one-thread HTTP server on 127.0.0.1 for tests: records each request's
// body and answers with a fixed status. Bounded: it stops when destroyed.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace phase4::testing {

class LocalHttpServer {
 public:
  // `status` is the HTTP status every request gets; `delay_ms` delays the
  // answer (to test client timeouts).
  explicit LocalHttpServer(int status = 200, int delay_ms = 0);
  ~LocalHttpServer();
  std::string url() const;
  std::vector<std::string> bodies() const;
  std::vector<std::string> request_lines() const;

 private:
  void Serve();
  int listen_fd_ = -1;
  int port_ = 0;
  int status_;
  int delay_ms_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<std::string> bodies_, request_lines_;
  std::thread thread_;
};

}  // namespace phase4::testing
