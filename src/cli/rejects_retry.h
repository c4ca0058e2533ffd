#ifndef BILLFLOW_CLI_REJECTS_RETRY_H_
#define BILLFLOW_CLI_REJECTS_RETRY_H_

#include <vector>

#include "cli/config.h"
#include "cli/logger.h"
#include "core/result.h"
#include "sinks/database.h"

namespace billflow {

// The retry of rate-missing rejects that `rejects retry` runs, and that `rates import`,
// `rates fetch`, `watch` and the Lambda's scheduled fetch run after their rate updates: every
// reject kept for lack of a rate is validated again against the database's fx_rates, with
// the --rounding and --max-rate-age-days of an ingest (Database::RetryRejects: one
// transaction per file, under the file's ingest lock). Logs one line per file that holds such
// rejects ("file SOURCE: 3 rejects settled, usd_total 10.00 -> 25.50") and a summary line,
// also printed on stdout as `output` says. Errors are the database's.
enum class RetryOutput {
  kLogOnly,
  kPrintIfAny,  // print only when some file holds rate-missing rejects (after a rates import)
  kPrint,       // always print, "rejects retry: no rate-missing rejects stored" included
};
[[nodiscard]] Result<std::vector<RetriedFile>> RetryRateMissingRejects(const Config& config,
                                                                       const Logger& log,
                                                                       Database& db,
                                                                       RetryOutput output);

// Rejects settled over all of `files`.
std::uint64_t SettledCount(const std::vector<RetriedFile>& files);

}  // namespace billflow

#endif  // BILLFLOW_CLI_REJECTS_RETRY_H_
