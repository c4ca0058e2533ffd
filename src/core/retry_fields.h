#ifndef BILLFLOW_CORE_RETRY_FIELDS_H_
#define BILLFLOW_CORE_RETRY_FIELDS_H_

#include <array>
#include <string>
#include <string_view>

#include "core/billing_record.h"
#include "core/row_validator.h"

namespace billflow {

// What a rate-missing reject keeps so it can be validated again without its file: the row's
// nine contract fields in the canonical form the validator gave them (bill_date YYYY-MM-DD,
// upper-case currency, bill_amount with 4 decimals), tab-separated, escaped as kTsvEscapes says
// (core/backslash_escape.h). Read back with the default dialect, they validate exactly as the
// row did, except for the rate. Stored in billing_rejects.retry_fields.

// Appends the encoding of `row` (every field but the rate set) to *out.
void AppendRetryFields(const BillingRecord& row, std::string* out);

// The fields of an encoding, each decoded; false when `encoded` is not nine such fields.
[[nodiscard]] bool DecodeRetryFields(std::string_view encoded,
                                     std::array<std::string, kColumnCount>* fields);

}  // namespace billflow

#endif  // BILLFLOW_CORE_RETRY_FIELDS_H_
