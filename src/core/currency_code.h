#ifndef BILLFLOW_CORE_CURRENCY_CODE_H_
#define BILLFLOW_CORE_CURRENCY_CODE_H_

#include <string_view>

namespace billflow {

// True when `upper_code` (three upper-case ASCII letters) is an active ISO 4217 currency code
// or one of the fund/precious-metal codes still in the standard's list one.
bool IsIso4217Code(std::string_view upper_code);

// Copies three ASCII letters to upper case into out[0..2]; false when `text` is not exactly
// three ASCII letters.
bool NormalizeCurrencyCode(std::string_view text, char out[3]);

}  // namespace billflow

#endif  // BILLFLOW_CORE_CURRENCY_CODE_H_
