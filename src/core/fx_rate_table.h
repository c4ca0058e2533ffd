#ifndef BILLFLOW_CORE_FX_RATE_TABLE_H_
#define BILLFLOW_CORE_FX_RATE_TABLE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/civil_date.h"
#include "core/decimal.h"
#include "core/result.h"

namespace billflow {

// One dated rate: from `valid_from` on, 1 unit of `currency` is worth `rate_to_usd` USD.
struct FxRate {
  std::string currency;  // upper-case ISO 4217
  CivilDate valid_from;
  Decimal rate_to_usd;  // at most 10 decimals, > 0
  std::string source;   // where it came from: "default", a file name, "ecb"
};

// The source name of every rate read from the ECB, in whatever layout.
inline constexpr char kEcbSource[] = "ecb";

// The rate a lookup found: the latest on or before the date asked. `rate` and `source` point
// into the table and live as long as it is not changed.
struct FoundRate {
  const Decimal* rate = nullptr;
  CivilDate valid_from;
  std::string_view source;
};

// How old the rate used for a row may be: the days from its valid_from to the bill_date.
// ECB rates are daily quotes, so by default one older than kEcbDays is no rate at all; rates of
// every other source (a --rates file, `rates import --csv`, the built-in table) stand until the
// next valid_from. `all_sources_days` (--max-rate-age-days) sets one limit for every source.
struct RateAgeLimit {
  static constexpr std::uint32_t kEcbDays = 7;
  std::optional<std::uint32_t> all_sources_days;

  // The limit for a rate of `source`, or nullopt when it has none.
  std::optional<std::uint32_t> DaysFor(std::string_view source) const;
};

// Every stored rate of one currency (upper-case ISO 4217), for a table that loads them on the
// currency's first lookup.
using CurrencyRatesLoader =
    std::function<Result<std::vector<FxRate>>(std::string_view upper_currency)>;

// Dated exchange rates to USD. Lookups are cheap (no allocation) and thread-compatible, except
// on a table made by LoadingEach.
class FxRateTable {
 public:
  static constexpr int kMaxRateScale = 10;

  // A table that holds no rate until a currency is first looked up (FindDated, Find, Knows),
  // and from then on every rate `load` returned for it (a currency it has none of is asked
  // once). USD is never loaded. Lookups load, so such a table is for one thread at a time. A
  // failed load (or a loaded rate that Add refuses) finds nothing and stops loading until
  // TakeLoadError() reports it; the currency is asked again after that.
  static FxRateTable LoadingEach(CurrencyRatesLoader load);

  // The original system's table: USD 1, CAD 0.79, MXN 0.05, all valid from 1970-01-01.
  static FxRateTable Default();
  // Parses CSV `currency,rate_to_usd,valid_from` (header required; any order of columns).
  // USD 1 from 1970-01-01 is added when the file does not rate USD. `origin` names the file
  // in error messages and becomes each rate's source.
  [[nodiscard]] static Result<FxRateTable> ParseCsv(std::string_view text, std::string_view origin);

  // Adds or replaces the rate of (currency, valid_from). Errors (kInvalidData): not an ISO
  // 4217 code; not positive or more than 10 decimals; a USD rate other than 1.
  [[nodiscard]] Status Add(FxRate rate);
  // The rate with the latest valid_from on or before `date`, or nullptr. USD, the base
  // currency, is exactly 1 on every date, whether the table holds a USD rate or not.
  const Decimal* Find(std::string_view upper_currency, CivilDate date) const;
  // Find with the rate's date and source. USD is found on every date as rate 1 of `date`,
  // source "USD".
  std::optional<FoundRate> FindDated(std::string_view upper_currency, CivilDate date) const;
  bool Knows(std::string_view upper_currency) const;
  // Every rate (of a LoadingEach table: every rate loaded), sorted by currency then valid_from.
  std::vector<FxRate> Entries() const;
  // The error of a failed load since the last call (and loading resumes), or Ok.
  [[nodiscard]] Status TakeLoadError() const;

 private:
  struct Dated {
    std::int64_t valid_from_day;
    CivilDate valid_from;
    Decimal rate;
    std::string source;
  };
  using DatedMap = std::unordered_map<std::uint32_t, std::vector<Dated>>;
  static std::uint32_t Key(std::string_view upper_currency);
  [[nodiscard]] static Status Insert(FxRate rate, DatedMap* rates);
  // The rates of `upper_currency` (loading them first on a LoadingEach table), or null.
  const std::vector<Dated>* RatesOf(std::string_view upper_currency) const;

  // Mutable for a LoadingEach table only: its const lookups fill it.
  mutable DatedMap rates_;  // sorted by valid_from_day; an empty list: loaded, none stored
  CurrencyRatesLoader load_;
  mutable std::optional<Error> load_error_;
};

}  // namespace billflow

#endif  // BILLFLOW_CORE_FX_RATE_TABLE_H_
