#include "processors/compute_rows.h"

#include <stdexcept>

#include "common/exact.h"

namespace phase4::processors {

Result<std::vector<Row>> ComputeRows(const ProcessorInfo& info, Date d,
                                     const ProcessorInputs& inputs) {
  try {
    return info.compute(d, inputs);
  } catch (const ExactRangeError& e) {
    // An input value beyond exact arithmetic's range (decision 35): the
    // date fails with the reason; other dates go on.
    return Status::InvalidInput(e.what());
  } catch (const std::domain_error& e) {
    return Status::InvalidInput(e.what());
  }
}

}  // namespace phase4::processors
