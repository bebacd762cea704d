#include "processors/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "processors/ml_feature_store/ml_feature_store.h"
#include "processors/player_composite_factors/player_composite_factors.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

namespace phase4::processors {

namespace {

// The processors of this repository, one line each. They are listed here
// rather than registered from their own files: the linker keeps only the
// objects of libphase4lib.a that something references, and this list is
// that reference.
constexpr ProcessorInfoFn kBuiltIn[] = {
    &TeamDefenseZoneAnalysisInfo,  // #1
    &PlayerShotZoneAnalysisInfo,   // #2
    &PlayerCompositeFactorsInfo,   // #3
    &PlayerDailyCacheInfo,         // #4
    &MlFeatureStoreInfo,           // #5
};

[[noreturn]] void Refuse(const ProcessorInfo& info, const std::string& why) {
  std::fprintf(stderr, "processor registry: cannot register %s: %s\n", info.name.c_str(),
               why.c_str());
  std::abort();
}

class Registry {
 public:
  static Registry& Get() {
    static Registry r;
    return r;
  }

  void Register(ProcessorInfoFn fn) {
    std::lock_guard lock(mu_);
    pending_.push_back(fn);
    has_pending_.store(true, std::memory_order_release);
  }

  // The processors and their tables, with every registration so far. Read
  // from every job's threads: without a lock once nothing is pending.
  const std::vector<const ProcessorInfo*>& Processors() {
    Settle();
    return processors_;
  }
  const std::vector<const TableSchema*>& Tables() {
    Settle();
    return tables_;
  }

 private:
  Registry() {
    pending_.assign(std::begin(kBuiltIn), std::end(kBuiltIn));
    has_pending_.store(true);
  }

  void Settle() {
    if (!has_pending_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(mu_);
    if (pending_.empty()) return;
    std::vector<const ProcessorInfo*> added;
    for (ProcessorInfoFn fn : pending_) added.push_back(&fn());
    pending_.clear();
    // In execution order, so that a processor may name an upstream
    // registered after it but declared earlier.
    std::stable_sort(
        added.begin(), added.end(),
        [](const ProcessorInfo* a, const ProcessorInfo* b) { return a->order < b->order; });
    for (const ProcessorInfo* p : added) Add(*p);
    has_pending_.store(false, std::memory_order_release);
  }

  void Add(const ProcessorInfo& info) {
    if (info.output == nullptr) Refuse(info, "it declares no output table");
    for (const ProcessorInfo* p : processors_) {
      if (p == &info) return;  // registered twice: once is enough
      if (p->name == info.name) Refuse(info, "the name is taken");
      if (p->order == info.order) Refuse(info, fmt::format("#{} is {}", p->order, p->name));
    }
    for (const std::string& up : info.phase4_upstreams) {
      auto found = std::find_if(processors_.begin(), processors_.end(),
                                [&](const ProcessorInfo* p) { return p->name == up; });
      if (found == processors_.end() || (*found)->order >= info.order)
        Refuse(info, fmt::format("its upstream {} is not registered with a lower order", up));
    }
    auto at = std::upper_bound(processors_.begin(), processors_.end(), info.order,
                               [](int order, const ProcessorInfo* p) { return order < p->order; });
    tables_.insert(tables_.begin() + (at - processors_.begin()), info.output);
    processors_.insert(at, &info);
  }

  std::mutex mu_;
  std::atomic<bool> has_pending_{false};
  std::vector<ProcessorInfoFn> pending_;
  std::vector<const ProcessorInfo*> processors_;  // execution order
  std::vector<const TableSchema*> tables_;        // their output tables, same order
};

}  // namespace

void RegisterProcessor(ProcessorInfoFn info) { Registry::Get().Register(info); }

const std::vector<const ProcessorInfo*>& AllProcessors() { return Registry::Get().Processors(); }

const ProcessorInfo* FindProcessor(std::string_view name) {
  for (const ProcessorInfo* p : AllProcessors()) {
    if (p->name == name || p->output->FullName() == name) return p;
  }
  return nullptr;
}

std::string ProcessorNames() {
  std::string out;
  for (const ProcessorInfo* p : AllProcessors()) {
    if (!out.empty()) out += ", ";
    out += p->name;
  }
  return out;
}

}  // namespace phase4::processors

namespace phase4 {

// Declared by the warehouse (warehouse/schema.h), which knows no processor.
const std::vector<const TableSchema*>& Phase4Tables() {
  return processors::Registry::Get().Tables();
}

}  // namespace phase4
