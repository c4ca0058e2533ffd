#ifndef BILLFLOW_ECB_ECB_DOCUMENT_H_
#define BILLFLOW_ECB_ECB_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ecb_rates.h"
#include "core/result.h"

namespace billflow {

// The layouts the ECB publishes its reference rates in.
enum class EcbLayout {
  kCsv,     // eurofxref-hist.csv (or eurofxref.csv)
  kXml,     // eurofxref-daily.xml, eurofxref-hist-90d.xml, eurofxref-hist.xml
  kZipCsv,  // eurofxref-hist.zip (holding eurofxref-hist.csv)
  kZipXml,  // a zip holding one of the XML feeds
};

// "ECB CSV", "ECB XML", "ECB CSV in a zip", "ECB XML in a zip".
std::string_view EcbLayoutName(EcbLayout layout);

struct EcbDocument {
  EcbLayout layout = EcbLayout::kCsv;
  std::string member;  // the file inside a zip; empty otherwise
  EcbRates rates;
};

// Largest CSV or XML accepted, directly or inflated from a zip (the full history is ~15 MB).
inline constexpr std::uint64_t kMaxEcbDocumentBytes = std::uint64_t{256} << 20;

// Reads ECB reference rates from any published layout, told apart by content, not by
// name: a zip (its one .csv/.xml member, decoded as below), XML (starts with '<'), else the
// CSV history. Every layout gives the same rates for the same quotes. `origin` names the
// file (or URL) in errors; a zip member's errors read "ORIGIN:MEMBER:LINE: …".
[[nodiscard]] Result<EcbDocument> ParseEcbDocument(std::string_view bytes, std::string_view origin);

}  // namespace billflow

#endif  // BILLFLOW_ECB_ECB_DOCUMENT_H_
