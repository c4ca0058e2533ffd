#ifndef BILLFLOW_SINKS_LEDGER_PAGE_H_
#define BILLFLOW_SINKS_LEDGER_PAGE_H_

#include <cstddef>

namespace billflow {

// Rows per answer of FileLedger's jobs (keyset pages). The widest such row is a billing_data
// row or a reject's retry_fields: nine fields of at most 255 characters, under 18 KiB even with
// every character JSON-escaped, so a page stays inside the Data API's 1 MiB answers.
inline constexpr std::size_t kLedgerPageRows = 50;
inline constexpr char kLedgerPageLimit[] = "LIMIT 50";

}  // namespace billflow

#endif  // BILLFLOW_SINKS_LEDGER_PAGE_H_
