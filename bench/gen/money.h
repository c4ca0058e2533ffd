// billflow_gen's own integer money arithmetic (it shares nothing with the loader it checks):
// amounts in ten-thousandths, rates in hundredths, one rounding step to cents, half-even.
#ifndef BILLFLOW_BENCH_GEN_MONEY_H_
#define BILLFLOW_BENCH_GEN_MONEY_H_

#include <array>
#include <cstdint>
#include <string>

#include "gen/vocabulary.h"

namespace billflow_gen {

// Amounts are integers in ten-thousandths (the CSV allows 4 decimals).
constexpr int64_t kAmountScale = 10'000;
constexpr std::array<int64_t, 5> kPow10 = {1, 10, 100, 1'000, 10'000};
constexpr int64_t kCentsPerDollar = 100;

// value / divisor rounded to nearest, ties to even; divisor > 0.
inline int64_t DivideRoundHalfEven(int64_t value, int64_t divisor) {
  int64_t quotient = value / divisor;
  const int64_t remainder = value % divisor;
  const int64_t twice_remainder = 2 * (remainder < 0 ? -remainder : remainder);
  if (twice_remainder > divisor || (twice_remainder == divisor && quotient % 2 != 0)) {
    quotient += value < 0 ? -1 : 1;
  }
  return quotient;
}

// amount (ten-thousandths) × rate (hundredths) is exact in millionths; one
// rounding step to cents. |amount| < 10^10 and rate <= 100, so the product
// stays below 10^12 and int64 cannot overflow.
inline int64_t UsdCents(int64_t amount_minor_units, int64_t rate_hundredths) {
  const int64_t usd_millionths = amount_minor_units * rate_hundredths;
  return DivideRoundHalfEven(usd_millionths, kAmountScale * kRateScale / kCentsPerDollar);
}

// "-12.30" for -1230.
inline std::string FormatCents(int64_t cents) {
  std::string text;
  if (cents < 0) {
    text.push_back('-');
  }
  const uint64_t magnitude =
      cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  text += std::to_string(magnitude / 100);
  text.push_back('.');
  text.push_back(static_cast<char>('0' + magnitude / 10 % 10));
  text.push_back(static_cast<char>('0' + magnitude % 10));
  return text;
}

}  // namespace billflow_gen

#endif  // BILLFLOW_BENCH_GEN_MONEY_H_
