// Fuzz target: ParseEcbDocument, the reader of every ECB layout (zip, XML, CSV) that
// `rates fetch` feeds with bytes from the network. An accepted document holds only rates the
// rate table takes (ISO 4217 code, positive, at most 10 decimals, source "ecb"), dated within
// [first_date, last_date], with a EUR rate on every date counted.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "core/fx_rate_table.h"
#include "ecb/ecb_document.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto document = billflow::ParseEcbDocument(bytes, "fuzz");
  if (!document) {
    FUZZ_CHECK(!document.error().message.empty());
    return 0;
  }
  const billflow::EcbRates& rates = document->rates;
  FUZZ_CHECK(rates.dates > 0);
  FUZZ_CHECK(rates.first_date && rates.last_date && *rates.first_date <= *rates.last_date);
  billflow::FxRateTable table;
  std::set<std::int64_t> eur_days;
  for (const billflow::FxRate& rate : rates.rates) {
    FUZZ_CHECK(rate.source == billflow::kEcbSource);
    FUZZ_CHECK(*rates.first_date <= rate.valid_from && rate.valid_from <= *rates.last_date);
    FUZZ_CHECK(table.Add(rate).has_value());
    if (rate.currency == "EUR") eur_days.insert(rate.valid_from.DaysSinceEpoch());
  }
  FUZZ_CHECK(eur_days.size() == rates.dates);
  return 0;
}
