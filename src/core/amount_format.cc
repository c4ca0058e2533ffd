#include "core/amount_format.h"

#include "core/ascii.h"

namespace billflow {
AmountFormatError RewriteAmount(std::string_view text, const AmountStyle& style, char* out,
                                std::size_t capacity, std::size_t* size) noexcept {
  text = TrimAscii(text);
  const std::string_view thousands = style.thousands_separator;
  std::size_t n = 0;
  const auto put = [&](char c) {
    if (n == capacity) return false;
    out[n++] = c;
    return true;
  };
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    if (!put(text[i])) return AmountFormatError::kTooLong;
    ++i;
  }
  // Integer part: digits in groups when a thousands separator shows up.
  int group_digits = 0;
  int groups = 1;
  bool in_fraction = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (IsAsciiDigit(c)) {
      ++group_digits;
      if (!put(c)) return AmountFormatError::kTooLong;
      continue;
    }
    if (!in_fraction && !thousands.empty() && text.substr(i).starts_with(thousands)) {
      const bool first_ok = groups > 1 || (group_digits >= 1 && group_digits <= 3);
      if (!first_ok || (groups > 1 && group_digits != 3)) {
        return AmountFormatError::kMisplacedThousands;
      }
      ++groups;
      group_digits = 0;
      i += thousands.size() - 1;
      continue;
    }
    if (!in_fraction && c == style.decimal_separator) {
      if (groups > 1 && group_digits != 3) return AmountFormatError::kMisplacedThousands;
      in_fraction = true;
      groups = 1;
      if (!put('.')) return AmountFormatError::kTooLong;
      continue;
    }
    // Not part of a number in this style: a byte Decimal::Parse refuses.
    if (!put(c == '.' || c == ',' ? '?' : c)) return AmountFormatError::kTooLong;
  }
  if (!in_fraction && groups > 1 && group_digits != 3) {
    return AmountFormatError::kMisplacedThousands;
  }
  *size = n;
  return AmountFormatError::kNone;
}

}  // namespace billflow
