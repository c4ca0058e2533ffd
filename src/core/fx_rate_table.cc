#include "core/fx_rate_table.h"

#include <algorithm>

#include "core/ascii.h"
#include "core/currency_code.h"

namespace billflow {
namespace {

std::vector<std::string_view> SplitComma(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    out.push_back(TrimAscii(line.substr(start, comma - start), " \t\r\""));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::uint32_t FxRateTable::Key(std::string_view upper_currency) {
  if (upper_currency.size() != 3) return 0;
  return static_cast<std::uint32_t>(static_cast<unsigned char>(upper_currency[0])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(upper_currency[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(upper_currency[2]));
}

FxRateTable FxRateTable::Default() {
  FxRateTable table;
  const CivilDate epoch{1970, 1, 1};
  // These cannot fail: the values are constants known to be valid.
  (void)table.Add({"USD", epoch, Decimal(1, 0), "default"});
  (void)table.Add({"CAD", epoch, Decimal(79, 2), "default"});
  (void)table.Add({"MXN", epoch, Decimal(5, 2), "default"});
  return table;
}

FxRateTable FxRateTable::LoadingEach(CurrencyRatesLoader load) {
  FxRateTable table;
  table.load_ = std::move(load);
  return table;
}

RateWindow RateWindow::YearOf(CivilDate date) {
  return {CivilDate{date.year, 1, 1}, CivilDate{date.year, 12, 31}};
}

Status FxRateTable::Add(const FxRate& rate) { return Insert(rate, &rates_); }

std::uint32_t FxRateTable::SourceId(std::string_view source) const {
  // A table names a handful of sources (the ECB, a few files): a scan, newest first.
  for (std::size_t i = sources_.size(); i > 0; --i) {
    if (sources_[i - 1] == source) return static_cast<std::uint32_t>(i - 1);
  }
  sources_.emplace_back(source);
  return static_cast<std::uint32_t>(sources_.size() - 1);
}

Status FxRateTable::Insert(const FxRate& rate, RatesMap* rates) const {
  if (!IsIso4217Code(rate.currency)) {
    return Fail(ErrorCode::kInvalidData,
                "currency \"" + rate.currency + "\" is not an ISO 4217 code");
  }
  if (rate.rate_to_usd.units() <= 0 || rate.rate_to_usd.scale() > kMaxRateScale) {
    return Fail(ErrorCode::kInvalidData, "rate " + rate.rate_to_usd.ToString() + " for " +
                                             rate.currency +
                                             " must be positive with at most 10 decimals");
  }
  if (rate.currency == "USD" && !(rate.rate_to_usd == Decimal(1, 0))) {
    return Fail(ErrorCode::kInvalidData, "USD rate " + rate.rate_to_usd.ToString() +
                                             ": USD is the base currency and converts at exactly "
                                             "1; give it no other rate");
  }
  Put({rate.valid_from.DaysSinceEpoch(), rate.valid_from, rate.rate_to_usd, SourceId(rate.source)},
      &(*rates)[Key(rate.currency)].dated);
  return Ok();
}

void FxRateTable::Put(const Dated& dated, std::vector<Dated>* list) {
  auto it = std::lower_bound(list->begin(), list->end(), dated.valid_from_day,
                             [](const Dated& d, std::int64_t v) { return d.valid_from_day < v; });
  if (it != list->end() && it->valid_from_day == dated.valid_from_day) {
    *it = dated;  // a later definition of the same day wins
  } else {
    list->insert(it, dated);
  }
}

std::optional<std::uint32_t> RateAgeLimit::DaysFor(std::string_view source) const {
  if (all_sources_days) return all_sources_days;
  if (source == kEcbSource) return kEcbDays;
  return std::nullopt;
}

const Decimal* FxRateTable::Find(std::string_view upper_currency, CivilDate date) const {
  const std::optional<FoundRate> found = FindDated(upper_currency, date);
  return found ? found->rate : nullptr;
}

std::optional<FoundRate> FxRateTable::FindDated(std::string_view upper_currency,
                                                CivilDate date) const {
  static constexpr Decimal kOne(1, 0);
  if (upper_currency == "USD") return FoundRate{&kOne, date, "USD"};
  const std::vector<Dated>* rates = RatesFor(upper_currency, date);
  if (rates == nullptr) return std::nullopt;
  const auto& list = *rates;
  const std::int64_t day = date.DaysSinceEpoch();
  auto it = std::upper_bound(list.begin(), list.end(), day,
                             [](std::int64_t v, const Dated& d) { return v < d.valid_from_day; });
  if (it == list.begin()) return std::nullopt;
  const Dated& used = *std::prev(it);
  return FoundRate{&used.rate, used.valid_from, sources_[used.source]};
}

const std::vector<FxRateTable::Dated>* FxRateTable::RatesFor(std::string_view upper_currency,
                                                             CivilDate date) const {
  const std::uint32_t key = Key(upper_currency);
  const auto found = rates_.find(key);
  if (!load_) return found == rates_.end() ? nullptr : &found->second.dated;
  if (found != rates_.end() && std::binary_search(found->second.loaded_years.begin(),
                                                  found->second.loaded_years.end(), date.year)) {
    return &found->second.dated;
  }
  if (load_error_ || upper_currency == "USD") return nullptr;
  Result<std::vector<FxRate>> loaded = load_(upper_currency, RateWindow::YearOf(date));
  if (!loaded) {
    load_error_ = loaded.error();
    return nullptr;
  }
  // Checked apart, so that a refused rate leaves the table as it was.
  RatesMap one;
  for (const FxRate& rate : *loaded) {
    if (Status added = Insert(rate, &one); !added) {
      load_error_ = Error{added.error().code, "fx_rates table: " + added.error().message};
      return nullptr;
    }
  }
  if (one.size() > 1 || (one.size() == 1 && !one.contains(key))) {
    load_error_ =
        Error{ErrorCode::kInternal, "reading the rates of " + std::string(upper_currency) +
                                        " returned another currency's"};
    return nullptr;
  }
  // Every rate read is a stored rate, so keeping those of other windows (a carry-in, a
  // neighbour year's) leaves "the latest on or before" of every read year exact.
  CurrencyRates& mine = rates_[key];
  for (const Dated& dated : one[key].dated) Put(dated, &mine.dated);
  mine.loaded_years.insert(
      std::upper_bound(mine.loaded_years.begin(), mine.loaded_years.end(), date.year), date.year);
  return &mine.dated;
}

bool FxRateTable::Knows(std::string_view upper_currency) const {
  if (load_) return upper_currency != "USD" && FindDated(upper_currency, {9999, 12, 31});
  const std::vector<Dated>* rates = RatesFor(upper_currency, {});
  return rates != nullptr && !rates->empty();
}

Status FxRateTable::TakeLoadError() const {
  if (!load_error_) return Ok();
  Error error = std::move(*load_error_);
  load_error_.reset();
  return tl::unexpected(std::move(error));
}

std::vector<FxRate> FxRateTable::Entries() const {
  std::vector<FxRate> out;
  for (const auto& [key, list] : rates_) {
    const std::string code{static_cast<char>(key >> 16), static_cast<char>((key >> 8) & 0xff),
                           static_cast<char>(key & 0xff)};
    for (const auto& d : list.dated) {
      out.push_back({code, d.valid_from, d.rate, sources_[d.source]});
    }
  }
  std::sort(out.begin(), out.end(), [](const FxRate& a, const FxRate& b) {
    return a.currency != b.currency ? a.currency < b.currency : a.valid_from < b.valid_from;
  });
  return out;
}

Result<FxRateTable> FxRateTable::ParseCsv(std::string_view text, std::string_view origin) {
  FxRateTable table;
  const std::string where(origin);
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int col_currency = -1;
  int col_rate = -1;
  int col_from = -1;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  bool header_seen = false;
  bool usd_seen = false;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = TrimAscii(text.substr(pos, end - pos), " \t\r\"");
    pos = end + 1;
    ++line_number;
    if (line.empty()) continue;
    const auto fields = SplitComma(line);
    const std::string at = where + ":" + std::to_string(line_number) + ": ";
    if (!header_seen) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string name = AsciiLower(fields[i]);
        if (name == "currency") col_currency = static_cast<int>(i);
        if (name == "rate_to_usd") col_rate = static_cast<int>(i);
        if (name == "valid_from") col_from = static_cast<int>(i);
      }
      if (col_currency < 0 || col_rate < 0 || col_from < 0) {
        return Fail(ErrorCode::kInvalidData,
                    at + "header must name currency, rate_to_usd and valid_from");
      }
      header_seen = true;
      continue;
    }
    const auto need = static_cast<std::size_t>(std::max({col_currency, col_rate, col_from}));
    if (fields.size() <= need) {
      return Fail(ErrorCode::kInvalidData, at + "expected " + std::to_string(need + 1) + " fields");
    }
    char code[3];
    if (!NormalizeCurrencyCode(fields[static_cast<std::size_t>(col_currency)], code)) {
      return Fail(ErrorCode::kInvalidData,
                  at + "currency \"" + std::string(fields[static_cast<std::size_t>(col_currency)]) +
                      "\" is not a three-letter code");
    }
    Decimal rate;
    const auto rate_text = fields[static_cast<std::size_t>(col_rate)];
    if (Decimal::Parse(rate_text, kMaxRateScale, 10, &rate) != DecimalParseError::kNone) {
      return Fail(ErrorCode::kInvalidData, at + "rate_to_usd \"" + std::string(rate_text) +
                                               "\" is not a decimal with at most 10 decimals");
    }
    CivilDate from;
    const auto from_text = fields[static_cast<std::size_t>(col_from)];
    if (ParseCivilDate(from_text, &from) != DateParseError::kNone) {
      return Fail(ErrorCode::kInvalidData,
                  at + "valid_from \"" + std::string(from_text) + "\" is not a YYYY-MM-DD date");
    }
    std::string currency(code, 3);
    usd_seen = usd_seen || currency == "USD";
    if (auto added = table.Add({currency, from, rate, where}); !added) {
      return Fail(ErrorCode::kInvalidData, at + added.error().message);
    }
  }
  if (!header_seen) return Fail(ErrorCode::kInvalidData, where + ": no header line");
  if (!usd_seen) (void)table.Add({"USD", CivilDate{1970, 1, 1}, Decimal(1, 0), "default"});
  return table;
}

}  // namespace billflow
