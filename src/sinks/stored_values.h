#ifndef BILLFLOW_SINKS_STORED_VALUES_H_
#define BILLFLOW_SINKS_STORED_VALUES_H_

#include <optional>
#include <string_view>

#include "core/decimal.h"
#include "core/fx_rate_table.h"
#include "core/result.h"
#include "sinks/record_sink.h"

namespace billflow {

// How every backend turns what its database returns into values, so that the same stored data
// reads the same over SQLite, MySQL and the Data API.

// `text` as a decimal of exactly `scale` fractional digits; nullopt when it is not a decimal
// or would need rounding to fit (a stored value is never silently changed).
[[nodiscard]] std::optional<Decimal> StoredDecimal(std::string_view text, int scale);

// A row of fx_rates. The rate is given in its canonical form — the stored value without
// trailing fractional zeros ("0.7900000000" and "0.79" are both 0.79) — whatever the column
// type. kInvalidData naming `label` (the database) and the row when a value does not parse.
[[nodiscard]] Result<FxRate> ParseStoredRate(std::string_view currency, std::string_view valid_from,
                                             std::string_view rate_to_usd, std::string_view source,
                                             std::string_view label);

// billing_files.status `text` of `source`; kInvalidData naming `label` for anything but the
// three stored spellings.
[[nodiscard]] Result<LedgerStatus> StoredLedgerStatus(std::string_view text,
                                                      std::string_view source,
                                                      std::string_view label);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_STORED_VALUES_H_
