#include "sinks/pg_copy_binary.h"

#include <cstring>

namespace billflow {
namespace {

// 2000-01-01, PostgreSQL's date epoch, in days since 1970-01-01.
constexpr std::int64_t kPgEpochDays = 10957;
constexpr std::uint16_t kNumericPositive = 0x0000;
constexpr std::uint16_t kNumericNegative = 0x4000;
constexpr std::uint64_t kNumericBase = 10000;

// Writes `value`'s low `bytes` bytes, most significant first, at `at`; returns the end.
char* PutBigEndian(std::uint64_t value, int bytes, char* at) {
  for (int i = bytes - 1; i >= 0; --i) {
    at[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return at + bytes;
}

std::uint64_t PowerOfTen(int exponent) {
  std::uint64_t power = 1;
  while (exponent-- > 0) power *= 10;
  return power;
}

}  // namespace

char* PutPgTupleStart(std::int16_t fields, char* at) {
  return PutBigEndian(static_cast<std::uint16_t>(fields), 2, at);
}

char* PutPgInt8(std::int64_t value, char* at) {
  return PutBigEndian(static_cast<std::uint64_t>(value), 8, PutBigEndian(8, 4, at));
}

char* PutPgText(std::string_view value, char* at) {
  at = PutBigEndian(value.size(), 4, at);
  if (!value.empty()) std::memcpy(at, value.data(), value.size());
  return at + value.size();
}

char* PutPgDate(const CivilDate& date, char* at) {
  const auto days = static_cast<std::int32_t>(date.DaysSinceEpoch() - kPgEpochDays);
  return PutBigEndian(static_cast<std::uint32_t>(days), 4, PutBigEndian(4, 4, at));
}

// The magnitude, its scale padded to a multiple of 4, is cut into base-10000 digits from the
// least significant: the lowest (scale + 3) / 4 of them are the fraction.
char* PutPgNumeric(const Decimal& value, char* at) {
  unsigned __int128 magnitude = value.IsNegative() ? -static_cast<unsigned __int128>(value.units())
                                                   : static_cast<unsigned __int128>(value.units());
  const int scale = value.scale();
  const int fraction_groups = (scale + 3) / 4;
  // At most 999 times: no overflow below 10^35 (the billing columns hold at most 10^20).
  magnitude *= PowerOfTen(fraction_groups * 4 - scale);
  std::uint16_t groups[16];  // least significant first
  int count = 0;
  // 128-bit division is a library call: the common amounts fit 64 bits.
  for (; magnitude > UINT64_MAX; magnitude /= kNumericBase) {
    groups[count++] = static_cast<std::uint16_t>(magnitude % kNumericBase);
  }
  for (auto small = static_cast<std::uint64_t>(magnitude); small != 0; small /= kNumericBase) {
    groups[count++] = static_cast<std::uint16_t>(small % kNumericBase);
  }
  const int weight = count - 1 - fraction_groups;
  int low = 0;  // trailing zero digits carry nothing (the display scale keeps the zeros)
  while (low < count && groups[low] == 0) ++low;
  const int ndigits = count - low;
  at = PutBigEndian(8 + 2 * static_cast<std::uint64_t>(ndigits), 4, at);
  at = PutBigEndian(static_cast<std::uint16_t>(ndigits), 2, at);
  at = PutBigEndian(static_cast<std::uint16_t>(ndigits == 0 ? 0 : weight), 2, at);
  at = PutBigEndian(value.IsNegative() ? kNumericNegative : kNumericPositive, 2, at);
  at = PutBigEndian(static_cast<std::uint16_t>(scale), 2, at);
  for (int g = count - 1; g >= low; --g) at = PutBigEndian(groups[g], 2, at);
  return at;
}

}  // namespace billflow
