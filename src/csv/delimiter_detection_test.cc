#include "csv/delimiter_detection.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(DelimiterDetectionTest, PicksTheDelimiterThatMapsMostColumns) {
  auto semicolon = DetectDelimiter(
      "ID;Company Name;Country;City;Product Line;Item;Bill Date;Currency;Bill Amount", {});
  ASSERT_TRUE(semicolon) << semicolon.error().message;
  EXPECT_EQ(semicolon->delimiter, ';');
  EXPECT_EQ(semicolon->reason,
            "\";\" maps 9 of 9 columns (\",\" maps 0, tab maps 0, \"|\" maps 0)");
  auto pipe = DetectDelimiter(
      "id|company_name|country|city|product_line|item|bill_date|"
      "currency|\"bill,amount\"",
      {});
  ASSERT_TRUE(pipe);
  EXPECT_EQ(pipe->delimiter, '|');
  EXPECT_EQ(pipe->mapped_columns, 8);
  EXPECT_EQ(DetectDelimiter("id\tcompany_name\tcountry", {})->delimiter, '\t');
}

TEST(DelimiterDetectionTest, AliasesCount) {
  HeaderOptions options;
  options.columns = {{"Rechnungsnr", "id"}, {"Betrag", "bill_amount"}};
  auto choice = DetectDelimiter("Rechnungsnr;Betrag", options);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->delimiter, ';');
  EXPECT_EQ(choice->mapped_columns, 2);
}

TEST(DelimiterDetectionTest, NoMatchListsWhatWasTried) {
  auto none = DetectDelimiter("foo;bar", {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message,
            "header is missing required column(s): id, company_name, country, city, "
            "product_line, item, bill_date, currency, bill_amount (tried delimiters \",\" \";\" "
            "tab \"|\": \",\" maps 0, \";\" maps 0, tab maps 0, \"|\" maps 0 of 9 columns); set "
            "delimiter or columns");
  auto tie = DetectDelimiter("id,x;company_name", {});
  ASSERT_FALSE(tie);
  EXPECT_EQ(tie.error().message,
            "header is missing required column(s): company_name, country, city, product_line, "
            "item, bill_date, currency, bill_amount (tried delimiters \",\" \";\" tab \"|\": "
            "\",\" maps 1, \";\" maps 1, tab maps 0, \"|\" maps 0 of 9 columns); set delimiter "
            "or columns");
}

}  // namespace
}  // namespace billflow
