#ifndef BILLFLOW_SINKS_RECORD_SINK_H_
#define BILLFLOW_SINKS_RECORD_SINK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/billing_record.h"
#include "core/decimal.h"
#include "core/result.h"

namespace billflow {

// The identity of one file version, as recorded in billing_files.
struct FileIdentity {
  std::string source;          // unique key: 'file:///abs/path' | 's3://bucket/key'
  std::string content_sha256;  // lower-case hex; empty until the content has been read
  std::uint64_t size_bytes = 0;
  std::string version_tag;    // informational (mtime, ETag, VersionId)
  std::string version_order;  // see SourceInfo::version_order
  std::string profile;        // name of the profile that read the file; empty: none
  // Lower-case hex SHA-256 of the effective reading settings (billing_files.profile_sha256);
  // empty: the defaults. Same bytes read with other settings are another version.
  std::string settings_sha256;
};

// billing_files.status. kLoading exists only inside an open file transaction.
enum class LedgerStatus { kLoading, kLoaded, kFailed };

// The stored spelling: "loading", "loaded", "failed".
std::string_view LedgerStatusName(LedgerStatus status);
// The status stored as `text`; nullopt for anything else.
std::optional<LedgerStatus> ParseLedgerStatus(std::string_view text);

// What the ledger holds for a source.
struct LedgerEntry {
  std::int64_t file_id = 0;
  LedgerStatus status = LedgerStatus::kFailed;
  std::string content_sha256;
  std::uint64_t size_bytes = 0;
  std::string version_order;
  std::string settings_sha256;  // see FileIdentity::settings_sha256

  // True when this is a loaded version that orders after `file` (both version orders known):
  // `file` is stale and must never replace it.
  bool IsNewerThan(const FileIdentity& file) const;
  // True when this is a loaded version with `file`'s content read with `file`'s settings:
  // loading `file` again would change nothing.
  bool Holds(const FileIdentity& file) const;
  // True when this is a loaded version (a new load replaces its rows).
  bool IsLoaded() const { return status == LedgerStatus::kLoaded; }
};

inline std::string_view LedgerStatusName(LedgerStatus status) {
  switch (status) {
    case LedgerStatus::kLoading:
      return "loading";
    case LedgerStatus::kLoaded:
      return "loaded";
    case LedgerStatus::kFailed:
      return "failed";
  }
  return "failed";
}

inline std::optional<LedgerStatus> ParseLedgerStatus(std::string_view text) {
  for (LedgerStatus status :
       {LedgerStatus::kLoading, LedgerStatus::kLoaded, LedgerStatus::kFailed}) {
    if (text == LedgerStatusName(status)) return status;
  }
  return std::nullopt;
}

inline bool LedgerEntry::IsNewerThan(const FileIdentity& file) const {
  return IsLoaded() && !file.version_order.empty() && !version_order.empty() &&
         file.version_order < version_order;
}

inline bool LedgerEntry::Holds(const FileIdentity& file) const {
  return IsLoaded() && content_sha256 == file.content_sha256 &&
         settings_sha256 == file.settings_sha256;
}

// Counts of one file's load.
struct LoadTally {
  std::uint64_t rows_read = 0;  // data records seen (header excluded)
  std::uint64_t rows_loaded = 0;
  std::uint64_t rows_rejected = 0;
  Decimal usd_total{0, 2};  // sum of bill_amount_usd of loaded rows
};

enum class BeginOutcome {
  kProceed,  // transaction open: send rows, then CommitFile or RollbackFile
  kStale,    // the ledger holds a newer version of this source; nothing opened
};

enum class CommitOutcome {
  kLoaded,     // first load of this source
  kReplaced,   // an earlier version's rows were replaced
  kUnchanged,  // the same content was already loaded (found at commit time); rolled back
};

struct CommitResult {
  CommitOutcome outcome = CommitOutcome::kLoaded;
  LoadTally tally;  // final counts as stored (a sink may turn duplicate ids into rejects)
};

// Writes one file at a time, atomically: everything between BeginFile and CommitFile is one
// transaction holding the file's rows, rejects and ledger entry. Destroying a sink (or calling
// RollbackFile) with an open file rolls it back. Not thread-safe; one sink per thread.
// Rows with an id already sent for the same file are stored as rejects by the sink itself.
class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // Creates or upgrades the schema. Idempotent.
  [[nodiscard]] virtual Status Migrate() = 0;
  // The ledger entry for `source`, if any (no transaction needed).
  [[nodiscard]] virtual Result<std::optional<LedgerEntry>> FindFile(const std::string& source) = 0;
  // Opens the file's transaction (waiting for a concurrent loader of the same database).
  [[nodiscard]] virtual Result<BeginOutcome> BeginFile(const FileIdentity& file) = 0;
  [[nodiscard]] virtual Status AddRow(const BillingRecord& row) = 0;
  [[nodiscard]] virtual Status AddReject(const RejectedRow& reject) = 0;
  // `file` now carries the content hash. Writes the ledger and commits, or rolls back when
  // the ledger already holds this exact content.
  [[nodiscard]] virtual Result<CommitResult> CommitFile(const FileIdentity& file,
                                                        const LoadTally& tally) = 0;
  virtual void RollbackFile() noexcept = 0;
  // Records that the file failed (status 'failed', error text) in its own small transaction,
  // unless a loaded version exists, which is kept untouched.
  [[nodiscard]] virtual Status RecordFailure(const FileIdentity& file,
                                             const std::string& error) = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_RECORD_SINK_H_
