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

namespace billflow {
namespace {

TEST(HeaderMapTest, SpacesDashesAndUnderscoresAreEqual) {
  const std::vector<std::string_view> header = {"ID",          "Company Name", "Country",
                                                "City",        "Product-Line", "Item",
                                                " Bill Date ", "CURRENCY",     "bill amount"};
  auto map = HeaderMap::FromHeader(header);
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map->source_names()[static_cast<std::size_t>(Column::kBillDate)], "Bill Date");
  EXPECT_EQ(HeaderMap::MatchKey("  Product-Line "), "product_line");
}

TEST(HeaderMapTest, AliasesAndDefaultsFillTheContract) {
  const std::vector<std::string_view> header = {"Rechnungsnr", "Firma",   "Stadt",
                                                "Sparte",      "Artikel", "Datum",
                                                "Währung",     "Betrag",  "country"};
  HeaderOptions options;
  options.columns = {{"rechnungsnr", "id"},      {"Firma", "company_name"}, {"Stadt", "city"},
                     {"Sparte", "product_line"}, {"Artikel", "item"},       {"Datum", "bill_date"},
                     {"Währung", "currency"},    {"Betrag", "bill_amount"}};
  options.defaults = {{"country", "DE"}, {"city", "Berlin"}};
  auto map = HeaderMap::FromHeader(header, options);
  ASSERT_TRUE(map) << map.error().message;
  const std::vector<std::string_view> row = {"7",          "Bäckerei", "Köln", "Bakery", "Brot",
                                             "01.06.2025", "EUR",      "1,5",  "AT"};
  const RowFields fields = map->Select(row);
  EXPECT_EQ(fields[static_cast<std::size_t>(Column::kId)], "7");
  EXPECT_EQ(fields[static_cast<std::size_t>(Column::kCity)], "Köln");  // never overwritten
  EXPECT_EQ(fields[static_cast<std::size_t>(Column::kCountry)], "AT");
  EXPECT_EQ(HeaderMap::CountMapped(header, options), 9);
  EXPECT_EQ(HeaderMap::CountMapped(header), 1);
}

TEST(HeaderMapTest, DefaultSuppliesAMissingColumn) {
  const std::vector<std::string_view> header = {"id",   "company_name", "city",     "product_line",
                                                "item", "bill_date",    "currency", "bill_amount"};
  HeaderOptions options;
  options.defaults = {{"country", "DE"}};
  auto map = HeaderMap::FromHeader(header, options);
  ASSERT_TRUE(map) << map.error().message;
  const std::vector<std::string_view> row = {"1", "Co", "X", "P", "I", "2023-01-01", "USD", "1"};
  EXPECT_EQ(map->Select(row)[static_cast<std::size_t>(Column::kCountry)], "DE");
}

TEST(HeaderMapTest, AliasOntoAColumnTheFileHasIsADuplicate) {
  const std::vector<std::string_view> header = {"Betrag", "bill_amount"};
  HeaderOptions options;
  options.columns = {{"Betrag", "bill_amount"}};
  auto map = HeaderMap::FromHeader(header, options);
  ASSERT_FALSE(map);
  EXPECT_EQ(map.error().message, "header names column bill_amount twice");
  options.columns = {{"Betrag", "amount"}};
  EXPECT_EQ(HeaderMap::FromHeader(header, options).error().message,
            "columns maps \"Betrag\" to unknown field amount");
}

}  // namespace
}  // namespace billflow
