#include "report/html_report.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

GroupTotal Group(std::string key, std::string currency, std::uint64_t rows, const char* usd) {
  GroupTotal g;
  g.key = std::move(key);
  g.currency = std::move(currency);
  g.rows = rows;
  g.usd_total = *Decimal::FromString(usd);
  return g;
}

std::size_t Count(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

HtmlReportInput Sample() {
  HtmlReportInput input;
  input.subtitle = "sqlite:t.db";
  input.by_month = {Group("2025-05", "CAD", 3, "790.00"), Group("2025-05", "USD", 2, "1000.10"),
                    Group("2025-06", "MXN", 1, "-50.05"), Group("2025-06", "USD", 4, "12.34")};
  input.by_product_line = {Group("Bakery", "USD", 6, "1012.44"), Group("Dairy", "CAD", 3, "790.00"),
                           Group("Dairy", "MXN", 1, "-50.05")};
  input.rejects = CountRejectReasons({"currency \"ABC\" is not an ISO 4217 code",
                                      "currency \"XYZ\" is not an ISO 4217 code", "id is empty"});
  input.files_loaded = 3;
  return input;
}

TEST(HtmlReportTest, ReasonGroupMasksTheQuotedValue) {
  EXPECT_EQ(ReasonGroup("bill_date \"2023-02-30\" is not a calendar date"),
            "bill_date \"\xE2\x80\xA6\" is not a calendar date");
  EXPECT_EQ(ReasonGroup("bill_amount \"1\"2\" is not a decimal number"),
            "bill_amount \"\xE2\x80\xA6\" is not a decimal number");
  EXPECT_EQ(ReasonGroup("id is empty"), "id is empty");
}

TEST(HtmlReportTest, RejectReasonsAreCountedMostFrequentFirst) {
  const auto counts = CountRejectReasons({"id is empty", "country \"U\" is not a two-letter code",
                                          "country \"USA\" is not a two-letter code"});
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].reason, "country \"\xE2\x80\xA6\" is not a two-letter code");
  EXPECT_EQ(counts[0].rows, 2u);
  EXPECT_EQ(counts[1].reason, "id is empty");
  EXPECT_EQ(counts[1].rows, 1u);
}

TEST(HtmlReportTest, PageHasThreeChartsAndTheirTables) {
  const std::string html = *RenderHtml(Sample());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(Count(html, "<svg "), 3u);
  EXPECT_EQ(Count(html, "<table>"), 3u);
  EXPECT_NE(html.find("aria-label=\"USD by month, stacked by currency\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"USD by product line\""), std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Rejected rows by reason\""), std::string::npos);
  // One stacked segment per (month, currency), with its exact amount in the tooltip.
  EXPECT_NE(html.find("<title>2025-05 CAD: 790.00 USD (3 rows)</title>"), std::string::npos);
  EXPECT_NE(html.find("<title>2025-06 MXN: -50.05 USD (1 rows)</title>"), std::string::npos);
}

TEST(HtmlReportTest, TotalsAreExactDecimalText) {
  const std::string html = *RenderHtml(Sample());
  EXPECT_NE(html.find("<b>1,752.39</b><span>USD total</span>"),
            std::string::npos);  // 790+1000.10-50.05+12.34
  EXPECT_NE(html.find("<td class=\"num\">1,790.10</td></tr>"), std::string::npos);  // May
  EXPECT_NE(
      html.find(
          "<td>Dairy</td><td class=\"num\">4</td><td>CAD MXN</td><td class=\"num\">739.95</td>"),
      std::string::npos);
}

TEST(HtmlReportTest, AmountsBeyondDoublePrecisionStayExact) {
  HtmlReportInput input;
  input.by_month = {Group("2025-01", "USD", 1, "12345678901234567.89")};
  input.by_product_line = {Group("Big", "USD", 1, "12345678901234567.89")};
  const std::string html = *RenderHtml(input);
  EXPECT_NE(html.find("12,345,678,901,234,567.89"), std::string::npos);
  EXPECT_EQ(html.find("12,345,678,901,234,568"), std::string::npos);
}

TEST(HtmlReportTest, IsSelfContainedAndEscapesData) {
  HtmlReportInput input = Sample();
  input.by_product_line.push_back(Group("<script>alert(1)</script>", "USD", 1, "1.00"));
  input.rejects.push_back({"<img src=x onerror=alert(1)>", 1});
  const std::string html = *RenderHtml(input);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);  // no network reference of any kind
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(HtmlReportTest, EmptyDatabaseRendersAPageWithoutCharts) {
  const std::string html = *RenderHtml(HtmlReportInput{});
  EXPECT_EQ(Count(html, "<svg "), 0u);
  EXPECT_NE(html.find("No rows loaded yet."), std::string::npos);
  EXPECT_NE(html.find("<b>0.00</b><span>USD total</span>"), std::string::npos);
}

TEST(HtmlReportTest, ManyProductLinesFoldIntoOther) {
  HtmlReportInput input;
  for (int i = 0; i < 20; ++i) {
    input.by_product_line.push_back(Group("line" + std::to_string(100 + i), "USD", 1, "10.00"));
  }
  const std::string html = *RenderHtml(input);
  EXPECT_NE(html.find("<title>other (6 product lines): 60.00 USD (6 rows)</title>"),
            std::string::npos);
  EXPECT_EQ(Count(html, "<td>line1"), 20u);  // the table keeps every line
}

// The month chart used to drop an addend that did not fit; now the page is refused.
TEST(HtmlReportTest, TotalsPastDecimalRangeAreAnErrorNotADroppedAddend) {
  const __int128 near_max = (static_cast<__int128>(1) << 126);
  HtmlReportInput input;
  input.by_month = {{"2023-05", "USD", 1, Decimal(0, 4), Decimal(near_max, 2)},
                    {"2023-05", "CAD", 1, Decimal(0, 4), Decimal(-near_max, 2)},
                    {"2023-06", "USD", 1, Decimal(0, 4), Decimal(near_max, 2)}};
  auto html = RenderHtml(input);
  ASSERT_FALSE(html);
  EXPECT_EQ(html.error().message, "html report: the USD totals by month overflow");
}

}  // namespace
}  // namespace billflow
