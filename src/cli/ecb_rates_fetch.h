#ifndef BILLFLOW_CLI_ECB_RATES_FETCH_H_
#define BILLFLOW_CLI_ECB_RATES_FETCH_H_

#include <string>
#include <vector>

#include "cli/config.h"
#include "cli/imported_rates.h"
#include "core/result.h"
#include "sinks/database.h"

namespace billflow {

// Where the ECB rates come from: --ecb-url (or BILLFLOW_ECB_URL), else the ECB's published
// feeds. kInvalidArgument naming the setting when the location is not https://.
[[nodiscard]] Result<std::string> EcbFetchLocation(const Config& config);

// What one fetch downloaded and stored.
struct FetchedRates {
  std::vector<std::string> urls;  // every URL downloaded, in order
  ImportedRates imported;         // the rates of the feed that was used
  RatesStored stored;             // what storing them changed
};

// The rates fetch of `billflow rates fetch` and of the Lambda's scheduled event: reads the
// stored rates, downloads over verified HTTPS (DownloadEcbRates: the 90-day feed when it reaches
// back to the newest stored ECB date, else the full history) and stores what changed in `db`.
// Errors start with "rates fetch: " and name the fix: the CA bundle settings when the peer is not
// trusted, --ecb-url / BILLFLOW_ECB_URL otherwise; a database error is passed on as it is.
[[nodiscard]] Result<FetchedRates> FetchEcbRates(const Config& config, Database& db);

}  // namespace billflow

#endif  // BILLFLOW_CLI_ECB_RATES_FETCH_H_
