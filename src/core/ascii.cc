#include "core/ascii.h"

#include <algorithm>

namespace billflow {

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool EndsWithNoCase(std::string_view text, std::string_view lower_suffix) {
  if (text.size() < lower_suffix.size()) return false;
  return std::equal(lower_suffix.begin(), lower_suffix.end(),
                    text.end() - static_cast<std::ptrdiff_t>(lower_suffix.size()),
                    [](char want, char got) { return AsciiLower(got) == want; });
}

}  // namespace billflow
