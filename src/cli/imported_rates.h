#ifndef BILLFLOW_CLI_IMPORTED_RATES_H_
#define BILLFLOW_CLI_IMPORTED_RATES_H_

#include <optional>
#include <string>
#include <vector>

#include "cli/config.h"
#include "cli/logger.h"
#include "core/fx_rate_table.h"
#include "core/rate_import.h"
#include "ecb/ecb_document.h"
#include "sinks/database.h"

namespace billflow {

// Rates read from one file or download, before they are stored.
struct ImportedRates {
  std::vector<FxRate> rates;
  std::string origin;  // file path or URL, as the user named it
  std::string layout;  // "ECB CSV in a zip", "rates CSV", …
  bool from_ecb = false;
  std::vector<std::string> skipped_currencies;
};

// From an ECB document (any layout).
ImportedRates ImportedFromEcb(EcbDocument document, std::string origin);
// From a `currency,rate_to_usd,valid_from` file; kInvalidData naming file and line.
[[nodiscard]] Result<ImportedRates> ImportedFromRatesCsv(std::string_view text, std::string origin);

// What storing an import changed.
struct RatesStored {
  RateImportPlan plan;          // counts and the changed rates (core/rate_import.h)
  std::vector<CivilDate> gaps;  // ECB imports: TARGET working days still without ECB rates
};

// Stores `imported` over `stored` (the fx_rates read just before): writes nothing when
// nothing changed. USD 1 from 1970-01-01 (source "default") is also written, uncounted, when
// neither fx_rates nor the import holds a USD rate, so `rates show` lists USD. Fails with the
// database's error when saving fails.
[[nodiscard]] Result<RatesStored> SaveImportedRates(Database& db, const std::vector<FxRate>& stored,
                                                    const ImportedRates& imported);

// Prints what an import changed (stdout): rates read, dates added, rates added / changed
// (old -> new) / relabelled / unchanged, and for ECB rates the gaps; logs one summary line.
void PrintImportedRates(const Config& config, const Logger& log, const ImportedRates& imported,
                        const RatesStored& result);

// SaveImportedRates, then PrintImportedRates. Returns the exit code (kExitFileFailed when
// saving fails).
int StoreImportedRates(const Config& config, const Logger& log, Database& db,
                       const std::vector<FxRate>& stored, const ImportedRates& imported);

}  // namespace billflow

#endif  // BILLFLOW_CLI_IMPORTED_RATES_H_
