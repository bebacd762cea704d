// The folders of src/ include each other in one direction only
// (doc/architecture.md): a folder's headers never reach, through any chain
// of includes, back into that folder. Read from the source tree, so a new
// include that closes a cycle fails here, naming the cycle.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace phase4 {
namespace {

namespace fs = std::filesystem;

// folder -> folders its files include (itself left out).
std::map<std::string, std::set<std::string>> FolderIncludes() {
  const fs::path src = fs::path(PHASE4_SOURCE_DIR) / "src";
  const std::regex include(R"re(^\s*#\s*include\s+"([a-z0-9_]+)/)re");
  std::map<std::string, std::set<std::string>> out;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cc") continue;
    const std::string folder = fs::relative(entry.path(), src).begin()->string();
    out[folder];
    std::ifstream in(entry.path());
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
      if (std::regex_search(line, m, include) && m[1] != folder) out[folder].insert(m[1]);
  }
  return out;
}

TEST(LayeringTest, FoldersIncludeEachOtherInOneDirectionOnly) {
  const auto graph = FolderIncludes();
  ASSERT_GE(graph.size(), 10u) << "src/ not found under " << PHASE4_SOURCE_DIR;
  // Depth-first search; a folder met again on the current path closes a cycle.
  std::map<std::string, int> state;  // 0 unseen, 1 on the path, 2 done
  std::vector<std::string> path;
  std::vector<std::string> cycles;
  std::function<void(const std::string&)> visit = [&](const std::string& f) {
    state[f] = 1;
    path.push_back(f);
    auto it = graph.find(f);
    if (it != graph.end())
      for (const auto& next : it->second) {
        if (state[next] == 1) {
          std::string cycle;
          for (auto p = std::find(path.begin(), path.end(), next); p != path.end(); ++p)
            cycle += *p + " -> ";
          cycles.push_back(cycle + next);
        } else if (state[next] == 0) {
          visit(next);
        }
      }
    path.pop_back();
    state[f] = 2;
  };
  for (const auto& [f, deps] : graph)
    if (state[f] == 0) visit(f);
  EXPECT_TRUE(cycles.empty()) << "include cycle between folders: " << cycles.front();
}

TEST(LayeringTest, TheFoundationAndTheProcessorsReachNoLayerAboveThem) {
  const auto graph = FolderIncludes();
  // What each lower folder may include (doc/architecture.md, "Layers").
  const std::map<std::string, std::set<std::string>> allowed{
      {"common", {}},
      {"calendar", {}},
      {"warehouse", {"common", "calendar", "env"}},
      {"env", {"common", "calendar"}},
      {"processors", {"common", "calendar", "warehouse"}},
      {"execution", {"common", "calendar", "warehouse", "processors"}},
  };
  for (const auto& [folder, may] : allowed) {
    auto it = graph.find(folder);
    ASSERT_NE(it, graph.end()) << folder;
    for (const auto& dep : it->second)
      EXPECT_TRUE(may.count(dep)) << "src/" << folder << " includes src/" << dep;
  }
}

}  // namespace
}  // namespace phase4
