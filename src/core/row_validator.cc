#include "core/row_validator.h"

#include <cstring>

#include "core/amount_format.h"
#include "core/ascii.h"
#include "core/currency_code.h"
#include "core/date_format.h"

namespace billflow {
namespace {

constexpr std::size_t kMaxQuotedBytes = 40;
// DECIMAL(19,4) holds 15 integer digits; DECIMAL(19,2) holds 17.
constexpr int kAmountScale = 4;
constexpr int kAmountIntegerDigits = 15;
constexpr __int128 kUsdLimitCents = static_cast<__int128>(100000000000000000LL) * 100;  // 10^19

std::string_view ColumnName(Column column) {
  return kColumnNames[static_cast<std::size_t>(column)];
}

}  // namespace

std::int64_t Utf8Length(std::string_view text) {
  std::int64_t count = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  // Most billing text is ASCII: skip eight bytes at a time while no high bit is set.
  while (end - p >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    if ((word & 0x8080808080808080ULL) != 0) break;
    p += 8;
    count += 8;
  }
  while (p < end) {
    const unsigned char c = *p;
    int extra = 0;
    std::uint32_t code_point = 0;
    if (c < 0x80) {
      ++p;
      ++count;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code_point = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code_point = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code_point = c & 0x07u;
    } else {
      return -1;
    }
    if (end - p <= extra) return -1;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return -1;
      code_point = (code_point << 6) | (p[i] & 0x3Fu);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    static constexpr std::uint32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (code_point < kMin[extra] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return -1;
    }
    p += extra + 1;
    ++count;
  }
  return count;
}

void AppendQuoted(std::string_view value, std::string* out) {
  out->push_back('"');
  if (value.size() <= kMaxQuotedBytes) {
    out->append(value);
  } else {
    std::size_t cut = kMaxQuotedBytes;
    // Do not split a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    out->append(value.substr(0, cut));
    out->append("\xE2\x80\xA6");  // …
  }
  out->push_back('"');
}

RowValidator::RowValidator(const FxRateTable& rates, ValidatorOptions options)
    : rates_(rates), options_(options) {}

namespace {

// True when `text` is ASCII without a NUL byte, so valid UTF-8 of text.size() characters.
// One pass, eight bytes at a time: most billing text takes only this path.
bool IsPlainAscii(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  const char* p = text.data();
  const char* end = p + text.size();
  for (; end - p >= 8; p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    // High bit set, or a zero byte ((w - 1) & ~w has the high bit of each zero byte).
    if (((word | ((word - kOnes) & ~word)) & kHighBits) != 0) return false;
  }
  for (; p < end; ++p) {
    if (*p == '\0' || (static_cast<unsigned char>(*p) & 0x80) != 0) return false;
  }
  return true;
}

}  // namespace

bool RowValidator::CheckText(Column column, std::string_view value, std::string* reason) const {
  if (IsPlainAscii(value) && value.size() <= options_.max_text_chars) return true;
  if (std::memchr(value.data(), '\0', value.size()) != nullptr) {
    reason->assign(ColumnName(column)).append(" contains a NUL byte");
    return false;
  }
  const std::int64_t length = Utf8Length(value);
  if (length < 0) {
    reason->assign(ColumnName(column)).append(" is not valid UTF-8");
    return false;
  }
  if (static_cast<std::size_t>(length) > options_.max_text_chars) {
    reason->assign(ColumnName(column))
        .append(" is longer than ")
        .append(std::to_string(options_.max_text_chars))
        .append(" characters (")
        .append(std::to_string(length))
        .append(")");
    return false;
  }
  return true;
}

bool RowValidator::ParseDate(std::string_view text, CivilDate* date, std::string* reason) const {
  DateParseError error = DateParseError::kBadFormat;
  if (options_.date_formats.empty()) {
    error = ParseCivilDate(text, date);
  } else {
    for (const std::string& format : options_.date_formats) {
      error = ParseDateWithFormat(text, format, date);
      if (error != DateParseError::kBadFormat) break;
    }
  }
  switch (error) {
    case DateParseError::kNone:
      return true;
    case DateParseError::kBadFormat:
      reason->assign("bill_date ");
      AppendQuoted(text, reason);
      if (options_.date_formats.empty()) {
        reason->append(" is not YYYY-MM-DD; set date_formats");
      } else {
        reason->append(" matches none of date_formats");
        for (std::size_t i = 0; i < options_.date_formats.size(); ++i) {
          reason->append(i == 0 ? " " : ", ").append(options_.date_formats[i]);
        }
      }
      return false;
    case DateParseError::kNotCalendarDate:
      reason->assign("bill_date ");
      AppendQuoted(text, reason);
      reason->append(" is not a calendar date");
      return false;
  }
  return false;
}

bool RowValidator::ParseAmount(std::string_view text, Decimal* amount, std::string* reason) const {
  std::string_view digits = text;
  // Generous: DECIMAL(19,4) needs 21 characters; longer rewritten text cannot be in range.
  char rewritten[64];
  const bool plain = options_.decimal_separator == '.' && options_.thousands_separator.empty();
  if (!plain) {
    std::size_t size = 0;
    const AmountStyle style{options_.decimal_separator, options_.thousands_separator};
    switch (RewriteAmount(text, style, rewritten, sizeof rewritten, &size)) {
      case AmountFormatError::kNone:
        digits = std::string_view(rewritten, size);
        break;
      case AmountFormatError::kMisplacedThousands:
        reason->assign("bill_amount ");
        AppendQuoted(text, reason);
        reason->append(" has a thousands separator out of place");
        return false;
      case AmountFormatError::kTooLong:
        reason->assign("bill_amount ");
        AppendQuoted(text, reason);
        reason->append(" is out of range for DECIMAL(19,4)");
        return false;
    }
  }
  switch (Decimal::Parse(digits, kAmountScale, kAmountIntegerDigits, amount)) {
    case DecimalParseError::kNone:
      return true;
    case DecimalParseError::kEmpty:
      reason->assign("bill_amount is empty");
      return false;
    case DecimalParseError::kInvalidChar:
      reason->assign("bill_amount ");
      AppendQuoted(text, reason);
      reason->append(" is not a decimal number");
      // A comma in a plain number is most likely a decimal comma or a thousands separator.
      if (plain && text.find(',') != std::string_view::npos) {
        reason->append("; set decimal_separator or thousands_separator");
      }
      return false;
    case DecimalParseError::kTooManyDecimals:
      reason->assign("bill_amount ");
      AppendQuoted(text, reason);
      reason->append(" has more than 4 decimals");
      return false;
    case DecimalParseError::kOutOfRange:
      reason->assign("bill_amount ");
      AppendQuoted(text, reason);
      reason->append(" is out of range for DECIMAL(19,4)");
      return false;
  }
  return false;
}

bool RowValidator::Validate(const RowFields& fields, BillingRecord* out, std::string* reason,
                            bool* rate_missing) const {
  const auto field = [&](Column c) { return fields[static_cast<std::size_t>(c)]; };
  if (rate_missing != nullptr) *rate_missing = false;

  const std::string_view id = field(Column::kId);
  if (TrimAscii(id).empty()) {
    reason->assign("id is empty");
    return false;
  }
  if (id.size() > options_.max_id_bytes) {
    reason->assign("id is longer than ")
        .append(std::to_string(options_.max_id_bytes))
        .append(" bytes (")
        .append(std::to_string(id.size()))
        .append(")");
    return false;
  }
  for (Column c : {Column::kId, Column::kCompanyName, Column::kCountry, Column::kCity,
                   Column::kProductLine, Column::kItem}) {
    if (!CheckText(c, field(c), reason)) return false;
  }

  const std::string_view country = field(Column::kCountry);
  const auto is_letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (country.size() != 2 || !is_letter(country[0]) || !is_letter(country[1])) {
    reason->assign("country ");
    AppendQuoted(country, reason);
    reason->append(" is not a two-letter code");
    return false;
  }

  const std::string_view date_text = field(Column::kBillDate);
  if (!ParseDate(date_text, &out->bill_date, reason)) return false;

  const std::string_view currency_text = TrimAscii(field(Column::kCurrency));
  if (!NormalizeCurrencyCode(currency_text, out->currency)) {
    reason->assign("currency ");
    AppendQuoted(field(Column::kCurrency), reason);
    reason->append(" is not a three-letter code");
    return false;
  }
  if (!IsIso4217Code(out->currency_code())) {
    reason->assign("currency ");
    AppendQuoted(currency_text, reason);
    reason->append(" is not an ISO 4217 code");
    return false;
  }
  const std::string_view amount_text = field(Column::kBillAmount);
  Decimal amount;
  if (!ParseAmount(amount_text, &amount, reason)) return false;
  // Parse succeeded with scale <= 4, so growing to 4 cannot overflow 128 bits.
  out->bill_amount = *amount.Rescale(kAmountScale, RoundingMode::kHalfEven);
  out->id = id;
  out->company_name = field(Column::kCompanyName);
  out->country = country;
  out->city = field(Column::kCity);
  out->product_line = field(Column::kProductLine);
  out->item = field(Column::kItem);
  // Checked last, so a row rejected for its rate broke no other rule and can be retried once
  // the rate arrives.
  const std::optional<FoundRate> found = rates_.FindDated(out->currency_code(), out->bill_date);
  if (!found) {
    reason->assign("currency ").append(out->currency_code()).append(" has no USD rate on ");
    reason->append(out->bill_date.ToString());
    if (rate_missing != nullptr) *rate_missing = true;
    return false;
  }
  const std::int64_t age_days =
      out->bill_date.DaysSinceEpoch() - found->valid_from.DaysSinceEpoch();
  if (const auto limit = options_.rate_age.DaysFor(found->source);
      limit && age_days > static_cast<std::int64_t>(*limit)) {
    reason->assign("currency ").append(out->currency_code()).append(" has no USD rate on ");
    reason->append(out->bill_date.ToString()).append(" at most ");
    reason->append(std::to_string(*limit)).append(" days old: the newest is of ");
    reason->append(found->valid_from.ToString()).append(" (").append(found->source);
    reason->append(", ").append(std::to_string(age_days));
    reason->append(" days older); import newer rates or raise --max-rate-age-days");
    if (rate_missing != nullptr) *rate_missing = true;
    return false;
  }
  out->fx_rate = *found->rate;
  out->fx_rate_date = found->valid_from;
  out->fx_rate_source = found->source;
  const auto exact = out->bill_amount.Multiply(*found->rate);
  const auto usd = exact ? exact->Rescale(2, options_.rounding) : std::nullopt;
  if (!usd || usd->units() >= kUsdLimitCents || usd->units() <= -kUsdLimitCents) {
    reason->assign("bill_amount_usd of ");
    AppendQuoted(amount_text, reason);
    reason->append(" is out of range for DECIMAL(19,2)");
    return false;
  }
  out->bill_amount_usd = *usd;

  return true;
}

}  // namespace billflow
