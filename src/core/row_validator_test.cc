#include "core/row_validator.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

RowFields GoodRow() {
  return {"7",      "Canadian Crust Co.",   "CA",         "Vancouver",
          "Bakery", "Sourdough Bread Loaf", "2023-05-07", "CAD",
          "3800.00"};
}

class RowValidatorTest : public ::testing::Test {
 protected:
  // Returns the reason for `fields`, or "" when the row is valid.
  std::string ReasonFor(const RowFields& fields) {
    BillingRecord record;
    std::string reason;
    return validator_.Validate(fields, &record, &reason) ? "" : reason;
  }
  std::string ReasonWith(Column column, std::string_view value) {
    RowFields fields = GoodRow();
    fields[static_cast<std::size_t>(column)] = value;
    return ReasonFor(fields);
  }

  FxRateTable rates_ = FxRateTable::Default();
  RowValidator validator_{rates_, ValidatorOptions{}};
};

TEST_F(RowValidatorTest, ValidRowIsConvertedExactly) {
  BillingRecord record;
  std::string reason;
  ASSERT_TRUE(validator_.Validate(GoodRow(), &record, &reason)) << reason;
  EXPECT_EQ(record.bill_amount.ToString(), "3800.0000");
  EXPECT_EQ(record.fx_rate.ToString(), "0.79");
  EXPECT_EQ(record.bill_amount_usd.ToString(), "3002.00");
  EXPECT_EQ(record.currency_code(), "CAD");
  EXPECT_EQ(record.bill_date.ToString(), "2023-05-07");
}

TEST_F(RowValidatorTest, IdRules) {
  EXPECT_EQ(ReasonWith(Column::kId, ""), "id is empty");
  EXPECT_EQ(ReasonWith(Column::kId, "  "), "id is empty");
  EXPECT_EQ(ReasonWith(Column::kId, std::string(65, 'x')), "id is longer than 64 bytes (65)");
  EXPECT_EQ(ReasonWith(Column::kId, std::string(64, 'x')), "");
}

TEST_F(RowValidatorTest, TextColumnRules) {
  EXPECT_EQ(ReasonWith(Column::kCompanyName, "Bad\xC3"), "company_name is not valid UTF-8");
  EXPECT_EQ(ReasonWith(Column::kCity, std::string_view("Aus\0tin", 7)), "city contains a NUL byte");
  EXPECT_EQ(ReasonWith(Column::kItem, std::string(256, 'i')),
            "item is longer than 255 characters (256)");
  EXPECT_EQ(ReasonWith(Column::kProductLine, "\xC0\x80"), "product_line is not valid UTF-8");
  EXPECT_EQ(ReasonWith(Column::kCompanyName,
                       "Panader\xC3\xAD"
                       "a"),
            "");
}

TEST_F(RowValidatorTest, CountryRule) {
  EXPECT_EQ(ReasonWith(Column::kCountry, "USA"), "country \"USA\" is not a two-letter code");
  EXPECT_EQ(ReasonWith(Column::kCountry, ""), "country \"\" is not a two-letter code");
  EXPECT_EQ(ReasonWith(Column::kCountry, "U1"), "country \"U1\" is not a two-letter code");
}

TEST_F(RowValidatorTest, DateRules) {
  EXPECT_EQ(ReasonWith(Column::kBillDate, "2023-02-30"),
            "bill_date \"2023-02-30\" is not a calendar date");
  EXPECT_EQ(ReasonWith(Column::kBillDate, "03/04/2024"),
            "bill_date \"03/04/2024\" is not YYYY-MM-DD (or YYYY/MM/DD)");
  EXPECT_EQ(ReasonWith(Column::kBillDate, "2023/05/11"), "");
}

TEST_F(RowValidatorTest, CurrencyRules) {
  EXPECT_EQ(ReasonWith(Column::kCurrency, "ABC"), "currency \"ABC\" is not an ISO 4217 code");
  EXPECT_EQ(ReasonWith(Column::kCurrency, "CA"), "currency \"CA\" is not a three-letter code");
  EXPECT_EQ(ReasonWith(Column::kCurrency, "EUR"), "currency EUR has no USD rate on 2023-05-07");
  EXPECT_EQ(ReasonWith(Column::kCurrency, "cad"), "");
}

TEST_F(RowValidatorTest, AmountRules) {
  EXPECT_EQ(ReasonWith(Column::kBillAmount, ""), "bill_amount is empty");
  EXPECT_EQ(ReasonWith(Column::kBillAmount, "12a"), "bill_amount \"12a\" is not a decimal number");
  EXPECT_EQ(ReasonWith(Column::kBillAmount, "12.34567"),
            "bill_amount \"12.34567\" has more than 4 decimals");
  EXPECT_EQ(ReasonWith(Column::kBillAmount, "1234567890123456"),
            "bill_amount \"1234567890123456\" is out of range for DECIMAL(19,4)");
  EXPECT_EQ(ReasonWith(Column::kBillAmount, " -2500.00 "), "");
}

TEST_F(RowValidatorTest, UsdOutOfRangeIsRejected) {
  auto big =
      FxRateTable::ParseCsv("currency,rate_to_usd,valid_from\nKWD,9999999.5,1970-01-01\n", "r");
  ASSERT_TRUE(big);
  RowValidator validator(*big, ValidatorOptions{});
  RowFields fields = GoodRow();
  fields[static_cast<std::size_t>(Column::kCurrency)] = "KWD";
  fields[static_cast<std::size_t>(Column::kBillAmount)] = "999999999999999";
  BillingRecord record;
  std::string reason;
  ASSERT_FALSE(validator.Validate(fields, &record, &reason));
  EXPECT_EQ(reason, "bill_amount_usd of \"999999999999999\" is out of range for DECIMAL(19,2)");
}

TEST_F(RowValidatorTest, HalfUpModeRoundsTiesAway) {
  ValidatorOptions options;
  options.rounding = RoundingMode::kHalfUp;
  RowValidator half_up(rates_, options);
  RowFields fields = GoodRow();
  fields[static_cast<std::size_t>(Column::kCurrency)] = "MXN";
  fields[static_cast<std::size_t>(Column::kBillAmount)] = "0.5";  // 0.025 USD
  BillingRecord record;
  std::string reason;
  ASSERT_TRUE(half_up.Validate(fields, &record, &reason));
  EXPECT_EQ(record.bill_amount_usd.ToString(), "0.03");
  ASSERT_TRUE(validator_.Validate(fields, &record, &reason));
  EXPECT_EQ(record.bill_amount_usd.ToString(), "0.02");
}

TEST_F(RowValidatorTest, RowRecordsTheDateAndSourceOfItsRate) {
  BillingRecord record;
  std::string reason;
  ASSERT_TRUE(validator_.Validate(GoodRow(), &record, &reason)) << reason;
  EXPECT_EQ(record.fx_rate_date.ToString(), "1970-01-01");
  EXPECT_EQ(record.fx_rate_source, "default");
  RowFields usd = GoodRow();
  usd[static_cast<std::size_t>(Column::kCurrency)] = "USD";
  ASSERT_TRUE(validator_.Validate(usd, &record, &reason)) << reason;
  EXPECT_EQ(record.fx_rate_date.ToString(), "2023-05-07");
  EXPECT_EQ(record.fx_rate_source, "USD");
}

TEST_F(RowValidatorTest, RateIsCheckedAfterEveryOtherRule) {
  RowFields fields = GoodRow();
  fields[static_cast<std::size_t>(Column::kCurrency)] = "EUR";
  fields[static_cast<std::size_t>(Column::kBillAmount)] = "12a";
  EXPECT_EQ(ReasonFor(fields), "bill_amount \"12a\" is not a decimal number");
}

TEST_F(RowValidatorTest, EcbRateOlderThanSevenDaysIsNoRate) {
  ASSERT_TRUE(rates_.Add({"EUR", CivilDate{2023, 4, 30}, Decimal(11, 1), kEcbSource}));
  EXPECT_EQ(ReasonWith(Column::kCurrency, "EUR"), "");  // 7 days
  RowFields late = GoodRow();
  late[static_cast<std::size_t>(Column::kCurrency)] = "EUR";
  late[static_cast<std::size_t>(Column::kBillDate)] = "2023-05-08";
  EXPECT_EQ(ReasonFor(late),
            "currency EUR has no USD rate on 2023-05-08 at most 7 days old: the newest is of "
            "2023-04-30 (ecb, 8 days older); import newer rates or raise --max-rate-age-days");
  // The built-in table's CAD stands until its next valid_from, 53 years on.
  EXPECT_EQ(ReasonWith(Column::kCurrency, "CAD"), "");
  ValidatorOptions ten_days;
  ten_days.rate_age.all_sources_days = 10;
  RowValidator limited(rates_, ten_days);
  BillingRecord record;
  std::string reason;
  EXPECT_TRUE(limited.Validate(late, &record, &reason)) << reason;
  ASSERT_FALSE(limited.Validate(GoodRow(), &record, &reason));
  EXPECT_EQ(reason,
            "currency CAD has no USD rate on 2023-05-07 at most 10 days old: the newest is of "
            "1970-01-01 (default, 19484 days older); import newer rates or raise "
            "--max-rate-age-days");
}

TEST(AppendQuotedTest, LongValuesAreCut) {
  std::string out;
  AppendQuoted(std::string(50, 'a'), &out);
  EXPECT_EQ(out, "\"" + std::string(40, 'a') + "\xE2\x80\xA6\"");
}

}  // namespace
}  // namespace billflow
