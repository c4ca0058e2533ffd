#include "sinks/stored_values.h"

#include <string>

namespace billflow {

std::optional<Decimal> StoredDecimal(std::string_view text, int scale) {
  std::optional<Decimal> parsed = Decimal::FromString(text);
  if (!parsed) return std::nullopt;
  std::optional<Decimal> scaled = parsed->Rescale(scale, RoundingMode::kHalfEven);
  if (!scaled || !(*scaled == *parsed)) return std::nullopt;
  return scaled;
}

Result<FxRate> ParseStoredRate(std::string_view currency, std::string_view valid_from,
                               std::string_view rate_to_usd, std::string_view source,
                               std::string_view label) {
  FxRate rate;
  rate.currency = std::string(currency);
  rate.source = std::string(source);
  std::string_view digits = rate_to_usd;
  if (digits.find('.') != std::string_view::npos) {
    while (!digits.empty() && digits.back() == '0') digits.remove_suffix(1);
    if (!digits.empty() && digits.back() == '.') digits.remove_suffix(1);
  }
  std::optional<Decimal> value = Decimal::FromString(digits);
  if (ParseCivilDate(valid_from, &rate.valid_from) != DateParseError::kNone || !value) {
    return Fail(ErrorCode::kInvalidData, std::string(label) + ": fx_rates row " +
                                             std::string(currency) + " " + std::string(valid_from) +
                                             " rate \"" + std::string(rate_to_usd) +
                                             "\" is malformed");
  }
  rate.rate_to_usd = *value;
  return rate;
}

Result<LedgerStatus> StoredLedgerStatus(std::string_view text, std::string_view source,
                                        std::string_view label) {
  if (std::optional<LedgerStatus> status = ParseLedgerStatus(text)) return *status;
  return Fail(ErrorCode::kInvalidData, std::string(label) + ": billing_files status \"" +
                                           std::string(text) + "\" of " + std::string(source) +
                                           " is not loading, loaded or failed");
}

}  // namespace billflow
