#ifndef BILLFLOW_CORE_ECB_RATES_H_
#define BILLFLOW_CORE_ECB_RATES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.h"
#include "core/fx_rate_table.h"
#include "core/result.h"

namespace billflow {

// a / b rounded once to `scale` decimals with `mode`, computed exactly in 128-bit integers.
// nullopt when b is zero, scale is outside 0..Decimal::kMaxScale, or a step would overflow.
std::optional<Decimal> DivideDecimal(const Decimal& a, const Decimal& b, int scale,
                                     RoundingMode mode);

// USD-based rates read from an ECB reference-rate history file.
struct EcbRates {
  std::vector<FxRate> rates;  // source "ecb", valid_from = the ECB date, ordered as in the file
  std::size_t dates = 0;      // dates imported (a USD value was present)
  std::size_t dates_without_usd = 0;            // skipped: USD was N/A
  std::size_t missing_values = 0;               // N/A or empty cells skipped
  std::vector<std::string> skipped_currencies;  // columns that are not active ISO 4217 codes
  std::optional<CivilDate> first_date, last_date;
};

// Parses the ECB's reference-rate history CSV (eurofxref-hist.csv): a header
// `Date,USD,JPY,…,` (a trailing comma leaves an empty last column), one line per business
// day, newest first, values in units of currency per 1 EUR, `N/A` where there is none.
// For a date D with a USD value u and a value c for currency C:
//   rate_to_usd(C, D) = u / c, exact division rounded half-even to 10 decimals;
//   rate_to_usd(EUR, D) = u.  USD itself is not emitted (it is 1).
// Columns whose code is not an active ISO 4217 code (CYP, TRL, …) are skipped and named in
// skipped_currencies, since billflow cannot rate rows in them anyway.
// Errors (kInvalidData, "ORIGIN:LINE: …"): no Date or USD column, a malformed date or value,
// a value that is not positive, a date given twice, no data lines.
[[nodiscard]] Result<EcbRates> ParseEcbHistory(std::string_view text, std::string_view origin);

}  // namespace billflow

#endif  // BILLFLOW_CORE_ECB_RATES_H_
