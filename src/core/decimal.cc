#include "core/decimal.h"

#include <algorithm>
#include <cstdint>

namespace billflow {
namespace {

constexpr __int128 Pow10(int n) {
  __int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Divides by 10^digits, rounding once with `mode`; on 64-bit integers when both fit (the
// common case: 128-bit division is a library call, several times slower).
template <typename Int>
Int DivideRoundedAs(Int value, Int divisor, RoundingMode mode) {
  Int quotient = value / divisor;
  const Int remainder = value % divisor;  // same sign as value
  const Int abs_rem2 = (remainder < 0 ? -remainder : remainder) * 2;
  const int sign = value < 0 ? -1 : 1;
  if (abs_rem2 > divisor) {
    quotient += sign;
  } else if (abs_rem2 == divisor) {
    if (mode == RoundingMode::kHalfUp || (quotient % 2 != 0)) quotient += sign;
  }
  return quotient;
}

__int128 DivideRounded(__int128 value, int digits, RoundingMode mode) {
  constexpr __int128 kInt64Limit = static_cast<__int128>(1) << 62;
  if (digits <= 18 && value < kInt64Limit && value > -kInt64Limit) {
    return DivideRoundedAs<std::int64_t>(static_cast<std::int64_t>(value),
                                         static_cast<std::int64_t>(Pow10(digits)), mode);
  }
  return DivideRoundedAs<__int128>(value, Pow10(digits), mode);
}

}  // namespace

DecimalParseError Decimal::Parse(std::string_view text, int max_scale, int max_integer_digits,
                                 Decimal* out) noexcept {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  if (begin == end) return DecimalParseError::kEmpty;

  bool negative = false;
  if (text[begin] == '+' || text[begin] == '-') {
    negative = text[begin] == '-';
    ++begin;
  }
  __int128 units = 0;
  int integer_digits = 0;
  int fraction_digits = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (std::size_t i = begin; i < end; ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (seen_point) {
        if (++fraction_digits > max_scale) return DecimalParseError::kTooManyDecimals;
      } else if (integer_digits > 0 || c != '0') {
        if (++integer_digits > max_integer_digits) return DecimalParseError::kOutOfRange;
      }
      units = units * 10 + (c - '0');
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      return DecimalParseError::kInvalidChar;
    }
  }
  if (!seen_digit) return DecimalParseError::kInvalidChar;
  *out = Decimal(negative ? -units : units, fraction_digits);
  return DecimalParseError::kNone;
}

std::optional<Decimal> Decimal::FromString(std::string_view text) {
  Decimal value;
  if (Parse(text, kMaxScale, 20, &value) != DecimalParseError::kNone) return std::nullopt;
  return value;
}

std::optional<Decimal> Decimal::Multiply(const Decimal& other) const {
  const int scale = scale_ + other.scale_;
  if (scale > kMaxScale) return std::nullopt;
  __int128 product = 0;
  if (__builtin_mul_overflow(units_, other.units_, &product)) return std::nullopt;
  return Decimal(product, scale);
}

std::optional<Decimal> Decimal::Add(const Decimal& other) const {
  const int scale = std::max(scale_, other.scale_);
  auto a = Rescale(scale, RoundingMode::kHalfEven);
  auto b = other.Rescale(scale, RoundingMode::kHalfEven);
  if (!a || !b) return std::nullopt;
  __int128 sum = 0;
  if (__builtin_add_overflow(a->units_, b->units_, &sum)) return std::nullopt;
  return Decimal(sum, scale);
}

std::optional<Decimal> Decimal::Rescale(int new_scale, RoundingMode mode) const {
  if (new_scale < 0 || new_scale > kMaxScale) return std::nullopt;
  if (new_scale == scale_) return *this;
  if (new_scale < scale_)
    return Decimal(DivideRounded(units_, scale_ - new_scale, mode), new_scale);
  __int128 grown = 0;
  if (__builtin_mul_overflow(units_, Pow10(new_scale - scale_), &grown)) return std::nullopt;
  return Decimal(grown, new_scale);
}

int Decimal::FormatTo(char out[kMaxChars]) const {
  const bool negative = units_ < 0;
  // Work on the magnitude as unsigned so the most negative value is safe.
  unsigned __int128 magnitude = negative ? static_cast<unsigned __int128>(-(units_ + 1)) + 1
                                         : static_cast<unsigned __int128>(units_);
  char digits[44];
  int n = 0;
  // 128-bit division is a library call: peel digits on 64 bits once the rest fits.
  while (magnitude > UINT64_MAX) {
    digits[n++] = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  }
  auto small = static_cast<std::uint64_t>(magnitude);
  do {
    digits[n++] = static_cast<char>('0' + static_cast<int>(small % 10));
    small /= 10;
  } while (small != 0);
  while (n <= scale_) digits[n++] = '0';
  int length = 0;
  if (negative) out[length++] = '-';
  for (int i = n - 1; i >= 0; --i) {
    out[length++] = digits[i];
    if (i == scale_ && scale_ > 0) out[length++] = '.';
  }
  return length;
}

std::string Decimal::ToString() const {
  char buffer[kMaxChars];
  return std::string(buffer, static_cast<std::size_t>(FormatTo(buffer)));
}

std::string Decimal::ToGroupedString() const {
  const std::string plain = ToString();
  const std::size_t sign = plain[0] == '-' ? 1 : 0;
  const std::size_t point = plain.find('.');
  const std::size_t int_end = point == std::string::npos ? plain.size() : point;
  std::string out = plain.substr(0, sign);
  const std::size_t int_len = int_end - sign;
  for (std::size_t i = 0; i < int_len; ++i) {
    if (i > 0 && (int_len - i) % 3 == 0) out.push_back(',');
    out.push_back(plain[sign + i]);
  }
  out.append(plain, int_end, std::string::npos);
  return out;
}

bool operator==(const Decimal& a, const Decimal& b) {
  const int scale = std::max(a.scale_, b.scale_);
  auto x = a.Rescale(scale, RoundingMode::kHalfEven);
  auto y = b.Rescale(scale, RoundingMode::kHalfEven);
  return x && y && x->units_ == y->units_;
}

bool operator<(const Decimal& a, const Decimal& b) {
  const int scale = std::max(a.scale_, b.scale_);
  auto x = a.Rescale(scale, RoundingMode::kHalfEven);
  auto y = b.Rescale(scale, RoundingMode::kHalfEven);
  if (x && y) return x->units_ < y->units_;
  // Overflow while aligning means magnitudes differ enormously: compare signs.
  return a.units_ < b.units_;
}

}  // namespace billflow
