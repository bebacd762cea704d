#include "processors/registry.h"

#include <algorithm>
#include <string>

#include "processors/ml_feature_store/ml_feature_store.h"
#include "processors/player_composite_factors/player_composite_factors.h"
#include "processors/player_daily_cache/player_daily_cache.h"
#include "processors/player_shot_zone_analysis/player_shot_zone_analysis.h"
#include "processors/team_defense_zone_analysis/team_defense_zone_analysis.h"

namespace phase4::processors {

const std::vector<const ProcessorInfo*>& AllProcessors() {
  static const std::vector<const ProcessorInfo*> all = [] {
    std::vector<const ProcessorInfo*> v{
        &TeamDefenseZoneAnalysisInfo(), &PlayerShotZoneAnalysisInfo(),
        &PlayerCompositeFactorsInfo(),  &PlayerDailyCacheInfo(),
        &MlFeatureStoreInfo(),
    };
    std::stable_sort(v.begin(), v.end(), [](const ProcessorInfo* a, const ProcessorInfo* b) {
      return a->order < b->order;
    });
    return v;
  }();
  return all;
}

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
