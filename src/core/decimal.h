#ifndef BILLFLOW_CORE_DECIMAL_H_
#define BILLFLOW_CORE_DECIMAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace billflow {

enum class RoundingMode {
  kHalfEven,  // banker's rounding: ties go to the even neighbour (default)
  kHalfUp,    // ties go away from zero
};

// Why a decimal text was refused by Decimal::Parse.
enum class DecimalParseError {
  kNone,
  kEmpty,            // nothing but spaces
  kInvalidChar,      // not [+-]digits[.digits]
  kTooManyDecimals,  // more fractional digits than allowed
  kOutOfRange,       // more integer digits than the target type holds
};

// An exact decimal number: `units / 10^scale`, with units a signed 128-bit integer.
// Values are immutable; arithmetic that cannot be exact or overflows returns nullopt.
class Decimal {
 public:
  static constexpr int kMaxScale = 18;

  constexpr Decimal() = default;
  constexpr Decimal(__int128 units, int scale) : units_(units), scale_(scale) {}

  // Parses `[spaces][+|-]digits[.digits][spaces]` without allocating or using floating
  // point. Fails when there are more than `max_scale` fractional digits or more than
  // `max_integer_digits` integer digits. On success *out keeps the text's own scale.
  [[nodiscard]] static DecimalParseError Parse(std::string_view text, int max_scale,
                                               int max_integer_digits, Decimal* out) noexcept;
  // Convenience for tests and configuration: Parse with generous limits.
  static std::optional<Decimal> FromString(std::string_view text);

  __int128 units() const { return units_; }
  int scale() const { return scale_; }
  bool IsNegative() const { return units_ < 0; }

  // Exact product; scale is the sum of scales. nullopt on overflow or scale > kMaxScale.
  std::optional<Decimal> Multiply(const Decimal& other) const;
  // Exact sum at the larger scale; nullopt on overflow.
  std::optional<Decimal> Add(const Decimal& other) const;
  // Same value at `new_scale`: exact when growing the scale (nullopt on overflow), rounded
  // once with `mode` when shrinking it.
  std::optional<Decimal> Rescale(int new_scale, RoundingMode mode) const;

  // Canonical text with exactly scale() fractional digits: "-12.50", "0.0000", "7".
  std::string ToString() const;
  // Same text written to `out` without allocating; returns its length (at most kMaxChars).
  static constexpr int kMaxChars = 48;
  int FormatTo(char out[kMaxChars]) const;
  // Same, with thousands separators in the integer part: "733,531.00".
  std::string ToGroupedString() const;

  // Numeric comparison across scales.
  friend bool operator==(const Decimal& a, const Decimal& b);
  friend bool operator<(const Decimal& a, const Decimal& b);

 private:
  __int128 units_ = 0;
  int scale_ = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_CORE_DECIMAL_H_
