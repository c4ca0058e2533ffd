#include "core/ecb_rates.h"

#include <algorithm>
#include <cstdlib>

#include "core/ascii.h"
#include "core/currency_code.h"

namespace billflow {

namespace {

constexpr __int128 kInt128Max = static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1);

bool MultiplyByPowerOfTen(__int128* value, int exponent) {
  for (int i = 0; i < exponent; ++i) {
    if (*value > kInt128Max / 10) return false;
    *value *= 10;
  }
  return true;
}

std::vector<std::string_view> SplitCommas(std::string_view line) {
  std::vector<std::string_view> fields;
  while (true) {
    const auto comma = line.find(',');
    fields.push_back(TrimAscii(line.substr(0, comma), " \t\r"));
    if (comma == std::string_view::npos) return fields;
    line.remove_prefix(comma + 1);
  }
}

// fx_rates.rate_to_usd is DECIMAL(20,10) on every backend.
constexpr char kRateColumnRule[] =
    " that is positive with at most 10 integer and 10 decimal digits";
bool FitsRateColumn(const std::optional<Decimal>& rate) {
  return rate && rate->units() > 0 && *rate < Decimal(10'000'000'000, 0);
}

}  // namespace

std::optional<Decimal> DivideDecimal(const Decimal& a, const Decimal& b, int scale,
                                     RoundingMode mode) {
  if (b.units() == 0 || scale < 0 || scale > Decimal::kMaxScale) return std::nullopt;
  // a/b * 10^scale = a.units * 10^(b.scale + scale - a.scale) / b.units
  const bool negative = (a.units() < 0) != (b.units() < 0);
  __int128 numerator = a.units() < 0 ? -a.units() : a.units();
  __int128 denominator = b.units() < 0 ? -b.units() : b.units();
  const int exponent = b.scale() + scale - a.scale();
  if (!MultiplyByPowerOfTen(exponent >= 0 ? &numerator : &denominator,
                            exponent >= 0 ? exponent : -exponent)) {
    return std::nullopt;
  }
  __int128 quotient = numerator / denominator;
  const __int128 remainder = numerator % denominator;
  // Compare 2*remainder with the denominator without overflowing.
  const __int128 other_half = denominator - remainder;
  const bool above_half = remainder > other_half;
  const bool at_half = remainder == other_half;
  if (above_half || (at_half && (mode == RoundingMode::kHalfUp || (quotient & 1) != 0))) ++quotient;
  return Decimal(negative ? -quotient : quotient, scale);
}

bool EcbRatesBuilder::Accepts(std::string_view code) {
  if (code == "USD" || IsIso4217Code(code)) return true;
  const std::string skipped(code);
  if (std::find(out_.skipped_currencies.begin(), out_.skipped_currencies.end(), skipped) ==
      out_.skipped_currencies.end()) {
    out_.skipped_currencies.push_back(skipped);
  }
  return false;
}

Status EcbRatesBuilder::AddDate(CivilDate date, std::span<const EcbQuote> quotes,
                                const std::string& at) {
  if (!seen_days_.insert(date.DaysSinceEpoch()).second) {
    return Fail(ErrorCode::kInvalidData, at + "date " + date.ToString() + " appears twice");
  }
  values_.assign(quotes.size(), std::nullopt);
  const Decimal* usd = nullptr;
  for (std::size_t i = 0; i < quotes.size(); ++i) {
    const EcbQuote& quote = quotes[i];
    if (quote.value.empty() || quote.value == "N/A") {
      ++out_.missing_values;
      continue;
    }
    Decimal value;
    if (Decimal::Parse(quote.value, Decimal::kMaxScale, 18, &value) != DecimalParseError::kNone ||
        value.units() <= 0) {
      return Fail(ErrorCode::kInvalidData, at + std::string(quote.currency) + " value \"" +
                                               std::string(quote.value) +
                                               "\" is not a positive decimal number");
    }
    values_[i] = value;
    if (quote.currency == "USD") usd = &*values_[i];
  }
  if (usd == nullptr) {
    ++out_.dates_without_usd;
    return Ok();
  }
  ++out_.dates;
  if (!out_.first_date || date < *out_.first_date) out_.first_date = date;
  if (!out_.last_date || *out_.last_date < date) out_.last_date = date;
  const auto eur =
      usd->Rescale(std::min(usd->scale(), FxRateTable::kMaxRateScale), RoundingMode::kHalfEven);
  if (!FitsRateColumn(eur)) {
    return Fail(ErrorCode::kInvalidData,
                at + "USD value " + usd->ToString() + " gives no EUR rate" + kRateColumnRule);
  }
  out_.rates.push_back({"EUR", date, *eur, kEcbSource});
  for (std::size_t i = 0; i < quotes.size(); ++i) {
    if (quotes[i].currency == "USD" || !values_[i]) continue;
    const std::string currency(quotes[i].currency);
    auto rate =
        DivideDecimal(*usd, *values_[i], FxRateTable::kMaxRateScale, RoundingMode::kHalfEven);
    if (!FitsRateColumn(rate)) {
      return Fail(ErrorCode::kInvalidData, at + currency + " value " + values_[i]->ToString() +
                                               " gives no USD rate" + kRateColumnRule);
    }
    out_.rates.push_back({currency, date, *rate, kEcbSource});
  }
  return Ok();
}

Result<EcbRates> EcbRatesBuilder::Finish(std::string_view origin) && {
  if (out_.dates == 0) {
    return Fail(ErrorCode::kInvalidData, std::string(origin) + ": no dates with a USD rate");
  }
  return std::move(out_);
}

Result<EcbRates> ParseEcbHistory(std::string_view text, std::string_view origin) {
  const std::string where(origin);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  EcbRatesBuilder builder;
  std::vector<std::string> columns;  // currency per column after Date; empty = ignored
  bool have_usd = false;
  std::vector<EcbQuote> quotes;
  std::size_t line_number = 0;
  bool have_header = false;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view line = TrimAscii(text.substr(0, newline), " \t\r");
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;
    const std::string at = where + ":" + std::to_string(line_number) + ": ";
    if (line.empty()) continue;
    const auto fields = SplitCommas(line);
    if (!have_header) {
      if (fields[0] != "Date" && fields[0] != "date" && fields[0] != "DATE") {
        return Fail(ErrorCode::kInvalidData, at + "expected the ECB header \"Date,USD,JPY,…\"");
      }
      for (std::size_t i = 1; i < fields.size(); ++i) {
        char code[3];
        if (fields[i].empty()) {
          columns.emplace_back();
        } else if (!NormalizeCurrencyCode(fields[i], code)) {
          return Fail(ErrorCode::kInvalidData,
                      at + "column \"" + std::string(fields[i]) + "\" is not a currency code");
        } else {
          const std::string currency(code, 3);
          have_usd = have_usd || currency == "USD";
          columns.push_back(builder.Accepts(currency) ? currency : std::string());
        }
      }
      if (!have_usd)
        return Fail(ErrorCode::kInvalidData, at + "no USD column: cannot convert to USD");
      have_header = true;
      continue;
    }
    CivilDate date;
    if (ParseCivilDate(fields[0], &date) != DateParseError::kNone) {
      return Fail(ErrorCode::kInvalidData,
                  at + "date \"" + std::string(fields[0]) + "\" is not YYYY-MM-DD");
    }
    quotes.clear();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].empty()) continue;
      quotes.push_back({columns[i], i + 1 < fields.size() ? fields[i + 1] : std::string_view()});
    }
    BILLFLOW_TRY(builder.AddDate(date, quotes, at));
  }
  if (!have_header)
    return Fail(ErrorCode::kInvalidData, where + ": empty file, expected the ECB header");
  return std::move(builder).Finish(where);
}

}  // namespace billflow
