#ifndef BILLFLOW_REPORT_HTML_REPORT_H_
#define BILLFLOW_REPORT_HTML_REPORT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/group_total.h"
#include "core/result.h"

namespace billflow {

// Rejected rows that share a reason (after ReasonGroup).
struct ReasonCount {
  std::string reason;
  std::uint64_t rows = 0;
};

// The reason with its quoted value masked, so rows rejected for the same rule group together:
// `bill_date "2023-02-30" is not a calendar date` -> `bill_date "…" is not a calendar date`.
std::string ReasonGroup(std::string_view reason);

// Counts reasons by ReasonGroup, most frequent first (ties by reason text).
std::vector<ReasonCount> CountRejectReasons(const std::vector<std::string>& reasons);

// What the HTML report shows; the CLI fills it from Database queries.
struct HtmlReportInput {
  std::string title = "billflow: loaded billing data in USD";
  std::string subtitle;                     // e.g. database and time of generation
  std::vector<GroupTotal> by_month;         // Totals(GroupBy::kMonth)
  std::vector<GroupTotal> by_product_line;  // Totals(GroupBy::kProductLine)
  std::vector<ReasonCount> rejects;         // CountRejectReasons of every reject
  std::uint64_t files_loaded = 0;
  std::uint64_t files_failed = 0;
};

// One self-contained HTML page (inline CSS and SVG; no script, font, image or other network
// reference) with three charts — USD by month stacked by currency, USD by product line,
// rejected rows by reason — each followed by the table it draws. Every amount shown as text
// is formatted from Decimal; doubles are used only for chart geometry. All data text is
// HTML-escaped. kLimitExceeded when the USD totals cannot be summed within Decimal's range.
[[nodiscard]] Result<std::string> RenderHtml(const HtmlReportInput& input);

}  // namespace billflow

#endif  // BILLFLOW_REPORT_HTML_REPORT_H_
