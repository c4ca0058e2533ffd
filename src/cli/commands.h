#ifndef BILLFLOW_CLI_COMMANDS_H_
#define BILLFLOW_CLI_COMMANDS_H_

#include <atomic>

#include "cli/config.h"
#include "cli/logger.h"

namespace billflow {

// Each returns the process exit code (kExitOk, kExitFileFailed, kExitUsage).
// `stop` becomes true on SIGINT/SIGTERM: the current file is rolled back and the run ends.
int RunIngest(const Config& config, const Logger& log, const std::atomic<bool>& stop);
int RunMigrate(const Config& config, const Logger& log);
int RunReport(const Config& config, const Logger& log);
// Operator commands (watch_command.cc, html_report_command.cc, rates_command.cc,
// rejects_command.cc). RunWatch returns kExitOk after a stop request.
int RunWatch(const Config& config, const Logger& log, const std::atomic<bool>& stop);
int RunHtmlReport(const Config& config, const Logger& log);
int RunRatesImport(const Config& config, const Logger& log);
int RunRatesFetch(const Config& config, const Logger& log);
int RunRatesShow(const Config& config, const Logger& log);
int RunRejects(const Config& config, const Logger& log);
int RunRejectsRetry(const Config& config, const Logger& log);
// Corrections (reconvert_command.cc): `reconvert` applies the stored rates to loaded rows;
// `report --reconversions` lists its recorded runs.
int RunReconvert(const Config& config, const Logger& log);
int RunReconversions(const Config& config, const Logger& log);
// AWS (lambda_command.cc): `ingest --event FILE` runs one S3/SQS event locally; RunLambda is
// the custom-runtime loop against AWS_LAMBDA_RUNTIME_API.
int RunEvent(const Config& config, const Logger& log);
int RunLambda(const Config& config, const Logger& log);
// Dialects (sniff_command.cc): `sniff FILE` prints what detection finds and a profile stanza;
// `profiles check FILE|s3://bucket/key` validates a profiles file, read as --profiles reads it
// (exit 2 when it is bad).
int RunSniff(const Config& config, const Logger& log);
int RunProfilesCheck(const Config& config, const Logger& log);

}  // namespace billflow

#endif  // BILLFLOW_CLI_COMMANDS_H_
