#include "live/local_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace phase4::testing {

LocalHttpServer::LocalHttpServer(int status, int delay_ms) : status_(status), delay_ms_(delay_ms) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  listen(listen_fd_, 8);
  thread_ = std::thread([this] { Serve(); });
}

LocalHttpServer::~LocalHttpServer() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::string LocalHttpServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
}

std::vector<std::string> LocalHttpServer::bodies() const {
  std::lock_guard<std::mutex> l(mu_);
  return bodies_;
}

std::vector<std::string> LocalHttpServer::request_lines() const {
  std::lock_guard<std::mutex> l(mu_);
  return request_lines_;
}

void LocalHttpServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    std::string req;
    char buf[4096];
    size_t body_start = std::string::npos, content_length = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd q{fd, POLLIN, 0};
      if (poll(&q, 1, 50) <= 0) continue;
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
      if (body_start == std::string::npos) {
        size_t h = req.find("\r\n\r\n");
        if (h == std::string::npos) continue;
        body_start = h + 4;
        size_t cl = req.find("Content-Length:");
        if (cl == std::string::npos) cl = req.find("content-length:");
        if (cl != std::string::npos) content_length = std::stoul(req.substr(cl + 15));
      }
      if (req.size() >= body_start + content_length) break;
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      request_lines_.push_back(req.substr(0, req.find("\r\n")));
      bodies_.push_back(body_start == std::string::npos ? "" : req.substr(body_start));
    }
    if (delay_ms_) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    std::string resp = "HTTP/1.1 " + std::to_string(status_) +
                       " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)!write(fd, resp.data(), resp.size());
    close(fd);
  }
}

}  // namespace phase4::testing
