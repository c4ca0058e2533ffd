#ifndef BILLFLOW_ECB_ECB_XML_H_
#define BILLFLOW_ECB_ECB_XML_H_

#include <string_view>

#include "core/ecb_rates.h"
#include "core/result.h"

namespace billflow {

// True when `bytes` (after a UTF-8 BOM and white space) starts with '<'.
bool LooksLikeXml(std::string_view bytes);

// Parses an ECB reference-rate XML feed (eurofxref-daily.xml, eurofxref-hist-90d.xml,
// eurofxref-hist.xml):
//   <gesmes:Envelope …><Cube><Cube time="2024-06-14"><Cube currency="USD" rate="1.0687"/>…
// Elements are matched by local name, whatever namespace prefix they carry. A currency the
// feed omits on a date is a missing value, as N/A is in the CSV; rates as EcbRatesBuilder
// computes them, so the same quotes give the same rates as the CSV history.
// Errors (kInvalidData, "ORIGIN:LINE: …"): not well-formed XML, a root other than Envelope,
// a time that is not YYYY-MM-DD, a currency that is not a code, a value that is not a
// positive decimal, a date given twice, no dates with a USD rate.
[[nodiscard]] Result<EcbRates> ParseEcbXml(std::string_view text, std::string_view origin);

}  // namespace billflow

#endif  // BILLFLOW_ECB_ECB_XML_H_
