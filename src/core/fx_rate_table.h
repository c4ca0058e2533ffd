#ifndef BILLFLOW_CORE_FX_RATE_TABLE_H_
#define BILLFLOW_CORE_FX_RATE_TABLE_H_

#include <cstdint>
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

// Dated exchange rates to USD. Lookups are cheap (no allocation) and thread-compatible.
class FxRateTable {
 public:
  static constexpr int kMaxRateScale = 10;

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
  bool Knows(std::string_view upper_currency) const;
  // Every rate, sorted by currency then valid_from.
  std::vector<FxRate> Entries() const;

 private:
  struct Dated {
    std::int64_t valid_from_day;
    CivilDate valid_from;
    Decimal rate;
    std::string source;
  };
  static std::uint32_t Key(std::string_view upper_currency);
  std::unordered_map<std::uint32_t, std::vector<Dated>> rates_;  // sorted by valid_from_day
};

}  // namespace billflow

#endif  // BILLFLOW_CORE_FX_RATE_TABLE_H_
