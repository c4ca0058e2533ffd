#include "core/ecb_rates.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

std::string Text(const std::optional<Decimal>& d) { return d ? d->ToString() : "nullopt"; }

TEST(DivideDecimalTest, RoundsOnceToTheRequestedScale) {
  // Python: (Decimal('1.0697') / Decimal('168.54')).quantize(Decimal('1e-10')) == 0.0063468613
  EXPECT_EQ(Text(DivideDecimal(*Decimal::FromString("1.0697"), *Decimal::FromString("168.54"), 10,
                               RoundingMode::kHalfEven)),
            "0.0063468613");
  EXPECT_EQ(Text(DivideDecimal(*Decimal::FromString("1.0697"), *Decimal::FromString("0.84560"), 10,
                               RoundingMode::kHalfEven)),
            "1.2650189215");
  EXPECT_EQ(Text(DivideDecimal(Decimal(6, 0), Decimal(3, 0), 2, RoundingMode::kHalfEven)), "2.00");
}

TEST(DivideDecimalTest, TiesFollowTheRoundingMode) {
  EXPECT_EQ(Text(DivideDecimal(Decimal(1, 0), Decimal(8, 0), 2, RoundingMode::kHalfEven)), "0.12");
  EXPECT_EQ(Text(DivideDecimal(Decimal(1, 0), Decimal(8, 0), 2, RoundingMode::kHalfUp)), "0.13");
  EXPECT_EQ(Text(DivideDecimal(Decimal(3, 0), Decimal(8, 0), 2, RoundingMode::kHalfEven)), "0.38");
  EXPECT_EQ(Text(DivideDecimal(Decimal(-1, 0), Decimal(8, 0), 2, RoundingMode::kHalfUp)), "-0.13");
  EXPECT_EQ(Text(DivideDecimal(Decimal(2, 0), Decimal(3, 0), 4, RoundingMode::kHalfEven)),
            "0.6667");
}

TEST(DivideDecimalTest, ByZeroOrOverflowIsNullopt) {
  EXPECT_FALSE(DivideDecimal(Decimal(1, 0), Decimal(0, 2), 2, RoundingMode::kHalfEven));
  EXPECT_FALSE(DivideDecimal(Decimal(static_cast<__int128>(1) << 100, 0), Decimal(1, 18), 18,
                             RoundingMode::kHalfEven));
}

constexpr char kSample[] =
    "Date,USD,JPY,BGN,CYP,GBP,\n"
    "2024-06-17,1.0713,168.89,1.9558,N/A,0.84440,\n"
    "2024-06-14,1.0697,168.54,1.9558,N/A,0.84560,\n"
    "2024-06-13,N/A,169.01,1.9558,N/A,0.84715,\n";

TEST(EcbRatesTest, ReadsTheHistoryFormatIntoUsdRates) {
  auto parsed = ParseEcbHistory(kSample, "eurofxref-hist.csv");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->dates, 2u);
  EXPECT_EQ(parsed->dates_without_usd, 1u);
  EXPECT_EQ(parsed->skipped_currencies, std::vector<std::string>{"CYP"});
  EXPECT_EQ(parsed->first_date->ToString(), "2024-06-14");
  EXPECT_EQ(parsed->last_date->ToString(), "2024-06-17");
  std::vector<std::string> got;
  for (const FxRate& r : parsed->rates) {
    got.push_back(r.currency + " " + r.valid_from.ToString() + " " + r.rate_to_usd.ToString() +
                  " " + r.source);
  }
  const std::vector<std::string> want = {
      "EUR 2024-06-17 1.0713 ecb",       "JPY 2024-06-17 0.0063431820 ecb",
      "BGN 2024-06-17 0.5477553942 ecb", "GBP 2024-06-17 1.2687115111 ecb",
      "EUR 2024-06-14 1.0697 ecb",       "JPY 2024-06-14 0.0063468613 ecb",
      "BGN 2024-06-14 0.5469373147 ecb", "GBP 2024-06-14 1.2650189215 ecb",
  };
  EXPECT_EQ(got, want);
}

TEST(EcbRatesTest, EveryRateFitsTheRateTable) {
  auto parsed = ParseEcbHistory(kSample, "x.csv");
  ASSERT_TRUE(parsed.has_value());
  FxRateTable table;
  for (const FxRate& r : parsed->rates) EXPECT_TRUE(table.Add(r).has_value()) << r.currency;
  EXPECT_EQ(table.Find("GBP", CivilDate{2024, 6, 15})->ToString(),
            "1.2650189215");  // Saturday: Friday's
}

TEST(EcbRatesTest, MalformedFilesNameTheLine) {
  auto no_usd = ParseEcbHistory("Date,JPY,\n2024-06-14,168.54,\n", "a.csv");
  ASSERT_FALSE(no_usd.has_value());
  EXPECT_EQ(no_usd.error().message, "a.csv:1: no USD column: cannot convert to USD");
  auto bad_value = ParseEcbHistory("Date,USD,JPY,\n2024-06-14,1.07,abc,\n", "a.csv");
  ASSERT_FALSE(bad_value.has_value());
  EXPECT_EQ(bad_value.error().message,
            "a.csv:2: JPY value \"abc\" is not a positive decimal number");
  auto zero = ParseEcbHistory("Date,USD,JPY,\n2024-06-14,1.07,0,\n", "a.csv");
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error().message, "a.csv:2: JPY value \"0\" is not a positive decimal number");
  auto bad_date = ParseEcbHistory("Date,USD,\n14/06/2024,1.07,\n", "a.csv");
  ASSERT_FALSE(bad_date.has_value());
  EXPECT_EQ(bad_date.error().message, "a.csv:2: date \"14/06/2024\" is not YYYY-MM-DD");
  auto twice = ParseEcbHistory("Date,USD,\n2024-06-14,1.07,\n2024-06-14,1.08,\n", "a.csv");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().message, "a.csv:3: date 2024-06-14 appears twice");
  auto not_ecb = ParseEcbHistory("currency,rate_to_usd,valid_from\n", "a.csv");
  ASSERT_FALSE(not_ecb.has_value());
  EXPECT_EQ(not_ecb.error().message, "a.csv:1: expected the ECB header \"Date,USD,JPY,…\"");
}

TEST(EcbRatesTest, QuotesGivingRatesOutsideTheRateColumnAreRefused) {
  // A USD quote of 1e-11 used to store a EUR rate of 0, which no later ingest could load.
  auto tiny_usd = ParseEcbHistory("Date,USD,\n2024-06-14,0.00000000001,\n", "a.csv");
  ASSERT_FALSE(tiny_usd.has_value());
  EXPECT_EQ(tiny_usd.error().message,
            "a.csv:2: USD value 0.00000000001 gives no EUR rate that is positive with at most 10 "
            "integer and 10 decimal digits");
  auto tiny_quote = ParseEcbHistory("Date,USD,JPY,\n2024-06-14,100000,0.000001,\n", "a.csv");
  ASSERT_FALSE(tiny_quote.has_value());
  EXPECT_EQ(tiny_quote.error().message,
            "a.csv:2: JPY value 0.000001 gives no USD rate that is positive with at most 10 "
            "integer and 10 decimal digits");
  auto huge_quote = ParseEcbHistory("Date,USD,JPY,\n2024-06-14,1,999999999999,\n", "a.csv");
  ASSERT_FALSE(huge_quote.has_value());
  EXPECT_EQ(huge_quote.error().message,
            "a.csv:2: JPY value 999999999999 gives no USD rate that is positive with at most 10 "
            "integer and 10 decimal digits");
}

TEST(EcbRatesTest, CrlfAndBomAreAccepted) {
  auto parsed = ParseEcbHistory(
      "\xEF\xBB\xBF"
      "Date,USD,JPY,\r\n2024-06-14,1.0697,168.54,\r\n",
      "a.csv");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_EQ(parsed->rates.size(), 2u);
  EXPECT_EQ(parsed->rates[1].rate_to_usd.ToString(), "0.0063468613");
}

}  // namespace
}  // namespace billflow
