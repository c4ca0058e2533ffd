#ifndef BILLFLOW_CORE_ROW_VALIDATOR_H_
#define BILLFLOW_CORE_ROW_VALIDATOR_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/billing_record.h"
#include "core/decimal.h"
#include "core/fx_rate_table.h"

namespace billflow {

// The contract's columns, in the contract's order.
enum class Column : int {
  kId,
  kCompanyName,
  kCountry,
  kCity,
  kProductLine,
  kItem,
  kBillDate,
  kCurrency,
  kBillAmount,
};
inline constexpr int kColumnCount = 9;
inline constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "id",   "company_name", "country",  "city",       "product_line",
    "item", "bill_date",    "currency", "bill_amount"};

// A row's raw text per contract column (views into the reader's buffer).
using RowFields = std::array<std::string_view, kColumnCount>;

struct ValidatorOptions {
  RoundingMode rounding = RoundingMode::kHalfEven;
  std::size_t max_id_bytes = 64;
  std::size_t max_text_chars = 255;
  // The file's number and date dialect (see Dialect): the defaults are the contract's.
  char decimal_separator = '.';
  std::string thousands_separator;        // UTF-8; empty = none
  std::vector<std::string> date_formats;  // tried in order; empty = YYYY-MM-DD, YYYY/MM/DD
  RateAgeLimit rate_age;                  // how old the rate a row uses may be
};

// Applies every row rule of the contract and converts the amount to USD.
// Holds a reference to `rates`, which must outlive it. Not thread-safe (reuses buffers).
class RowValidator {
 public:
  RowValidator(const FxRateTable& rates, ValidatorOptions options);

  // On success fills *out (views into `fields`) and returns true. On failure returns false
  // and *reason holds one precise sentence, e.g. `bill_date "2023-02-30" is not a calendar
  // date`. Allocation-free once `reason` has grown. When the row broke no rule but the
  // rate's (no USD rate on its bill_date, or none recent enough), *rate_missing (if given) is
  // set and *out holds every field but the rate: the row can be retried when rates arrive.
  bool Validate(const RowFields& fields, BillingRecord* out, std::string* reason,
                bool* rate_missing = nullptr) const;
  // Of a table that loads its rates (FxRateTable::LoadingEach): the error of a load that failed
  // since the last call. The rows validated meanwhile were judged without those rates.
  [[nodiscard]] Status TakeRateLoadError() const { return rates_.TakeLoadError(); }

 private:
  bool CheckText(Column column, std::string_view value, std::string* reason) const;
  bool ParseDate(std::string_view text, CivilDate* date, std::string* reason) const;
  bool ParseAmount(std::string_view text, Decimal* amount, std::string* reason) const;

  const FxRateTable& rates_;
  ValidatorOptions options_;
};

// Appends `"value"` to *out, cut to 40 characters with "…" so reasons stay short.
void AppendQuoted(std::string_view value, std::string* out);

// Number of UTF-8 code points in `text`, or -1 when it is not valid UTF-8.
std::int64_t Utf8Length(std::string_view text);

}  // namespace billflow

#endif  // BILLFLOW_CORE_ROW_VALIDATOR_H_
