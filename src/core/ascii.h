#ifndef BILLFLOW_CORE_ASCII_H_
#define BILLFLOW_CORE_ASCII_H_

#include <string>
#include <string_view>

namespace billflow {

// ASCII case folding, independent of the C locale: bytes outside A-Z (UTF-8 included) are
// left as they are.
constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string AsciiLower(std::string_view text);

constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// `text` without its leading and trailing bytes that are in `chars` (by default the blanks a
// field may be padded with: space and tab).
constexpr std::string_view TrimAscii(std::string_view text, std::string_view chars = " \t") {
  const std::size_t begin = text.find_first_not_of(chars);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(chars) - begin + 1);
}

// Whether `text` ends with `lower_suffix` ignoring ASCII case; `lower_suffix` is lower-case.
bool EndsWithNoCase(std::string_view text, std::string_view lower_suffix);

}  // namespace billflow

#endif  // BILLFLOW_CORE_ASCII_H_
