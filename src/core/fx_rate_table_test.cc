#include "core/fx_rate_table.h"

#include <gtest/gtest.h>

#include <numeric>

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

// What a database answers for a window (Database::LoadCurrencyRates): the currency's rates
// in [first, last] and the latest one before first.
std::vector<FxRate> StoredIn(const std::vector<FxRate>& stored, std::string_view currency,
                             const RateWindow& window) {
  std::vector<FxRate> out;
  const FxRate* carry_in = nullptr;
  for (const FxRate& rate : stored) {
    if (rate.currency != currency) continue;
    if (rate.valid_from < window.first) {
      if (carry_in == nullptr || carry_in->valid_from < rate.valid_from) carry_in = &rate;
    } else if (rate.valid_from <= window.last) {
      out.push_back(rate);
    }
  }
  if (carry_in != nullptr) out.push_back(*carry_in);
  return out;
}

// A loading table over `stored` that records each load as "EUR 2024-01-01..2024-12-31 (N)",
// N the rates it returned.
struct RecordingLoader {
  std::vector<FxRate> stored;
  std::vector<std::string> asked;

  FxRateTable Table() {
    return FxRateTable::LoadingEach(
        [this](std::string_view currency, const RateWindow& window) -> Result<std::vector<FxRate>> {
          std::vector<FxRate> rates = StoredIn(stored, currency, window);
          asked.push_back(std::string(currency) + " " + window.first.ToString() + ".." +
                          window.last.ToString() + " (" + std::to_string(rates.size()) + ")");
          return rates;
        });
  }
};

// EUR from the ECB on every weekday of 2022-2024, CAD from a file on three dates.
std::vector<FxRate> TwoCurrencies() {
  std::vector<FxRate> stored;
  const std::int64_t first = CivilDate{2022, 1, 3}.DaysSinceEpoch();
  const std::int64_t last = CivilDate{2024, 12, 31}.DaysSinceEpoch();
  for (std::int64_t day = first; day <= last; ++day) {
    const CivilDate date = CivilDate::FromDaysSinceEpoch(day);
    if (date.IsoWeekdayIndex() >= 5) continue;
    stored.push_back({"EUR", date, Decimal(10000 + (day - first), 4), kEcbSource});
  }
  stored.push_back({"CAD", {2019, 5, 1}, Decimal(75, 2), "r.csv"});
  stored.push_back({"CAD", {2023, 7, 1}, Decimal(73, 2), "r.csv"});
  stored.push_back({"CAD", {2023, 12, 29}, Decimal(74, 2), "r.csv"});
  return stored;
}

TEST(FxRateTableTest, LoadingTableReadsTheYearOfALookupAndTheLatestRateBeforeIt) {
  RecordingLoader loader{TwoCurrencies(), {}};
  const FxRateTable table = loader.Table();
  const std::optional<FoundRate> found = table.FindDated("EUR", {2024, 6, 12});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->valid_from.ToString(), "2024-06-12");
  EXPECT_EQ(found->source, "ecb");
  // 2024's 262 weekdays and 2023-12-29, a Friday: not 2022's or the rest of 2023's.
  EXPECT_EQ(loader.asked, (std::vector<std::string>{"EUR 2024-01-01..2024-12-31 (263)"}));
  EXPECT_EQ(table.Entries().size(), 263U);
  EXPECT_EQ(table.Entries().front().valid_from.ToString(), "2023-12-29");
}

TEST(FxRateTableTest, LookupBeforeTheYearsFirstRateFindsTheRateCarriedInFromTheYearBefore) {
  RecordingLoader loader{TwoCurrencies(), {}};
  const FxRateTable table = loader.Table();
  // 2024-01-01 is EUR's first weekday of 2024; CAD has no rate in 2024 at all.
  const std::optional<FoundRate> cad = table.FindDated("CAD", {2024, 1, 2});
  ASSERT_TRUE(cad);
  EXPECT_EQ(cad->valid_from.ToString(), "2023-12-29");
  EXPECT_EQ(cad->rate->ToString(), "0.74");
  EXPECT_EQ(cad->source, "r.csv");
  EXPECT_EQ(loader.asked, (std::vector<std::string>{"CAD 2024-01-01..2024-12-31 (1)"}));
}

TEST(FxRateTableTest, SecondLookupInTheSameYearReadsNothingAnotherYearReadsThatYear) {
  RecordingLoader loader{TwoCurrencies(), {}};
  const FxRateTable table = loader.Table();
  EXPECT_EQ(table.FindDated("EUR", {2024, 3, 1})->valid_from.ToString(), "2024-03-01");
  EXPECT_EQ(table.FindDated("EUR", {2024, 12, 31})->valid_from.ToString(), "2024-12-31");
  EXPECT_EQ(table.FindDated("EUR", {2024, 1, 6})->valid_from.ToString(), "2024-01-05");
  ASSERT_EQ(loader.asked.size(), 1U);
  EXPECT_EQ(table.FindDated("EUR", {2023, 1, 1})->valid_from.ToString(), "2022-12-30");
  EXPECT_EQ(table.FindDated("EUR", {2023, 7, 9})->valid_from.ToString(), "2023-07-07");
  EXPECT_EQ(table.Find("EUR", {2021, 6, 1}), nullptr);  // before EUR's first rate
  EXPECT_EQ(table.Find("EUR", {2021, 12, 31}), nullptr);
  EXPECT_EQ(table.Find("USD", {2021, 6, 1})->ToString(), "1");  // never loaded
  EXPECT_EQ(table.Find("JPY", {2024, 3, 1}), nullptr);          // none stored: asked once
  EXPECT_EQ(table.Find("JPY", {2024, 3, 2}), nullptr);
  EXPECT_EQ(loader.asked,
            (std::vector<std::string>{
                "EUR 2024-01-01..2024-12-31 (263)", "EUR 2023-01-01..2023-12-31 (261)",
                "EUR 2021-01-01..2021-12-31 (0)", "JPY 2024-01-01..2024-12-31 (0)"}));
  EXPECT_EQ(table.Entries().size(), 263U + 260U);  // 2023-12-29 was read twice, kept once
  EXPECT_TRUE(table.TakeLoadError());
}

TEST(FxRateTableTest, LoadingTableFindsWhatTheWholeTableFindsOnEveryDay) {
  const std::vector<FxRate> stored = TwoCurrencies();
  FxRateTable whole;
  for (const FxRate& rate : stored) ASSERT_TRUE(whole.Add(rate));
  RecordingLoader loader{stored, {}};
  const FxRateTable table = loader.Table();
  // Every day of 2018-2026, in an order that jumps between years (a step prime to the count).
  const std::int64_t first = CivilDate{2018, 1, 1}.DaysSinceEpoch();
  const std::int64_t days = CivilDate{2026, 12, 31}.DaysSinceEpoch() - first + 1;
  ASSERT_EQ(std::gcd(days, std::int64_t{7919}), 1);
  for (std::int64_t i = 0; i < days; ++i) {
    const CivilDate date = CivilDate::FromDaysSinceEpoch(first + (i * 7919) % days);
    for (const std::string_view currency : {"EUR", "CAD"}) {
      const std::optional<FoundRate> expected = whole.FindDated(currency, date);
      const std::optional<FoundRate> got = table.FindDated(currency, date);
      ASSERT_EQ(got.has_value(), expected.has_value()) << currency << " " << date.ToString();
      if (!expected) continue;
      ASSERT_EQ(got->valid_from, expected->valid_from) << currency << " " << date.ToString();
      ASSERT_EQ(*got->rate, *expected->rate) << currency << " " << date.ToString();
      ASSERT_EQ(got->source, expected->source) << currency << " " << date.ToString();
    }
  }
  EXPECT_EQ(loader.asked.size(), 18U);  // nine years of two currencies, each read once
  EXPECT_TRUE(table.TakeLoadError());
}

TEST(FxRateTableTest, SourceOfAFoundRateOutlivesLaterLoads) {
  // A row keeps a view of its rate's source while the validating thread reads on.
  RecordingLoader loader{TwoCurrencies(), {}};
  const FxRateTable table = loader.Table();
  const std::string_view source = table.FindDated("CAD", {2019, 6, 1})->source;
  for (int year = 2020; year <= 2026; ++year) ASSERT_TRUE(table.FindDated("CAD", {year, 1, 1}));
  EXPECT_EQ(source, "r.csv");
  EXPECT_EQ(loader.asked.size(), 8U);
}

TEST(FxRateTableTest, KnowsOnALoadingTableReadsTheNewestRate) {
  RecordingLoader loader{TwoCurrencies(), {}};
  const FxRateTable table = loader.Table();
  EXPECT_TRUE(table.Knows("EUR"));
  EXPECT_FALSE(table.Knows("JPY"));
  EXPECT_FALSE(table.Knows("USD"));  // converts at 1 without a rate: never loaded
  EXPECT_EQ(loader.asked, (std::vector<std::string>{"EUR 9999-01-01..9999-12-31 (1)",
                                                    "JPY 9999-01-01..9999-12-31 (0)"}));
}

TEST(FxRateTableTest, FailedLoadFindsNothingUntilItsErrorIsTakenThenAsksAgain) {
  int calls = 0;
  const FxRateTable table = FxRateTable::LoadingEach(
      [&](std::string_view, const RateWindow&) -> Result<std::vector<FxRate>> {
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
  const FxRateTable table = FxRateTable::LoadingEach(
      [](std::string_view, const RateWindow&) -> Result<std::vector<FxRate>> {
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
