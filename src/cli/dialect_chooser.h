#ifndef BILLFLOW_CLI_DIALECT_CHOOSER_H_
#define BILLFLOW_CLI_DIALECT_CHOOSER_H_

#include <functional>

#include "cli/config.h"
#include "core/result.h"
#include "pipeline/ingest_job.h"

namespace billflow {

using DialectChooser = std::function<Result<FileDialect>(const SourceInfo&)>;

// Builds the per-file dialect choice of a run from --profiles/BILLFLOW_PROFILES (a local file
// or s3://bucket/key, read once), --profile and the dialect flags: flags override the
// profile setting by setting (--profile forced, else the first profile whose match fits the
// source, else none), and what neither sets is detected per file. Fails with
// kInvalidArgument (exit 2) for a bad profiles file, an unknown --profile, or a bad flag.
[[nodiscard]] Result<DialectChooser> MakeDialectChooser(const Config& config);

}  // namespace billflow

#endif  // BILLFLOW_CLI_DIALECT_CHOOSER_H_
