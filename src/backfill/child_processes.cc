#include "backfill/child_processes.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/exit_codes.h"

namespace phase4::backfill {

Status JobStatusOfExit(int exit_code) {
  switch (exit_code) {
    case kExitOk:
      return Status::OK();
    case kExitDatesFailed:
      return Status::Incomplete("some units failed or are blocked");
    case kExitUsage:
      return Status::Usage("the job was asked wrongly");
    case kExitStorage:
      return Status::Storage("the warehouse's storage failed");
    case kExitLocked:
      return Status::Busy("another run holds the job's lock");
    case kExitInterrupted:
      return Status::Interrupted("the job was interrupted");
    default:
      return Status::FailedPrecondition(fmt::format("the job exited with status {}", exit_code));
  }
}

bool StartChild(const std::string& exe, std::vector<std::string> args, Child& c) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return false;
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  c.pid = pid;
  c.fd = fds[0];
  return true;
}

int PumpChildren(std::vector<Child>& children, const std::atomic<int>* signal_received,
                 RunConsole& console, const std::function<void()>& every_tick) {
  int signal_seen = 0;
  bool forwarded = false;
  while (true) {
    std::vector<pollfd> fds;
    for (auto& c : children)
      if (c.fd >= 0) fds.push_back({c.fd, POLLIN, 0});
    if (fds.empty()) break;
    if (signal_received && signal_received->load() && !forwarded) {
      signal_seen = signal_received->load();
      // Threads see the stop flag the same handler set.
      for (auto& c : children)
        if (c.pid > 0) kill(c.pid, SIGTERM);
      forwarded = true;
    }
    int n = poll(fds.data(), fds.size(), 100);
    console.Tick();
    if (every_tick) every_tick();
    if (n <= 0) continue;
    for (auto& c : children) {
      if (c.fd < 0) continue;
      auto it = std::find_if(fds.begin(), fds.end(), [&](const pollfd& p) { return p.fd == c.fd; });
      if (it == fds.end() || !it->revents) continue;
      char buf[8192];
      ssize_t got = read(c.fd, buf, sizeof buf);
      if (got <= 0) {
        if (!c.pending.empty()) DispatchJobOutput(c.pending, *c.sink);
        close(c.fd);
        c.fd = -1;
        if (c.pid > 0) {
          // Its output ended: it is exiting. A storage failure stops its
          // siblings too (a thread job's siblings see storage_failed).
          int status = 0;
          while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
          }
          c.reaped = true;
          c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
          if (c.exit_code == kExitStorage)
            for (auto& other : children)
              if (other.pid > 0 && !other.reaped) kill(other.pid, SIGTERM);
        }
        continue;
      }
      c.pending.append(buf, static_cast<size_t>(got));
      size_t pos;
      size_t from = 0;
      while ((pos = c.pending.find('\n', from)) != std::string::npos) {
        DispatchJobOutput(std::string_view(c.pending).substr(from, pos - from), *c.sink);
        from = pos + 1;
      }
      c.pending.erase(0, from);
    }
  }
  for (auto& c : children) {
    if (c.pid < 0) {
      if (c.thread.joinable()) c.thread.join();
      continue;
    }
    if (c.reaped) continue;
    int status = 0;
    while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
    }
    c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  if (!signal_seen && signal_received) signal_seen = signal_received->load();
  return signal_seen;
}

}  // namespace phase4::backfill
