#ifndef BILLFLOW_SINKS_GROUP_KEY_SQL_H_
#define BILLFLOW_SINKS_GROUP_KEY_SQL_H_

#include <string_view>

#include "core/group_total.h"

namespace billflow {

enum class SqlDialect { kSqlite, kMysql, kPostgres };

// The constant SQL expression that groups loaded rows for `by`, over
// `billing_data d JOIN billing_files f`. Every backend's Totals() uses it, so the reports of
// all backends group alike; it never contains user data.
inline std::string_view GroupKeySql(GroupBy by, SqlDialect dialect) {
  switch (by) {
    case GroupBy::kMonth:
      switch (dialect) {
        case SqlDialect::kSqlite:
          return "substr(d.bill_date, 1, 7)";
        case SqlDialect::kMysql:
          return "DATE_FORMAT(d.bill_date, '%Y-%m')";
        case SqlDialect::kPostgres:
          return "to_char(d.bill_date, 'YYYY-MM')";
      }
      return "substr(d.bill_date, 1, 7)";
    case GroupBy::kCurrency:
      return "d.currency";
    case GroupBy::kCountry:
      return "d.country";
    case GroupBy::kProductLine:
      return "d.product_line";
    case GroupBy::kCompany:
      return "d.company_name";
    case GroupBy::kFile:
      return "f.source";
  }
  return "d.currency";
}

}  // namespace billflow

#endif  // BILLFLOW_SINKS_GROUP_KEY_SQL_H_
