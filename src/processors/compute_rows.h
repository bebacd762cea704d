// Calling a processor's maths for one date: the one place that turns an
// arithmetic failure into the date's error instead of an exception.
#pragma once

#include <vector>

#include "calendar/date.h"
#include "common/status.h"
#include "processors/common/processor.h"
#include "warehouse/value.h"

namespace phase4::processors {

// Calls info.compute, turning an arithmetic range error (an absurd input
// value, decision 35) into the date's error.
Result<std::vector<Row>> ComputeRows(const ProcessorInfo& info, Date d,
                                     const ProcessorInputs& inputs);

}  // namespace phase4::processors
