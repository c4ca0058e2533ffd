#ifndef BILLFLOW_CLI_RATE_RESOLUTION_H_
#define BILLFLOW_CLI_RATE_RESOLUTION_H_

#include <memory>

#include "cli/config.h"
#include "cli/currency_rate_reads.h"
#include "core/fx_rate_table.h"
#include "core/result.h"
#include "sinks/database.h"

namespace billflow {

// The rate table for a run: --rates FILE when given (stored into fx_rates unless db is
// null), else the database's fx_rates when it has any, else the built-in default (stored
// into fx_rates so reports can show what was used). With `reads` (an ingest), the database's
// rates are not read here: the table reads a currency's rates of a year on its first lookup in
// that year through `reads`, which it opens (FxRateTable::LoadingEach; the table shares
// `reads`).
[[nodiscard]] Result<FxRateTable> ResolveRates(
    const Config& config, Database* db, const std::shared_ptr<CurrencyRateReads>& reads = nullptr);

// The database's fx_rates as a table (ResolveRates without --rates): what jobs over stored
// rows (`rejects retry`, `reconvert`) convert with.
[[nodiscard]] Result<FxRateTable> StoredRates(const Config& config, Database& db);

}  // namespace billflow

#endif  // BILLFLOW_CLI_RATE_RESOLUTION_H_
