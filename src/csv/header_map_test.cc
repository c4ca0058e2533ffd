#include "csv/header_map.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(HeaderMapTest, MatchesNamesInAnyOrderIgnoringCaseAndSpaces) {
  const std::vector<std::string_view> header = {
      " BILL_AMOUNT", "id",   "company_name", "Country ", "city",
      "product_line", "item", "bill_date",    "currency", "note"};
  auto map = HeaderMap::FromHeader(header);
  ASSERT_TRUE(map) << map.error().message;
  const std::vector<std::string_view> row = {"9.5", "1", "Co",         "US",  "X",
                                             "P",   "I", "2023-01-01", "USD", "n"};
  const RowFields fields = map->Select(row);
  EXPECT_EQ(fields[static_cast<std::size_t>(Column::kBillAmount)], "9.5");
  EXPECT_EQ(fields[static_cast<std::size_t>(Column::kId)], "1");
  EXPECT_EQ(map->extra_columns(), (std::vector<std::string>{"note"}));
  EXPECT_EQ(map->field_count(), 10u);
}

TEST(HeaderMapTest, CountsEveryExtraColumnButNamesOnlyTheFirstTen) {
  std::vector<std::string> names = {"id",        "company_name", "country",
                                    "city",      "product_line", "item",
                                    "bill_date", "currency",     "bill_amount"};
  for (int i = 0; i < 25; ++i) names.push_back("x" + std::to_string(i));
  const std::vector<std::string_view> header(names.begin(), names.end());
  auto map = HeaderMap::FromHeader(header);
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map->extra_column_count(), 25u);
  ASSERT_EQ(map->extra_columns().size(), HeaderMap::kNamedExtraColumns);
  EXPECT_EQ(map->extra_columns().front(), "x0");
  EXPECT_EQ(map->extra_columns().back(), "x9");
  EXPECT_EQ(map->field_count(), 34u);
}

TEST(HeaderMapTest, MissingColumnsAreNamed) {
  const std::vector<std::string_view> header = {"id",   "company_name", "country",    "city",
                                                "item", "bill_date",    "bill_amount"};
  auto map = HeaderMap::FromHeader(header);
  ASSERT_FALSE(map);
  EXPECT_EQ(map.error().message, "header is missing required column(s): product_line, currency");
}

TEST(HeaderMapTest, DuplicateColumnIsRefused) {
  const std::vector<std::string_view> header = {"id", "ID"};
  auto map = HeaderMap::FromHeader(header);
  ASSERT_FALSE(map);
  EXPECT_EQ(map.error().message, "header names column id twice");
}

}  // namespace
}  // namespace billflow
