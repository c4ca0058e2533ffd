#ifndef BILLFLOW_REPORT_USD_REPORT_H_
#define BILLFLOW_REPORT_USD_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/group_total.h"
#include "core/result.h"

namespace billflow {

// One line of a USD report: a group's rows and exact USD total across its currencies.
struct ReportLine {
  std::string key;
  std::uint64_t rows = 0;
  Decimal usd_total{0, 2};
  std::vector<std::string> currencies;  // the original currencies folded into this line
};

struct UsdReport {
  GroupBy by = GroupBy::kCurrency;
  std::vector<ReportLine> lines;  // ordered by key
  ReportLine total;               // key "total"
};

// Folds per-(key, currency) totals into one line per key, exactly. kLimitExceeded naming the
// report and the line when a sum leaves Decimal's 128-bit range (never wrapped, never dropped).
[[nodiscard]] Result<UsdReport> BuildUsdReport(GroupBy by, const std::vector<GroupTotal>& totals);

// A fixed-width text table with thousands separators, for terminals.
// A line's currencies as every report form shows them: "CAD MXN USD".
std::string CurrencyList(const std::vector<std::string>& currencies);

std::string RenderTable(const UsdReport& report);
// RFC 4180 CSV; text cells starting with = + - @ (or tab/CR) are prefixed with ' so that
// spreadsheets never run them as formulas. Amounts are plain decimals.
std::string RenderCsv(const UsdReport& report);
// {"by":…,"groups":[{"key","rows","usd_total","currencies"}],"total":{…}}; amounts as
// decimal strings so no JSON reader turns them into floating point.
std::string RenderJson(const UsdReport& report);

// CSV-escapes one text cell (quoting and formula-injection guard).
std::string CsvTextCell(std::string_view text);

}  // namespace billflow

#endif  // BILLFLOW_REPORT_USD_REPORT_H_
