#ifndef BILLFLOW_CLI_INGEST_SETTINGS_H_
#define BILLFLOW_CLI_INGEST_SETTINGS_H_

#include <atomic>
#include <chrono>
#include <functional>

#include "cli/config.h"
#include "core/result.h"
#include "pipeline/ingest_job.h"
#include "pipeline/retrying_ingest.h"
#include "sinks/database.h"
#include "sources/gzip_source.h"

namespace CLI {
class App;
}  // namespace CLI

namespace billflow {

// How every front door (`ingest`, `ingest --event`, `watch`, `lambda`) reads, validates,
// converts and retries a file, built from configuration alone. Per-run callbacks (progress,
// stop requests, reject display, retry logging) are the front door's to add.
struct IngestSettings {
  IngestOptions ingest;  // CSV limits, validator, max rejects, each file's dialect
  RetryPolicy retry;     // retry window and backoff for retryable database errors
  GzipLimits gzip;       // for inputs named *.gz
};

// A setting of ingestion is added in these two functions and in Config, nowhere else:
// AddIngestFlags declares its flag (and BILLFLOW_* environment variable) for every command that
// loads files, MakeIngestSettings turns it into IngestOptions/RetryPolicy/GzipLimits.

// Declares the ingestion flags on `command`, each also read from its BILLFLOW_* environment
// variable when the flag is absent (so `lambda`, which has no argv, is configured the same
// way). Values are written into `*config`, which must outlive parsing.
void AddIngestFlags(CLI::App* command, Config* config);

// The file-dialect part of AddIngestFlags (--profiles/BILLFLOW_PROFILES,
// --profile/BILLFLOW_PROFILE, --encoding, --delimiter, …), also declared alone by `sniff`,
// which reads files without loading them.
void AddDialectFlags(CLI::App* command, Config* config);

// How a row is converted (--rounding, --max-rate-age-days), the part of AddIngestFlags that
// also applies where stored rows are converted again (`rejects retry`, `rates import`,
// `rates fetch`, which retry rate-missing rejects).
void AddConversionFlags(CLI::App* command, Config* config);
// The conversion settings of `config`, as an ingest applies them.
RetryOptions MakeRetryOptions(const Config& config);

// A RetryPolicy::sleep that returns early once `stop` is set (SIGINT/SIGTERM), so a long
// retry window never delays a shutdown; `stop` must outlive it.
std::function<void(std::chrono::milliseconds)> SleepUnlessStopped(const std::atomic<bool>& stop);

// The settings `config` asks for. kInvalidArgument (exit 2) names the flag to fix, or the
// profiles file, line and key. The profiles file (local or s3://) is read here, once.
[[nodiscard]] Result<IngestSettings> MakeIngestSettings(const Config& config);

}  // namespace billflow

#endif  // BILLFLOW_CLI_INGEST_SETTINGS_H_
