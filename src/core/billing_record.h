#ifndef BILLFLOW_CORE_BILLING_RECORD_H_
#define BILLFLOW_CORE_BILLING_RECORD_H_

#include <cstdint>
#include <string_view>

#include "core/civil_date.h"
#include "core/decimal.h"

namespace billflow {

// One validated, converted billing row. The string_views point into the reader's buffer and
// are valid only during the RecordSink call that receives the record; a sink copies what it
// keeps. Amount scale is 4, rate scale as given (<= 10), usd scale 2.
struct BillingRecord {
  std::uint64_t line_number = 0;  // 1-based physical line where the record starts
  std::string_view id;
  std::string_view company_name;
  std::string_view country;  // two letters, as given
  std::string_view city;
  std::string_view product_line;
  std::string_view item;
  CivilDate bill_date;              // normalized; print with ToString() -> YYYY-MM-DD
  char currency[3] = {};            // upper-case ISO 4217 code
  Decimal bill_amount;              // DECIMAL(19,4)
  Decimal fx_rate;                  // DECIMAL(20,10), USD per unit of currency
  Decimal bill_amount_usd;          // DECIMAL(19,2)
  CivilDate fx_rate_date;           // valid_from of the rate used (bill_date for USD)
  std::string_view fx_rate_source;  // that rate's source ("ecb", a file, "default", "USD")
  std::string_view raw_line;        // the record's bytes as read (for duplicate-id rejects)

  std::string_view currency_code() const { return {currency, 3}; }
};

// A row that broke a rule: kept with its line, reason and raw bytes (possibly truncated).
struct RejectedRow {
  std::uint64_t line_number = 0;
  std::string_view reason;
  std::string_view raw_line;
  // Set when the only fault was a missing rate: the row's fields as core/retry_fields.h
  // encodes them, so it can be validated again once the rate exists. Empty otherwise.
  std::string_view retry_fields;
};

}  // namespace billflow

#endif  // BILLFLOW_CORE_BILLING_RECORD_H_
