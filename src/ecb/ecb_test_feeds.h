#ifndef BILLFLOW_ECB_ECB_TEST_FEEDS_H_
#define BILLFLOW_ECB_ECB_TEST_FEEDS_H_

// Test support only (linked into billflow_ecb_test): ECB feeds of our own making, in the
// layouts the ECB publishes, from one set of generated quotes.

#include <cstddef>
#include <string>
#include <vector>

#include "core/civil_date.h"
#include "core/ecb_rates.h"

namespace billflow::testing {

// Quotes per TARGET working day: the 41 columns of the real history (legacy ones N/A after
// they left, RUB N/A from 2022-03-01, ISK N/A 2008-12-09..2018-12-31), newest date first.
struct EcbQuoteHistory {
  std::vector<std::string> currencies;          // column order, USD first
  std::vector<CivilDate> dates;                 // newest first
  std::vector<std::vector<std::string>> cells;  // [date][currency]: "1.0713" or "N/A"
};

// Every TARGET working day from 1999-01-04 to `last`.
EcbQuoteHistory MakeEcbQuoteHistory(CivilDate last);

// The first `dates` dates (newest first) of a history, as the 90-day and daily feeds hold.
EcbQuoteHistory Newest(const EcbQuoteHistory& history, std::size_t dates);

// eurofxref-hist.csv: header "Date,USD,…," with the trailing comma, "N/A" cells.
std::string EcbCsv(const EcbQuoteHistory& history);
// eurofxref-hist.xml / -90d.xml / -daily.xml: N/A quotes are left out, as the ECB does.
std::string EcbXml(const EcbQuoteHistory& history);
// A zip archive holding one file `name` with `content` (and `extra` files when given).
std::string ZipOf(const std::string& name, const std::string& content,
                  const std::vector<std::pair<std::string, std::string>>& extra = {});

// Rates as "CUR YYYY-MM-DD rate", sorted: layouts compare equal whatever their order.
std::vector<std::string> SortedRateTexts(const std::vector<FxRate>& rates);

}  // namespace billflow::testing

#endif  // BILLFLOW_ECB_ECB_TEST_FEEDS_H_
