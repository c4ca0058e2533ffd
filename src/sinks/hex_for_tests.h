#ifndef BILLFLOW_SINKS_HEX_FOR_TESTS_H_
#define BILLFLOW_SINKS_HEX_FOR_TESTS_H_

#include <string>
#include <string_view>

namespace billflow::testing {

// Bytes as lower-case hex digits, for comparing binary encodings in tests.
inline std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// Hex digits written in groups for the reader: "0001 ffff" is "0001ffff".
inline std::string Grouped(std::string_view groups) {
  std::string out(groups);
  std::erase(out, ' ');
  return out;
}

}  // namespace billflow::testing

#endif  // BILLFLOW_SINKS_HEX_FOR_TESTS_H_
