#include "core/retry_fields.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(RetryFieldsTest, RateMissingRowRoundTripsAndValidatesOnceTheRateExists) {
  FxRateTable rates = FxRateTable::Default();
  RowValidator validator(rates, ValidatorOptions{});
  const RowFields fields = {"7\t8",       "Caf\xC3\xA9 \\ \"Co\"\nLtd",
                            "FR",         "Paris",
                            "Bakery",     "Bread\r",
                            "2025/06/03", "eur",
                            " 12.5 "};
  BillingRecord row;
  std::string reason;
  bool rate_missing = false;
  ASSERT_FALSE(validator.Validate(fields, &row, &reason, &rate_missing));
  EXPECT_TRUE(rate_missing);
  EXPECT_EQ(reason, "currency EUR has no USD rate on 2025-06-03");
  std::string encoded;
  AppendRetryFields(row, &encoded);
  EXPECT_EQ(encoded,
            "7\\t8\tCaf\xC3\xA9 \\\\ \"Co\"\\nLtd\tFR\tParis\tBakery\tBread\\r\t2025-06-03\tEUR\t"
            "12.5000");
  std::array<std::string, kColumnCount> decoded;
  ASSERT_TRUE(DecodeRetryFields(encoded, &decoded));
  EXPECT_EQ(decoded[1], "Caf\xC3\xA9 \\ \"Co\"\nLtd");
  RowFields again;
  for (std::size_t i = 0; i < decoded.size(); ++i) again[i] = decoded[i];
  ASSERT_TRUE(rates.Add({"EUR", CivilDate{2025, 6, 3}, Decimal(114, 2), kEcbSource}));
  BillingRecord settled;
  ASSERT_TRUE(validator.Validate(again, &settled, &reason, &rate_missing)) << reason;
  EXPECT_FALSE(rate_missing);
  EXPECT_EQ(settled.id, "7\t8");
  EXPECT_EQ(settled.bill_amount_usd.ToString(), "14.25");
  EXPECT_EQ(settled.fx_rate_date.ToString(), "2025-06-03");
}

TEST(RetryFieldsTest, OtherRejectsAreNotRateMissing) {
  const FxRateTable rates = FxRateTable::Default();
  RowValidator validator(rates, ValidatorOptions{});
  RowFields fields = {"1", "A", "FR", "Paris", "P", "I", "2025-06-03", "EUR", "12a"};
  BillingRecord row;
  std::string reason;
  bool rate_missing = true;
  ASSERT_FALSE(validator.Validate(fields, &row, &reason, &rate_missing));
  EXPECT_FALSE(rate_missing);
}

TEST(RetryFieldsTest, MalformedEncodingsAreRefused) {
  std::array<std::string, kColumnCount> decoded;
  EXPECT_FALSE(DecodeRetryFields("a\tb", &decoded));
  EXPECT_FALSE(DecodeRetryFields("1\t2\t3\t4\t5\t6\t7\t8\t9\t10", &decoded));
  EXPECT_FALSE(DecodeRetryFields("1\t2\t3\t4\t5\t6\t7\t8\t9\\x", &decoded));
  EXPECT_TRUE(DecodeRetryFields("1\t2\t3\t4\t5\t6\t7\t8\t9", &decoded));
  EXPECT_EQ(decoded[8], "9");
}

}  // namespace
}  // namespace billflow
