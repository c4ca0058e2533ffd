#include "sinks/column_values.h"

#include <charconv>

namespace billflow {

std::uint64_t ServerCount(std::string_view text) {
  std::uint64_t value = 0;
  const std::from_chars_result read =
      std::from_chars(text.data(), text.data() + text.size(), value);
  return read.ec == std::errc() ? value : 0;
}

}  // namespace billflow
