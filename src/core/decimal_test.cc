#include "core/decimal.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

Decimal Parsed(std::string_view text, int max_scale = 4) {
  Decimal d;
  EXPECT_EQ(Decimal::Parse(text, max_scale, 15, &d), DecimalParseError::kNone) << text;
  return d;
}

TEST(DecimalTest, ParseKeepsScaleAndSign) {
  EXPECT_EQ(Parsed("1500.00").ToString(), "1500.00");
  EXPECT_EQ(Parsed("-2500.5").ToString(), "-2500.5");
  EXPECT_EQ(Parsed("+7").ToString(), "7");
  EXPECT_EQ(Parsed("  0.0001 ").ToString(), "0.0001");
  EXPECT_EQ(Parsed(".5").ToString(), "0.5");
  EXPECT_EQ(Parsed("5.").ToString(), "5");
}

TEST(DecimalTest, ParseRefusesWhatIsNotADecimal) {
  Decimal d;
  EXPECT_EQ(Decimal::Parse("", 4, 15, &d), DecimalParseError::kEmpty);
  EXPECT_EQ(Decimal::Parse("   ", 4, 15, &d), DecimalParseError::kEmpty);
  EXPECT_EQ(Decimal::Parse("12a", 4, 15, &d), DecimalParseError::kInvalidChar);
  EXPECT_EQ(Decimal::Parse("1e5", 4, 15, &d), DecimalParseError::kInvalidChar);
  EXPECT_EQ(Decimal::Parse("1,000", 4, 15, &d), DecimalParseError::kInvalidChar);
  EXPECT_EQ(Decimal::Parse("-", 4, 15, &d), DecimalParseError::kInvalidChar);
  EXPECT_EQ(Decimal::Parse(".", 4, 15, &d), DecimalParseError::kInvalidChar);
  EXPECT_EQ(Decimal::Parse("1.2.3", 4, 15, &d), DecimalParseError::kInvalidChar);
  EXPECT_EQ(Decimal::Parse("12.34567", 4, 15, &d), DecimalParseError::kTooManyDecimals);
  EXPECT_EQ(Decimal::Parse("1234567890123456", 4, 15, &d), DecimalParseError::kOutOfRange);
  EXPECT_EQ(Decimal::Parse("000000000000000000001", 4, 15, &d), DecimalParseError::kNone);
}

TEST(DecimalTest, MultiplyIsExact) {
  const auto product = Parsed("95000.0000").Multiply(*Decimal::FromString("0.05"));
  ASSERT_TRUE(product);
  EXPECT_EQ(product->ToString(), "4750.000000");
}

TEST(DecimalTest, RescaleRoundsHalfEvenOnce) {
  EXPECT_EQ(Decimal::FromString("2.345")->Rescale(2, RoundingMode::kHalfEven)->ToString(), "2.34");
  EXPECT_EQ(Decimal::FromString("2.355")->Rescale(2, RoundingMode::kHalfEven)->ToString(), "2.36");
  EXPECT_EQ(Decimal::FromString("-2.345")->Rescale(2, RoundingMode::kHalfEven)->ToString(),
            "-2.34");
  EXPECT_EQ(Decimal::FromString("2.3451")->Rescale(2, RoundingMode::kHalfEven)->ToString(), "2.35");
  EXPECT_EQ(Decimal::FromString("2.345")->Rescale(2, RoundingMode::kHalfUp)->ToString(), "2.35");
  EXPECT_EQ(Decimal::FromString("-2.345")->Rescale(2, RoundingMode::kHalfUp)->ToString(), "-2.35");
  EXPECT_EQ(Decimal::FromString("0.005")->Rescale(2, RoundingMode::kHalfEven)->ToString(), "0.00");
  EXPECT_EQ(Decimal::FromString("7")->Rescale(2, RoundingMode::kHalfEven)->ToString(), "7.00");
}

// Rescale and FormatTo take 64-bit shortcuts when the value fits: the same answers on both
// sides of the 2^62 and 2^64 boundaries as far beyond them.
TEST(DecimalTest, SixtyFourBitShortcutsAgreeAtTheirBoundaries) {
  const __int128 two62 = static_cast<__int128>(1) << 62;
  for (const __int128 units : {two62 - 5, two62 + 5, -(two62 - 5), -(two62 + 5)}) {
    const Decimal d(units, 3);
    const __int128 magnitude = units < 0 ? -units : units;
    const __int128 rounded = (magnitude + 5) / 10;  // ...5 rounds away under both modes here
    EXPECT_EQ(d.Rescale(2, RoundingMode::kHalfUp)->units(), units < 0 ? -rounded : rounded);
  }
  EXPECT_EQ(
      Decimal::FromString("4611686018427387905.5")->Rescale(0, RoundingMode::kHalfEven)->ToString(),
      "4611686018427387906");
  EXPECT_EQ(
      Decimal::FromString("4611686018427387904.5")->Rescale(0, RoundingMode::kHalfEven)->ToString(),
      "4611686018427387904");
  EXPECT_EQ(Decimal::FromString("18446744073709551615.99")->ToString(), "18446744073709551615.99");
  EXPECT_EQ(Decimal::FromString("-18446744073709551616.01")->ToString(),
            "-18446744073709551616.01");
  const __int128 big =
      static_cast<__int128>(1234567890123456789LL) * 1000000000000000000LL + 123456789012345678LL;
  EXPECT_EQ(Decimal(big, 4).ToString(), "123456789012345678912345678901234.5678");
  EXPECT_EQ(Decimal(-big, 4).ToString(), "-123456789012345678912345678901234.5678");
}

TEST(DecimalTest, OverflowIsDetectedNotWrapped) {
  const Decimal huge(static_cast<__int128>(1) << 120, 0);
  EXPECT_FALSE(huge.Multiply(huge));
  EXPECT_FALSE(huge.Rescale(18, RoundingMode::kHalfEven));
  EXPECT_FALSE(huge.Add(huge)->IsNegative());
  const Decimal max(~(static_cast<unsigned __int128>(1) << 127), 0);
  EXPECT_FALSE(max.Add(Decimal(1, 0)));
}

TEST(DecimalTest, AddAlignsScales) {
  EXPECT_EQ(Decimal::FromString("1.5")->Add(*Decimal::FromString("0.25"))->ToString(), "1.75");
  EXPECT_EQ(Decimal::FromString("-1")->Add(*Decimal::FromString("0.25"))->ToString(), "-0.75");
}

TEST(DecimalTest, GroupedStringPutsSeparators) {
  EXPECT_EQ(Decimal::FromString("733531.00")->ToGroupedString(), "733,531.00");
  EXPECT_EQ(Decimal::FromString("-1234567")->ToGroupedString(), "-1,234,567");
  EXPECT_EQ(Decimal::FromString("999")->ToGroupedString(), "999");
}

TEST(DecimalTest, ComparesAcrossScales) {
  EXPECT_EQ(*Decimal::FromString("1.50"), *Decimal::FromString("1.5"));
  EXPECT_LT(*Decimal::FromString("-3"), *Decimal::FromString("1.5"));
}

}  // namespace
}  // namespace billflow
