#ifndef BILLFLOW_CORE_PLURAL_H_
#define BILLFLOW_CORE_PLURAL_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace billflow {

// A count with its noun, as messages print it: Plural(1, "row", "rows") is "1 row",
// Plural(3, "row", "rows") is "3 rows".
inline std::string Plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace billflow

#endif  // BILLFLOW_CORE_PLURAL_H_
