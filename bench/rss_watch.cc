// Peak memory of a process tree (doc/benchmarks.md, "Peak RSS").
//
//   phase4_rss_watch [-o FILE] [-i MS] -- COMMAND [ARGS...]
//
// Runs COMMAND and, every MS milliseconds (default 20), walks /proc for it
// and all its descendants (run-all forks one `phase4 backfill` child per
// job, #1 and #2 at the same time), reading each process's VmHWM (the
// kernel's own high-water mark of its RSS) and VmRSS. When COMMAND ends it
// writes to FILE (default stderr):
//
// clang-format off
//   rss_watch wall_s=<s> ru_maxrss_kib=<k> max_process_hwm_kib=<k> max_process_anon_kib=<k>
//             peak_tree_rss_kib=<k> peak_tree_anon_kib=<k> processes=<n>   (one line)
//   rss_process pid=<pid> hwm_kib=<k> anon_kib=<k> file_kib=<k> cmd=<command line>
//                                                         (one per process seen)
// clang-format on
//
// ru_maxrss_kib is what wait4() reports for COMMAND, i.e. what GNU time's %M
// prints: the largest peak RSS of COMMAND or of any descendant it waited
// for (Linux keeps the maximum, not the sum, over reaped children).
// max_process_hwm_kib is the same figure from sampling, and the rss_process
// lines give it per process. peak_tree_rss_kib is the largest sum of the
// RSS of all processes of the tree alive at one sample: the memory the tree
// holds at once. A process's growth in its last MS milliseconds can escape
// the sampling; ru_maxrss cannot miss it.
//
// RSS counts file pages mapped into the process as well as its private
// memory: SQLite's memory-mapped reads (PRAGMA mmap_size) put every page of
// a database file the process has read into its RSS, though they are page
// cache the kernel can drop. So the largest sampled RssAnon (private memory:
// heap, stacks) and RssFile + RssShmem (mapped files, SQLite's -shm) are
// reported apart, per process (anon_kib, file_kib) and for the tree
// (max_process_anon_kib: the largest private memory of one process;
// peak_tree_anon_kib: the largest sum over the tree at one sample).
//
// Exits with COMMAND's exit status.
#include <dirent.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Seen {
  long hwm_kib = 0, anon_kib = 0, file_kib = 0;
  std::string cmd;
};

struct Sample {
  long hwm = 0, rss = 0, anon = 0, file = 0;  // KiB
};

// Parent pid from /proc/PID/stat (the field after the parenthesised name).
bool ParentOf(pid_t pid, pid_t* ppid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return false;
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 2));
  char state;
  long parent;
  if (!(rest >> state >> parent)) return false;
  *ppid = static_cast<pid_t>(parent);
  return true;
}

// From /proc/PID/status; false when the process is gone or a zombie.
bool Memory(pid_t pid, Sample* m) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  long shmem = 0;
  int got = 0;
  auto read = [&](const char* key, long* v) {
    const size_t n = std::strlen(key);
    if (line.compare(0, n, key) == 0 && std::sscanf(line.c_str() + n, "%ld", v) == 1) ++got;
  };
  while (std::getline(f, line)) {
    read("VmHWM:", &m->hwm);
    read("VmRSS:", &m->rss);
    read("RssAnon:", &m->anon);
    read("RssFile:", &m->file);
    read("RssShmem:", &shmem);
  }
  m->file += shmem;
  return got == 5;
}

std::string CommandLine(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::replace(s.begin(), s.end(), '\0', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// `root` and its descendants, from one pass over /proc.
std::vector<pid_t> Tree(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      char* end;
      long pid = std::strtol(e->d_name, &end, 10);
      pid_t parent;
      if (*end == '\0' && pid > 0 && ParentOf(static_cast<pid_t>(pid), &parent))
        children.emplace(parent, static_cast<pid_t>(pid));
    }
    closedir(d);
  }
  std::vector<pid_t> out{root};
  for (size_t i = 0; i < out.size(); ++i) {
    auto [b, e] = children.equal_range(out[i]);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path;
  int interval_ms = 20;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "-o" && i + 1 < argc) {
      out_path = argv[++i];
    } else if (a == "-i" && i + 1 < argc) {
      interval_ms = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [-o FILE] [-i MS] -- COMMAND [ARGS...]\n", argv[0]);
      return 2;
    }
  }
  if (i >= argc) {
    std::fprintf(stderr, "usage: %s [-o FILE] [-i MS] -- COMMAND [ARGS...]\n", argv[0]);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  pid_t child = fork();
  if (child < 0) {
    std::perror("fork");
    return 2;
  }
  if (child == 0) {
    execvp(argv[i], argv + i);
    std::perror(argv[i]);
    _exit(127);
  }
  std::map<pid_t, Seen> seen;
  long peak_tree = 0, peak_tree_anon = 0;
  int status = 0;
  rusage ru{};
  for (;;) {
    pid_t r = wait4(child, &status, WNOHANG, &ru);
    if (r == child) break;
    if (r < 0) {
      std::perror("wait4");
      return 2;
    }
    long tree_rss = 0, tree_anon = 0;
    for (pid_t p : Tree(child)) {
      Sample m;
      if (!Memory(p, &m)) continue;
      tree_rss += m.rss;
      tree_anon += m.anon;
      Seen& s = seen[p];
      if (std::string c = CommandLine(p); !c.empty()) s.cmd = c;  // after exec
      s.hwm_kib = std::max(s.hwm_kib, m.hwm);
      s.anon_kib = std::max(s.anon_kib, m.anon);
      s.file_kib = std::max(s.file_kib, m.file);
    }
    peak_tree = std::max(peak_tree, tree_rss);
    peak_tree_anon = std::max(peak_tree_anon, tree_anon);
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long max_hwm = 0, max_anon = 0;
  for (const auto& [p, s] : seen) {
    max_hwm = std::max(max_hwm, s.hwm_kib);
    max_anon = std::max(max_anon, s.anon_kib);
  }

  FILE* out = stderr;
  if (!out_path.empty() && !(out = std::fopen(out_path.c_str(), "w"))) {
    std::perror(out_path.c_str());
    out = stderr;
  }
  std::fprintf(out,
               "rss_watch wall_s=%.3f ru_maxrss_kib=%ld max_process_hwm_kib=%ld "
               "max_process_anon_kib=%ld peak_tree_rss_kib=%ld peak_tree_anon_kib=%ld "
               "processes=%zu\n",
               wall, ru.ru_maxrss, max_hwm, max_anon, peak_tree, peak_tree_anon, seen.size());
  for (const auto& [p, s] : seen)
    std::fprintf(out, "rss_process pid=%d hwm_kib=%ld anon_kib=%ld file_kib=%ld cmd=%s\n",
                 static_cast<int>(p), s.hwm_kib, s.anon_kib, s.file_kib, s.cmd.c_str());
  if (out != stderr) std::fclose(out);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}
