// The text of an errno value, for the messages of failed system calls.
#pragma once

#include <cstring>
#include <string>

namespace phase4 {

inline std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace phase4
