#ifndef BILLFLOW_PIPELINE_INGEST_SUMMARY_H_
#define BILLFLOW_PIPELINE_INGEST_SUMMARY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "sinks/record_sink.h"

namespace billflow {

enum class FileStatus {
  kLoaded,     // first load of this source
  kReplaced,   // new content replaced an earlier version's rows
  kUnchanged,  // same content already loaded: nothing written
  kStale,      // an older version than the one loaded: skipped
  kChecked,    // --dry-run: validated and converted, nothing written
  kFailed,     // nothing of the file was written; see error
};

std::string_view FileStatusName(FileStatus status);

// What happened to one file. `error` is empty and `error_code` absent unless status is kFailed.
struct IngestSummary {
  std::string source;        // uri as stored in billing_files
  std::string display_name;  // as the user named it
  FileStatus status = FileStatus::kFailed;
  LoadTally tally;
  std::string content_sha256;
  std::string error;
  std::optional<ErrorCode> error_code;
  std::vector<std::string> warnings;
  double seconds = 0;
  std::uint64_t bytes_read = 0;
  std::string profile;  // the profile whose settings were used; empty = none
  // SHA-256 (hex) of the effective dialect settings (after encoding and delimiter detection;
  // Dialect::CanonicalText): the same bytes read with other settings are another version of
  // the file. Empty when the effective dialect is the contract's.
  std::string settings_sha256;
  std::string encoding;  // effective encoding ("utf-8", "windows-1252", ...); empty if unread
  char delimiter = 0;    // effective delimiter; 0 if the header was not reached

  // A failure that repeating the same load later may cure (core/error.h IsRetryable).
  bool FailedRetryably() const { return error_code && IsRetryable(*error_code); }
};

// A file that failed before or outside IngestJob::Run (it could not be opened, listed or
// retried): nothing of it was written.
IngestSummary FailedSummary(std::string source, std::string display_name, const Error& error);

}  // namespace billflow

#endif  // BILLFLOW_PIPELINE_INGEST_SUMMARY_H_
