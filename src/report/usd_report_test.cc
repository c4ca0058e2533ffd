#include "report/usd_report.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

std::vector<GroupTotal> Sample() {
  return {{"2023-05", "CAD", 2, Decimal(0, 4), Decimal(300200, 2)},
          {"2023-05", "USD", 3, Decimal(0, 4), Decimal(10001, 2)},
          {"2023-06", "MXN", 1, Decimal(0, 4), Decimal(-5, 2)}};
}

TEST(UsdReportTest, FoldsCurrenciesExactly) {
  const auto report = *BuildUsdReport(GroupBy::kMonth, Sample());
  ASSERT_EQ(report.lines.size(), 2u);
  EXPECT_EQ(report.lines[0].usd_total.ToString(), "3102.01");
  EXPECT_EQ(report.lines[0].rows, 5u);
  EXPECT_EQ(report.total.usd_total.ToString(), "3101.96");
  EXPECT_EQ(report.total.currencies, (std::vector<std::string>{"CAD", "MXN", "USD"}));
}

TEST(UsdReportTest, TableIsAligned) {
  EXPECT_EQ(RenderTable(*BuildUsdReport(GroupBy::kMonth, Sample())),
            "month    rows  currencies   USD total\n"
            "2023-05     5  CAD USD       3,102.01\n"
            "2023-06     1  MXN              -0.05\n"
            "-------------------------------------\n"
            "total       6  CAD MXN USD   3,101.96\n");
}

TEST(UsdReportTest, CsvEscapesFormulasAndQuotes) {
  EXPECT_EQ(CsvTextCell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvTextCell("+1"), "'+1");
  EXPECT_EQ(CsvTextCell("@SUM"), "'@SUM");
  EXPECT_EQ(CsvTextCell("-x"), "'-x");
  EXPECT_EQ(CsvTextCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvTextCell("plain"), "plain");
  EXPECT_EQ(RenderCsv(*BuildUsdReport(GroupBy::kMonth, Sample())),
            "month,rows,currencies,usd_total\r\n2023-05,5,CAD USD,3102.01\r\n"
            "2023-06,1,MXN,-0.05\r\ntotal,6,CAD MXN USD,3101.96\r\n");
}

TEST(UsdReportTest, JsonKeepsAmountsAsDecimalStrings) {
  const std::string json = RenderJson(*BuildUsdReport(GroupBy::kCurrency, Sample()));
  EXPECT_NE(json.find("\"usd_total\": \"3101.96\""), std::string::npos) << json;
}

// Two group totals near Decimal's 128-bit limit: the sum is an error naming the report, where
// it used to dereference an empty optional.
TEST(UsdReportTest, TotalPastDecimalRangeIsAnErrorNotUndefinedBehaviour) {
  const __int128 near_max = (static_cast<__int128>(1) << 126);
  const std::vector<GroupTotal> totals = {{"a", "USD", 1, Decimal(0, 4), Decimal(near_max, 2)},
                                          {"b", "USD", 1, Decimal(0, 4), Decimal(near_max, 2)}};
  auto report = BuildUsdReport(GroupBy::kCompany, totals);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(report.error().message, "report by company: the USD total overflows");
  const std::vector<GroupTotal> one_line = {{"a", "USD", 1, Decimal(0, 4), Decimal(near_max, 2)},
                                            {"a", "CAD", 1, Decimal(0, 4), Decimal(near_max, 2)}};
  auto line = BuildUsdReport(GroupBy::kCompany, one_line);
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error().message, "report by company: the USD total of \"a\" overflows");
}

}  // namespace
}  // namespace billflow
