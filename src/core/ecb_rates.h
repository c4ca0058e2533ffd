#ifndef BILLFLOW_CORE_ECB_RATES_H_
#define BILLFLOW_CORE_ECB_RATES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
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

// USD-based rates read from ECB reference-rate quotes.
struct EcbRates {
  std::vector<FxRate> rates;  // source "ecb", valid_from = the ECB date; per date EUR first,
                              // then the other currencies in the order the file gives them
  std::size_t dates = 0;      // dates imported (a USD value was present)
  std::size_t dates_without_usd = 0;            // skipped: USD was N/A or absent
  std::size_t missing_values = 0;               // N/A or empty cells skipped
  std::vector<std::string> skipped_currencies;  // not active ISO 4217 codes, in first-seen order
  std::optional<CivilDate> first_date, last_date;
};

// One quote as the ECB publishes it: `value` units of `currency` per 1 EUR, as text
// ("1.0713"; "N/A" or "" when there is none).
struct EcbQuote {
  std::string_view currency;  // upper-case three-letter code
  std::string_view value;
};

// Turns ECB quotes into USD rates one date at a time, whatever layout they were read from
// (CSV history, XML feeds), so every layout gives the same rates for the same quotes.
// For a date D with a USD value u and a value c for currency C:
//   rate_to_usd(C, D) = u / c, exact division rounded half-even to 10 decimals;
//   rate_to_usd(EUR, D) = u (the ECB's own USD quote).  USD itself is not emitted (it is 1).
// A date without a USD value gives no rates (counted in dates_without_usd).
class EcbRatesBuilder {
 public:
  // Whether quotes in `code` (upper-case, three letters) become rates: true for USD and
  // active ISO 4217 codes; otherwise the code is added once to skipped_currencies, since
  // billflow cannot rate rows in it anyway (CYP, TRL, …), and false is returned.
  bool Accepts(std::string_view code);
  // Adds one date's quotes, every one in a currency Accepts() took. `at` prefixes errors
  // ("ORIGIN:LINE: "). Errors (kInvalidData): the date was given before; a value that is
  // neither N/A, empty nor a positive decimal; a quote too small to give a 10-decimal rate.
  [[nodiscard]] Status AddDate(CivilDate date, std::span<const EcbQuote> quotes,
                               const std::string& at);
  // The rates so far. Error (kInvalidData, "ORIGIN: no dates with a USD rate") when no date
  // had a USD value.
  [[nodiscard]] Result<EcbRates> Finish(std::string_view origin) &&;

 private:
  EcbRates out_;
  std::set<std::int64_t> seen_days_;
  std::vector<std::optional<Decimal>> values_;  // per quote of the current date
};

// Parses the ECB's reference-rate history CSV (eurofxref-hist.csv): a header
// `Date,USD,JPY,…,` (a trailing comma leaves an empty last column), one line per business
// day, newest first, values in units of currency per 1 EUR, `N/A` where there is none.
// Rates as EcbRatesBuilder computes them.
// Errors (kInvalidData, "ORIGIN:LINE: …"): no Date or USD column, a malformed date or value,
// a value that is not positive, a date given twice, no data lines.
[[nodiscard]] Result<EcbRates> ParseEcbHistory(std::string_view text, std::string_view origin);

}  // namespace billflow

#endif  // BILLFLOW_CORE_ECB_RATES_H_
