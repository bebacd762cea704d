#include "test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tableio/csv.h"

namespace phase4::testing {

namespace fs = std::filesystem;

TempDir::TempDir() : owner_(getpid()) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("phase4_test_" + std::to_string(getpid()) + "_" +
                                       std::to_string(counter++) + "_" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  if (getpid() != owner_) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CommandResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         const std::string& stdin_text, const std::vector<std::string>& env) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      close(fd);
    for (const auto& e : env) putenv(strdup(e.c_str()));
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Feed stdin and drain both outputs together so no pipe fills up.
  size_t written = 0;
  if (stdin_text.empty()) close(in_pipe[1]);
  CommandResult r;
  bool out_open = true, err_open = true, in_open = !stdin_text.empty();
  char buf[65536];
  while (out_open || err_open || in_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out_pipe[0], POLLIN, 0});
    if (err_open) fds.push_back({err_pipe[0], POLLIN, 0});
    if (in_open) fds.push_back({in_pipe[1], POLLOUT, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) break;
    for (const auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in_pipe[1]) {
        ssize_t n = write(in_pipe[1], stdin_text.data() + written, stdin_text.size() - written);
        if (n > 0) written += static_cast<size_t>(n);
        if (n <= 0 || written == stdin_text.size()) {
          close(in_pipe[1]);
          in_open = false;
        }
        continue;
      }
      ssize_t n = read(p.fd, buf, sizeof buf);
      if (n <= 0) {
        close(p.fd);
        (p.fd == out_pipe[0] ? out_open : err_open) = false;
      } else {
        (p.fd == out_pipe[0] ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = DecodeWaitStatus(status);
  return r;
}

CommandResult RunPhase4(const std::vector<std::string>& args, const std::string& stdin_text,
                        const std::vector<std::string>& env) {
  return RunProgram(PHASE4_BINARY, args, stdin_text, env);
}

namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

int DecodeWaitStatus(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

pid_t SpawnPhase4(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> all{PHASE4_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log_path = log.string();
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int in = open("/dev/null", O_RDONLY);
    int out = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (pid > 0) setpgid(pid, pid);  // set on both sides: true before either goes on
  return pid;
}

char ProcessState(pid_t pid, pid_t* pgrp) {
  std::string stat = testing::ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  char state = 0;
  int ppid = 0, group = 0;
  if (std::sscanf(stat.c_str() + paren + 1, " %c %d %d", &state, &ppid, &group) != 3) return 0;
  if (pgrp) *pgrp = group;
  return state;
}

bool IsRunning(pid_t pid) {
  char s = ProcessState(pid);
  return s != 0 && s != 'Z' && s != 'X';
}

namespace {
// Whether a process of group `pgid` still runs.
bool GroupRuns(pid_t pgid) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t group = 0;
    char s = ProcessState(std::stoi(name), &group);
    if (group == pgid && s != 0 && s != 'Z' && s != 'X') return true;
  }
  return false;
}

}  // namespace

void KillGroup(pid_t leader) {
  kill(-leader, SIGKILL);
  int status = 0;
  while (waitpid(leader, &status, 0) < 0 && errno == EINTR) {
  }
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (GroupRuns(leader)) {
    if (Clock::now() > deadline) {
      ADD_FAILURE() << "processes of group " << leader << " survive SIGKILL";
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::optional<int> ExitedStatus(pid_t pid) {
  int status = 0;
  pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == pid) return DecodeWaitStatus(status);
  return std::nullopt;
}

std::optional<int> WaitWithTimeout(pid_t pid, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (auto s = ExitedStatus(pid)) return s;
    if (Clock::now() > deadline) {
      KillGroup(pid);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

const fs::path& GeneratedLeague() {
  static TempDir dir;
  static const fs::path path = [] {
    fs::path p = dir.path() / "league";
    auto r = RunPhase4({"--warehouse", p.string(), "generate", "--seasons", "2023-2023"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return p;
  }();
  return path;
}

std::optional<fs::path> SharedDataDir() {
  fs::path p = fs::path(PHASE4_SOURCE_DIR) / ".." / "shared" / "data";
  if (fs::exists(p / "schedule")) return fs::canonical(p);
  return std::nullopt;
}

std::string Drain(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fseek(f, 0, SEEK_END);
  return text;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string RunLogText(const std::string& out) {
  const size_t at = out.rfind("Log: ");
  if (at == std::string::npos) return {};
  const size_t end = out.find('\n', at);
  return ReadFile(out.substr(at + 5, end == std::string::npos ? std::string::npos : end - at - 5));
}

void WriteFile(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

void ExecSql(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK) << db_file;
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

std::string QuerySql(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_open(db_file.c_str(), &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  } else if (!st) {
    ADD_FAILURE() << "SQL error in " << sql << ": " << sqlite3_errmsg(db);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

std::string StripTimestamps(const std::string& csv, bool upstream_times) {
  tableio::CsvReader reader("export", csv);
  tableio::CsvRecord rec;
  std::vector<bool> keep;
  std::string result;
  while (reader.Next(&rec).ok() && !reader.done()) {
    if (keep.empty()) {
      for (const auto& f : rec.fields)
        keep.push_back(f.text != "processed_at" && f.text != "created_at" &&
                       f.text != "updated_at" &&
                       !(upstream_times && f.text.starts_with("source_") &&
                         f.text.ends_with("_last_updated")));
    }
    for (size_t i = 0; i < rec.fields.size() && i < keep.size(); ++i) {
      if (!keep[i]) continue;
      const tableio::CsvField& f = rec.fields[i];
      tableio::AppendCsvField(&result, f.text, !f.quoted && f.text.empty());
      result += ',';
    }
    result += '\n';
  }
  return result;
}

Row ScheduleRow(const std::string& game_id, const std::string& game_date) {
  RowBuilder b(ScheduleSchema());
  b.Set("game_id", game_id)
      .Set("season_year", int64_t{2023})
      .Set("game_date", game_date)
      .Set("game_type", std::string("regular_season"))
      .Set("game_status", int64_t{3})
      .Set("is_regular_season", int64_t{1})
      .Set("is_playoffs", int64_t{0})
      .Set("is_all_star", int64_t{0})
      .Set("data_source", std::string("test"));
  return b.Build();
}

}  // namespace phase4::testing
