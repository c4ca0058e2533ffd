#ifndef BILLFLOW_CORE_AMOUNT_FORMAT_H_
#define BILLFLOW_CORE_AMOUNT_FORMAT_H_

#include <cstddef>
#include <string_view>

namespace billflow {

// How a file writes numbers: `1.234,56` is decimal ',' with thousands ".".
struct AmountStyle {
  char decimal_separator = '.';
  std::string_view thousands_separator;  // UTF-8 bytes; empty = none. Must outlive the style.
};

enum class AmountFormatError {
  kNone,
  kMisplacedThousands,  // a group other than the first is not three digits (`1.23.4,5`)
  kTooLong,             // the rewritten text does not fit the output
};

// Rewrites `text` into the form Decimal::Parse reads (`[sign]digits[.digits]`): surrounding
// spaces dropped, thousands separators removed once their grouping is checked (first group
// one to three digits, every later one exactly three, none after the decimal separator), the
// decimal separator turned into '.'. Any other character, including a '.' that is not this
// style's separator, becomes one that Decimal::Parse refuses, so the caller's "not a decimal
// number" stays the one verdict for them. noexcept, no allocation: writes at most `capacity`
// bytes to `out` and their count to *size.
[[nodiscard]] AmountFormatError RewriteAmount(std::string_view text, const AmountStyle& style,
                                              char* out, std::size_t capacity,
                                              std::size_t* size) noexcept;

}  // namespace billflow

#endif  // BILLFLOW_CORE_AMOUNT_FORMAT_H_
