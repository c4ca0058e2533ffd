#ifndef BILLFLOW_CORE_GROUP_TOTAL_H_
#define BILLFLOW_CORE_GROUP_TOTAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/decimal.h"

namespace billflow {

// How `billflow report` groups loaded rows.
enum class GroupBy { kMonth, kCurrency, kCountry, kProductLine, kCompany, kFile };

std::string_view GroupByName(GroupBy by);  // "month", "currency", ...
bool ParseGroupBy(std::string_view name, GroupBy* out);

// Exact totals of one (key, currency) group of loaded rows.
struct GroupTotal {
  std::string key;       // e.g. "2023-05", "CA", "file:///x.csv"
  std::string currency;  // original currency of the rows
  std::uint64_t rows = 0;
  Decimal amount_total{0, 4};  // in `currency`
  Decimal usd_total{0, 2};
};

}  // namespace billflow

#endif  // BILLFLOW_CORE_GROUP_TOTAL_H_
