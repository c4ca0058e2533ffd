#include "sinks/stored_values.h"

#include <charconv>
#include <string>

#include "core/row_validator.h"
#include "crypto/sha256.h"

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

std::string SourceSha256Hex(std::string_view source) { return ToHex(Sha256::Of(source)); }

Error StoredRow::Bad(std::size_t i, std::string_view what) const {
  std::string message = std::string(label_) + ": " + std::string(table_) + "." +
                        std::string(i < columns_.size() ? columns_[i] : "?") + " ";
  if (i < row_.size() && row_[i]) AppendQuoted(*row_[i], &message);
  if (i < row_.size() && row_[i]) message += " ";
  message += what;
  return Error{ErrorCode::kInvalidData, std::move(message)};
}

Status StoredRow::CheckWidth() const {
  if (row_.size() >= columns_.size()) return Ok();
  return Fail(ErrorCode::kInvalidData, std::string(label_) + ": a row of " + std::string(table_) +
                                           " has " + std::to_string(row_.size()) +
                                           " columns, not " + std::to_string(columns_.size()));
}

Result<std::string> StoredRow::Text(std::size_t i) const {
  if (i >= row_.size()) return tl::unexpected(Bad(i, "is missing"));
  if (!row_[i]) return tl::unexpected(Bad(i, "is NULL"));
  return *row_[i];
}

Result<std::string> StoredRow::NullableText(std::size_t i) const {
  if (i >= row_.size()) return tl::unexpected(Bad(i, "is missing"));
  return row_[i].value_or(std::string());
}

Result<std::int64_t> StoredRow::Int(std::size_t i) const {
  Result<std::string> text = Text(i);
  if (!text) return tl::unexpected(text.error());
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [stop, error] = std::from_chars(text->data(), end, value);
  if (text->empty() || error != std::errc() || stop != end) {
    return tl::unexpected(Bad(i, "is not an integer"));
  }
  return value;
}

Result<std::uint64_t> StoredRow::Count(std::size_t i) const {
  Result<std::int64_t> value = Int(i);
  if (!value) {
    if (i < row_.size() && row_[i]) return tl::unexpected(Bad(i, "is not a count"));
    return tl::unexpected(value.error());
  }
  if (*value < 0) return tl::unexpected(Bad(i, "is not a count"));
  return static_cast<std::uint64_t>(*value);
}

Result<Decimal> StoredRow::Amount(std::size_t i, int scale) const {
  Result<std::string> text = Text(i);
  if (!text) return tl::unexpected(text.error());
  std::optional<Decimal> value = StoredDecimal(*text, scale);
  if (!value) {
    return tl::unexpected(
        Bad(i, "is not a decimal of " + std::to_string(scale) + " fractional digits"));
  }
  return *value;
}

}  // namespace billflow
