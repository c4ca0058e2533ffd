// Fuzz target: Decimal::Parse with limits taken from the first byte (low 5 bits: max_scale
// 0..18; high 3 bits: max_integer_digits from {0,1,2,5,15,18,19,20} - at most 38 digits, which
// 128 bits always hold; the row validator uses 4 and 15), then
//  - agreement with a straightforward restatement of the grammar,
//  - round trip: ToString() of a parsed value parses back to the same units and scale,
//  - ToGroupedString() is ToString() with commas, Rescale/Add/Multiply never misbehave.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/decimal.h"
#include "fuzz_check.h"

namespace {

using billflow::Decimal;
using billflow::DecimalParseError;

// The grammar again, written for clarity rather than speed: is `text` accepted?
bool Accepts(std::string_view text, int max_scale, int max_integer_digits) {
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  const std::size_t point = text.find('.');
  std::string_view integer = text.substr(0, point);
  std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  auto all_digits = [](std::string_view s) {
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (!all_digits(integer) || !all_digits(fraction)) return false;
  if (integer.empty() && fraction.empty()) return false;
  while (!integer.empty() && integer.front() == '0') integer.remove_prefix(1);
  return static_cast<int>(fraction.size()) <= max_scale &&
         static_cast<int>(integer.size()) <= max_integer_digits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr int kIntegerDigits[8] = {0, 1, 2, 5, 15, 18, 19, 20};
  const int max_scale = (data[0] & 31) % 19;
  const int max_integer_digits = kIntegerDigits[data[0] >> 5];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  Decimal value(12345, 2);
  const DecimalParseError error = Decimal::Parse(text, max_scale, max_integer_digits, &value);
  FUZZ_CHECK((error == DecimalParseError::kNone) == Accepts(text, max_scale, max_integer_digits));
  if (error != DecimalParseError::kNone) {
    FUZZ_CHECK(value.units() == 12345 && value.scale() == 2);  // *out untouched on failure
    return 0;
  }
  FUZZ_CHECK(value.scale() >= 0 && value.scale() <= max_scale);

  const std::string canonical = value.ToString();
  Decimal again;
  FUZZ_CHECK(Decimal::Parse(canonical, Decimal::kMaxScale, 39, &again) == DecimalParseError::kNone);
  FUZZ_CHECK(again.units() == value.units() && again.scale() == value.scale());
  FUZZ_CHECK(again == value);
  FUZZ_CHECK(!(again < value) && !(value < again));

  std::string ungrouped;
  for (char c : value.ToGroupedString()) {
    if (c != ',') ungrouped.push_back(c);
  }
  FUZZ_CHECK(ungrouped == canonical);

  for (int scale : {0, 2, 4, 10, 18}) {
    for (auto mode : {billflow::RoundingMode::kHalfEven, billflow::RoundingMode::kHalfUp}) {
      auto rescaled = value.Rescale(scale, mode);
      if (scale >= value.scale()) {
        // Exact, unless units x 10^(scale - value.scale()) leaves 128 bits.
        __int128 limit = (~static_cast<unsigned __int128>(0)) >> 1;
        for (int i = value.scale(); i < scale; ++i) limit /= 10;
        const __int128 magnitude = value.units() < 0 ? -value.units() : value.units();
        FUZZ_CHECK(rescaled.has_value() == (magnitude <= limit));
        if (rescaled) FUZZ_CHECK(rescaled->scale() == scale && *rescaled == value);
      } else if (rescaled) {
        FUZZ_CHECK(rescaled->scale() == scale);
        (void)rescaled->ToString();
      }
    }
  }
  if (auto sum = value.Add(value)) {
    FUZZ_CHECK(sum->scale() == value.scale());
    FUZZ_CHECK(sum->units() == value.units() * 2);
  }
  if (auto product = value.Multiply(Decimal(79, 2))) (void)product->ToString();
  return 0;
}
