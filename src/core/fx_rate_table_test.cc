#include "core/fx_rate_table.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(FxRateTableTest, DefaultHasTheOriginalRates) {
  const auto table = FxRateTable::Default();
  const CivilDate day{2023, 5, 1};
  EXPECT_EQ(table.Find("USD", day)->ToString(), "1");
  EXPECT_EQ(table.Find("CAD", day)->ToString(), "0.79");
  EXPECT_EQ(table.Find("MXN", day)->ToString(), "0.05");
  EXPECT_EQ(table.Find("EUR", day), nullptr);
}

TEST(FxRateTableTest, RowUsesLatestRateOnOrBeforeItsDate) {
  auto table = FxRateTable::ParseCsv(
      "currency,rate_to_usd,valid_from\nEUR,1.10,2024-01-01\neur,1.2,2024-02-01\n", "r.csv");
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->Find("EUR", {2023, 12, 31}), nullptr);
  EXPECT_EQ(table->Find("EUR", {2024, 1, 31})->ToString(), "1.10");
  EXPECT_EQ(table->Find("EUR", {2024, 2, 1})->ToString(), "1.2");
  EXPECT_EQ(table->Find("USD", {2024, 2, 1})->ToString(), "1");
}

TEST(FxRateTableTest, UsdIsOneOnEveryDateWithoutATableRate) {
  // A rates file whose USD line starts in 2024 used to leave earlier USD bills without a rate.
  auto table = FxRateTable::ParseCsv(
      "currency,rate_to_usd,valid_from\nUSD,1,2024-01-01\nEUR,1.1,2024-01-01\n", "r.csv");
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->Find("USD", {1900, 1, 1})->ToString(), "1");
  EXPECT_EQ(table->Find("USD", {2023, 12, 31})->ToString(), "1");
  EXPECT_EQ(table->Find("EUR", {2023, 12, 31}), nullptr);
  FxRateTable empty;
  EXPECT_EQ(empty.Find("USD", {2024, 6, 1})->ToString(), "1");
}

TEST(FxRateTableTest, UsdRateOtherThanOneIsRefused) {
  auto table = FxRateTable::ParseCsv(
      "currency,rate_to_usd,valid_from\nUSD,1.0000,2024-01-01\nUSD,1.1,2024-02-01\n", "r.csv");
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().message,
            "r.csv:3: USD rate 1.1: USD is the base currency and converts at exactly 1; give it "
            "no other rate");
  FxRateTable direct;
  EXPECT_FALSE(direct.Add({"USD", {2024, 1, 1}, Decimal(2, 0), "x"}));
}

TEST(FxRateTableTest, BadRatesFileNamesFileAndLine) {
  auto bad =
      FxRateTable::ParseCsv("currency,rate_to_usd,valid_from\nEUR,abc,2024-01-01\n", "r.csv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "r.csv:2: rate_to_usd \"abc\" is not a decimal with at most 10 decimals");
  auto unknown =
      FxRateTable::ParseCsv("currency,rate_to_usd,valid_from\nXYZ,1,2024-01-01\n", "r.csv");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "r.csv:2: currency \"XYZ\" is not an ISO 4217 code");
  auto no_header = FxRateTable::ParseCsv("EUR,1,2024-01-01\n", "r.csv");
  ASSERT_FALSE(no_header);
  EXPECT_EQ(no_header.error().message,
            "r.csv:1: header must name currency, rate_to_usd and valid_from");
}

TEST(FxRateTableTest, LoadingTableAsksForEachCurrencyOnceOnItsFirstLookup) {
  std::vector<std::string> asked;
  const FxRateTable table =
      FxRateTable::LoadingEach([&](std::string_view currency) -> Result<std::vector<FxRate>> {
        asked.emplace_back(currency);
        if (currency != "EUR") return std::vector<FxRate>{};
        return std::vector<FxRate>{{"EUR", {2024, 1, 1}, Decimal(110, 2), "ecb"},
                                   {"EUR", {2024, 2, 1}, Decimal(12, 1), "ecb"}};
      });
  EXPECT_EQ(table.Find("USD", {2024, 1, 1})->ToString(), "1");  // never loaded
  EXPECT_EQ(table.Find("EUR", {2023, 12, 31}), nullptr);
  EXPECT_EQ(table.Find("EUR", {2024, 1, 31})->ToString(), "1.10");
  EXPECT_EQ(table.FindDated("EUR", {2024, 3, 1})->valid_from.ToString(), "2024-02-01");
  EXPECT_EQ(table.Find("JPY", {2024, 3, 1}), nullptr);  // none stored: asked once
  EXPECT_FALSE(table.Knows("JPY"));
  EXPECT_TRUE(table.Knows("EUR"));
  EXPECT_EQ(asked, (std::vector<std::string>{"EUR", "JPY"}));
  EXPECT_TRUE(table.TakeLoadError());
  EXPECT_EQ(table.Entries().size(), 2U);
}

TEST(FxRateTableTest, FailedLoadFindsNothingUntilItsErrorIsTakenThenAsksAgain) {
  int calls = 0;
  const FxRateTable table =
      FxRateTable::LoadingEach([&](std::string_view) -> Result<std::vector<FxRate>> {
        if (++calls == 1) return Fail(ErrorCode::kUnavailable, "db: connection lost");
        return std::vector<FxRate>{{"CAD", {2024, 1, 1}, Decimal(73, 2), "r.csv"}};
      });
  EXPECT_EQ(table.Find("CAD", {2024, 6, 1}), nullptr);
  EXPECT_EQ(table.Find("MXN", {2024, 6, 1}), nullptr);  // no load while the error stands
  EXPECT_EQ(calls, 1);
  const Status error = table.TakeLoadError();
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(error.error().message, "db: connection lost");
  EXPECT_TRUE(table.TakeLoadError());
  EXPECT_EQ(table.Find("CAD", {2024, 6, 1})->ToString(), "0.73");
  EXPECT_EQ(calls, 2);
}

TEST(FxRateTableTest, LoadedRateTheTableRefusesIsALoadError) {
  const FxRateTable table =
      FxRateTable::LoadingEach([](std::string_view) -> Result<std::vector<FxRate>> {
        return std::vector<FxRate>{{"CAD", {2024, 1, 1}, Decimal(0, 2), "r.csv"}};
      });
  EXPECT_EQ(table.Find("CAD", {2024, 6, 1}), nullptr);
  const Status error = table.TakeLoadError();
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().code, ErrorCode::kInvalidData);
  EXPECT_EQ(error.error().message,
            "fx_rates table: rate 0.00 for CAD must be positive with at most 10 decimals");
}

}  // namespace
}  // namespace billflow
