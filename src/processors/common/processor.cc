#include "processors/common/processor.h"

namespace phase4::processors {

const std::vector<Row>& ProcessorInputs::Upstream(std::string_view name) const {
  static const std::vector<Row> kEmpty;
  auto it = upstream.find(name);
  return it == upstream.end() ? kEmpty : it->second.rows();
}

}  // namespace phase4::processors
