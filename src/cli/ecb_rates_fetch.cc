#include "cli/ecb_rates_fetch.h"

#include <optional>

#include "cli/aws_context.h"
#include "ecb/ecb_download.h"
#include "http/curl_http_client.h"

namespace billflow {

Result<std::string> EcbFetchLocation(const Config& config) {
  std::string location = config.ecb_url.empty() ? kEcbFeedsBaseUrl : config.ecb_url;
  if (auto valid = ValidateEcbLocation(location); !valid) {
    return Fail(ErrorCode::kInvalidArgument,
                "--ecb-url (or BILLFLOW_ECB_URL): " + valid.error().message);
  }
  return location;
}

Result<FetchedRates> FetchEcbRates(const Config& config, Database& db) {
  auto location = EcbFetchLocation(config);
  if (!location) return tl::unexpected(location.error());
  auto stored = db.LoadRates();
  if (!stored) return tl::unexpected(stored.error());
  std::optional<CivilDate> newest_ecb;
  for (const FxRate& r : *stored) {
    if (r.source == kEcbSource && (!newest_ecb || *newest_ecb < r.valid_from)) {
      newest_ecb = r.valid_from;
    }
  }
  CurlHttpClient http(AwsContext(config).HttpOptions());
  auto downloaded = DownloadEcbRates(http, *location, newest_ecb);
  if (!downloaded) {
    std::string message = "rates fetch: " + downloaded.error().message;
    if (downloaded.error().code == ErrorCode::kPermissionDenied) {
      message +=
          "; the server's certificate must chain to a CA of the system store or of the bundle "
          "SSL_CERT_FILE (or CURL_CA_BUNDLE) names";
    } else {
      message += " (set --ecb-url or BILLFLOW_ECB_URL to another feed or mirror)";
    }
    return Fail(downloaded.error().code, message);
  }
  FetchedRates fetched;
  fetched.urls = std::move(downloaded->urls);
  fetched.imported = ImportedFromEcb(std::move(downloaded->document), downloaded->url);
  auto saved = SaveImportedRates(db, *stored, fetched.imported);
  if (!saved) return tl::unexpected(saved.error());
  fetched.stored = std::move(*saved);
  return fetched;
}

}  // namespace billflow
