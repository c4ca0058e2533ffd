#ifndef BILLFLOW_ECB_ECB_DOWNLOAD_H_
#define BILLFLOW_ECB_ECB_DOWNLOAD_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "core/result.h"
#include "ecb/ecb_document.h"
#include "http/http_client.h"

namespace billflow {

// The ECB's published feeds: a base URL and the two files `rates fetch` chooses between.
inline constexpr char kEcbFeedsBaseUrl[] = "https://www.ecb.europa.eu/stats/eurofxref/";
inline constexpr char kEcbHistoryZip[] = "eurofxref-hist.zip";
inline constexpr char kEcbLast90DaysXml[] = "eurofxref-hist-90d.xml";

struct EcbDownload {
  std::vector<std::string> urls;  // every URL downloaded, in order
  std::string url;                // the one whose rates `document` holds
  EcbDocument document;
};

// Ok for an https:// location; kInvalidArgument otherwise ("ECB URL \"…\" is not https://…").
[[nodiscard]] Status ValidateEcbLocation(std::string_view location);

// Downloads ECB reference rates over `http`, HTTPS only (the client verifies the peer).
// `location` is either
//   - one feed's URL (any layout ParseEcbDocument reads), downloaded as is, or
//   - a base URL ending in '/' (kEcbFeedsBaseUrl or a mirror of it): then the 90-day XML feed
//     when it reaches back to `newest_stored` (the newest ECB date already stored: no TARGET
//     working day lies between them), else the full history zip (also when nothing is stored).
// Errors: ValidateEcbLocation's; the transport's error for no
// answer (kPermissionDenied when the TLS peer is not trusted); kUnavailable for a non-2xx
// answer ("GET URL: HTTP 404"); ParseEcbDocument's errors, naming the URL.
[[nodiscard]] Result<EcbDownload> DownloadEcbRates(HttpClient& http, std::string_view location,
                                                   std::optional<CivilDate> newest_stored);

}  // namespace billflow

#endif  // BILLFLOW_ECB_ECB_DOWNLOAD_H_
