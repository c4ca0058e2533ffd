#ifndef BILLFLOW_CORE_FX_RATE_TABLE_H_
#define BILLFLOW_CORE_FX_RATE_TABLE_H_

#include <cstdint>
#include <deque>
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

// The rate a lookup found: the latest on or before the date asked. `source` points into the
// table and lives as long as it does; `rate` points into the table and lives until the table
// is changed (on a LoadingEach table, a lookup may change it: copy the rate first).
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

// The dates a LoadingEach table reads one currency's rates for at once: every rate with
// valid_from in [first, last], and the one latest rate before `first` (the rate in force on
// the window's first days when its own rates begin later), if there is one.
struct RateWindow {
  CivilDate first;
  CivilDate last;

  // The calendar year of `date`: [Y-01-01, Y-12-31].
  static RateWindow YearOf(CivilDate date);
};

// The stored rates of one currency (upper-case ISO 4217) in `window` (see RateWindow), in any
// order, for a table that loads them on the first lookup in that window.
using CurrencyRatesLoader = std::function<Result<std::vector<FxRate>>(
    std::string_view upper_currency, const RateWindow& window)>;

// Dated exchange rates to USD. Lookups are cheap (no allocation) and thread-compatible, except
// on a table made by LoadingEach.
class FxRateTable {
 public:
  static constexpr int kMaxRateScale = 10;

  // A table that holds no rate until it is looked up. A lookup of (currency, date) whose
  // calendar year was not read for that currency asks `load` for the year's window
  // (RateWindow::YearOf: the year's rates and the latest before it, which is all that "the
  // latest rate on or before a date of that year" can be) and keeps what it returned; every
  // later lookup in that year reads nothing. So a file of one month's bills reads each of its
  // currencies' rates of that year, not their history, and the table holds at most the rates
  // of the (currency, year) pairs looked up plus one rate per pair. A window without stored
  // rates is asked once. USD is never loaded. Lookups load, so such a table is for one thread
  // at a time. A failed load (or a loaded rate that Add refuses) finds nothing in windows not
  // yet read and stops loading until TakeLoadError() reports it; the window is asked again
  // after that.
  static FxRateTable LoadingEach(CurrencyRatesLoader load);

  // The original system's table: USD 1, CAD 0.79, MXN 0.05, all valid from 1970-01-01.
  static FxRateTable Default();
  // Parses CSV `currency,rate_to_usd,valid_from` (header required; any order of columns).
  // USD 1 from 1970-01-01 is added when the file does not rate USD. `origin` names the file
  // in error messages and becomes each rate's source.
  [[nodiscard]] static Result<FxRateTable> ParseCsv(std::string_view text, std::string_view origin);

  // Adds or replaces the rate of (currency, valid_from). Errors (kInvalidData): not an ISO
  // 4217 code; not positive or more than 10 decimals; a USD rate other than 1.
  [[nodiscard]] Status Add(const FxRate& rate);
  // The rate with the latest valid_from on or before `date`, or nullptr. USD, the base
  // currency, is exactly 1 on every date, whether the table holds a USD rate or not.
  const Decimal* Find(std::string_view upper_currency, CivilDate date) const;
  // Find with the rate's date and source. USD is found on every date as rate 1 of `date`,
  // source "USD".
  std::optional<FoundRate> FindDated(std::string_view upper_currency, CivilDate date) const;
  // Whether the table holds a rate of the currency (USD: only a USD rate added to it). On a
  // LoadingEach table: whether it has any stored rate, which loads the window of 9999 (its
  // rates and the newest before it).
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
    std::uint32_t source;  // index in sources_
  };
  struct CurrencyRates {
    std::vector<Dated> dated;  // sorted by valid_from_day
    // Of a LoadingEach table: the years whose window was read, sorted.
    std::vector<std::int32_t> loaded_years;
  };
  using RatesMap = std::unordered_map<std::uint32_t, CurrencyRates>;
  static std::uint32_t Key(std::string_view upper_currency);
  // Checks `rate` as Add documents and puts it into (*rates)[its currency].dated.
  [[nodiscard]] Status Insert(const FxRate& rate, RatesMap* rates) const;
  // Puts `dated` into the sorted `list`, replacing a rate of the same day.
  static void Put(const Dated& dated, std::vector<Dated>* list);
  // The index of `source` in sources_, added when new.
  std::uint32_t SourceId(std::string_view source) const;
  // The rates of `upper_currency`, or null; on a LoadingEach table, after loading the window
  // of `date` when it was not read yet (null when that load fails).
  const std::vector<Dated>* RatesFor(std::string_view upper_currency, CivilDate date) const;

  // Mutable for a LoadingEach table only: its const lookups fill them.
  mutable RatesMap rates_;  // a currency without dated rates: windows read, none stored
  // Every source named, once: rows keep views of them (BillingRecord::fx_rate_source) while
  // later loads grow the rate lists, so they live apart from them, as long as the table.
  mutable std::deque<std::string> sources_;
  CurrencyRatesLoader load_;
  mutable std::optional<Error> load_error_;
};

}  // namespace billflow

#endif  // BILLFLOW_CORE_FX_RATE_TABLE_H_
