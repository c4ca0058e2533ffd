#include "gen/row_writer.h"

#include <array>

#include "gen/money.h"

namespace billflow_gen {

RowWriter::RowWriter(uint64_t seed, uint64_t bad_parts_per_billion, const FileDialect& dialect)
    : rng_(seed),
      bad_parts_per_billion_(bad_parts_per_billion),
      dialect_(dialect),
      quote_amount_(dialect.delimiter == dialect.decimal_separator ||
                    dialect.delimiter == dialect.thousands_separator),
      dates_(dialect.date_format) {}

void RowWriter::WriteHeader(OutputBuffer& out) const {
  constexpr std::array<std::string_view, 9> kColumns = {"id",        "company_name", "country",
                                                        "city",      "product_line", "item",
                                                        "bill_date", "currency",     "bill_amount"};
  for (size_t c = 0; c < kColumns.size(); ++c) {
    if (c > 0) {
      out.Append(dialect_.delimiter);
    }
    out.Append(kColumns[c]);
  }
  out.Append('\n');
}

void RowWriter::Write(uint64_t id, OutputBuffer& out, Tally& tally) {
  const Defect defect = rng_.Chance(bad_parts_per_billion_)
                            ? static_cast<Defect>(1 + rng_.Below(kDefectKinds))
                            : Defect::kNone;

  // Draw every field's randomness in a fixed order whatever the defect, so
  // the stream stays easy to reason about.
  const auto country = static_cast<Country>(rng_.Below(3));
  // 92% bill in their home currency.
  const auto currency = rng_.Below(100) < 92 ? country : static_cast<Country>(rng_.Below(3));
  const std::string_view company = rng_.Pick(kCompanies);
  const std::string_view city = PickCity(country);
  const ProductLine& line = rng_.Pick(kProductLines);
  const std::string_view item = rng_.Pick(line.items);
  const size_t day = rng_.Below(dates_.DayCount());
  const bool slashed_date = rng_.Below(100) < 5;
  const uint64_t variant = rng_.Next();  // picks among the defect spellings
  const char delimiter = dialect_.delimiter;

  if (defect != Defect::kEmptyId) {
    out.AppendUnsigned(id);
  }
  out.Append(delimiter);
  out.Append(company);
  out.Append(delimiter);
  out.Append(kCountryCode[static_cast<size_t>(country)]);
  out.Append(delimiter);
  // A short row (no city) or a long one (trailing extra field).
  const bool short_row = defect == Defect::kWrongFieldCount && variant % 2 == 0;
  const bool long_row = defect == Defect::kWrongFieldCount && variant % 2 != 0;
  if (!short_row) {
    out.Append(city);
    out.Append(delimiter);
  }
  out.Append(line.name);
  out.Append(delimiter);
  out.Append(item);
  out.Append(delimiter);
  if (defect == Defect::kImpossibleDate) {
    out.Append(dates_.Impossible(variant));
  } else if (defect == Defect::kAmbiguousDate) {
    out.Append(dates_.Ambiguous(variant));
  } else {
    out.Append(dates_.Valid(day, slashed_date));
  }
  out.Append(delimiter);
  out.Append(defect == Defect::kUnknownCurrency ? std::string_view("ABC")
                                                : kCurrencyCode[static_cast<size_t>(currency)]);
  out.Append(delimiter);
  if (quote_amount_) {
    out.Append('"');
  }
  const int64_t amount = WriteAmount(defect, out);
  if (quote_amount_) {
    out.Append('"');
  }
  if (long_row) {
    out.Append(delimiter);
    out.Append("extra");
  }
  out.Append('\n');

  if (defect != Defect::kNone) {
    ++tally.rejected;
    return;
  }
  ++tally.valid;
  tally.usd_cents += UsdCents(amount, kRateHundredths[static_cast<size_t>(currency)]);
}

std::string_view RowWriter::PickCity(Country country) {
  switch (country) {
    case Country::kUs:
      return rng_.Pick(kUsCities);
    case Country::kCa:
      return rng_.Pick(kCaCities);
    case Country::kMx:
      break;
  }
  return rng_.Pick(kMxCities);
}

int64_t RowWriter::WriteAmount(Defect defect, OutputBuffer& out) {
  // Mostly tens to thousands, now and then up to just under 1,000,000.
  constexpr std::array<uint64_t, 10> kIntegerBounds = {10,    100,    100,    1'000,   1'000,
                                                       1'000, 10'000, 10'000, 100'000, 1'000'000};
  constexpr std::array<int, 10> kDecimals = {2, 2, 2, 2, 2, 2, 0, 1, 3, 4};
  const uint64_t whole = rng_.Below(rng_.Pick(kIntegerBounds));
  const int decimals = rng_.Pick(kDecimals);
  const auto decimals_index = static_cast<size_t>(decimals);
  const uint64_t fraction = rng_.Below(static_cast<uint64_t>(kPow10[decimals_index]));
  const bool negative = rng_.Below(100) < 4;
  const uint64_t fifth_digit = 1 + rng_.Below(9);

  if (negative) {
    out.Append('-');
  }
  if (dialect_.thousands_separator != '\0') {
    out.AppendGrouped(whole, dialect_.thousands_separator);
  } else {
    out.AppendUnsigned(whole);
  }
  if (defect == Defect::kNonNumericAmount) {
    out.Append('a');
    return 0;
  }
  if (defect == Defect::kTooManyDecimals) {
    // Four random decimals then a non-zero fifth: 5 significant decimals.
    out.Append(dialect_.decimal_separator);
    out.AppendPadded(rng_.Below(10'000), 4);
    out.Append(static_cast<char>('0' + fifth_digit));
    return 0;
  }
  if (decimals > 0) {
    out.Append(dialect_.decimal_separator);
    out.AppendPadded(fraction, decimals);
  }
  const auto magnitude = static_cast<int64_t>(
      whole * kAmountScale + fraction * static_cast<uint64_t>(kPow10[4 - decimals_index]));
  return negative ? -magnitude : magnitude;
}

}  // namespace billflow_gen
