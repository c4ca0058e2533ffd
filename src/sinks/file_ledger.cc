#include "sinks/file_ledger.h"

#include "core/row_validator.h"

namespace billflow {

Status FileLedger::Migrate() {
  // Nearly every open finds the schema current: one read, without the lock and the DDL (on the
  // Data API one request instead of ~10, on Aurora PostgreSQL a transaction of its own). Any
  // other answer, a missing table or a failed read included, takes the locked path, which
  // decides and reports.
  if (Result<int> stored = StoredSchemaVersion(); stored && *stored == kLedgerSchemaVersion) {
    return Ok();
  }
  BILLFLOW_TRY(BeginSchemaChange());
  Status migrated = MigrateLocked();
  if (!migrated) {
    (void)EndSchemaChange(false);
    return migrated;
  }
  return EndSchemaChange(true);
}

Status FileLedger::MigrateLocked() {
  BILLFLOW_TRY(CreateTables());
  Result<int> current = StoredSchemaVersion();
  if (!current) return tl::unexpected(current.error());
  if (*current > kLedgerSchemaVersion) {
    return Fail(ErrorCode::kInvalidArgument,
                Label() + ": schema version " + std::to_string(*current) +
                    " is newer than this billflow understands (" +
                    std::to_string(kLedgerSchemaVersion) + "); upgrade billflow");
  }
  if (*current == kLedgerSchemaVersion) return Ok();
  // Version 0: CreateTables just made the current shape; older versions are upgraded.
  if (*current > 0) BILLFLOW_TRY(UpgradeTables(*current));
  return RecordSchemaVersion(kLedgerSchemaVersion);
}

Result<std::optional<LedgerEntry>> FileLedger::FindFile(const std::string& source) {
  return ReadEntry(source, false);
}

Result<BeginOutcome> FileLedger::BeginFile(const FileIdentity& file) {
  RollbackTransaction();
  // A lost race to create the source's ledger row is retried: the winner's row then exists,
  // so the next attempt waits on it (ReadEntry for update) and sees its outcome.
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    bool raced = false;
    Result<BeginOutcome> opened = OpenOnce(file, &raced);
    if (!opened || !raced) return opened;
  }
  return Fail(ErrorCode::kConflict, Label() + ": " + file.source +
                                        ": other loaders kept creating its ledger entry first (" +
                                        std::to_string(kAttempts) + " attempts); retry");
}

Result<BeginOutcome> FileLedger::OpenOnce(const FileIdentity& file, bool* raced) {
  *raced = false;
  source_ = file.source;
  file_id_ = 0;
  existing_.reset();
  duplicate_rows_ = 0;
  duplicate_usd_ = Decimal(0, 2);
  Result<BeginOutcome> opened = [&]() -> Result<BeginOutcome> {
    BILLFLOW_TRY(OpenFile(file));
    auto existing = ReadEntry(file.source, true);
    if (!existing) return tl::unexpected(existing.error());
    existing_ = std::move(*existing);
    if (existing_ && existing_->IsNewerThan(file)) return BeginOutcome::kStale;
    if (existing_) {
      file_id_ = existing_->file_id;
      // Replacing: the new content's rows take the old ones' place in this transaction.
      BILLFLOW_TRY(ClearFile(file_id_));
      return BeginOutcome::kProceed;
    }
    auto inserted = InsertEntry(file);
    if (!inserted) return tl::unexpected(inserted.error());
    if (!*inserted) {
      *raced = true;
      return BeginOutcome::kProceed;
    }
    file_id_ = **inserted;
    return BeginOutcome::kProceed;
  }();
  if (!opened || *opened == BeginOutcome::kStale || *raced) RollbackTransaction();
  return opened;
}

Result<std::string> FileLedger::NoteDuplicate(std::string_view id, std::uint64_t first_line,
                                              const Decimal& usd) {
  std::optional<Decimal> sum = duplicate_usd_.Add(usd);
  if (!sum) {
    return Fail(ErrorCode::kLimitExceeded,
                source_ + ": the USD total of rows with duplicate ids overflows");
  }
  duplicate_usd_ = *sum;
  ++duplicate_rows_;
  std::string reason = "duplicate id ";
  AppendQuoted(id, &reason);
  reason.append(" (first on line ").append(std::to_string(first_line)).append(")");
  return reason;
}

Result<CommitResult> FileLedger::CommitFile(const FileIdentity& file, const LoadTally& tally) {
  if (existing_ && existing_->Holds(file)) {
    RollbackTransaction();
    return CommitResult{CommitOutcome::kUnchanged, {}};
  }
  Result<LoadTally> written = [&]() -> Result<LoadTally> {
    BILLFLOW_TRY(FlushFile());
    LoadTally stored = tally;
    stored.rows_loaded -= duplicate_rows_;
    stored.rows_rejected += duplicate_rows_;
    std::optional<Decimal> usd =
        tally.usd_total.Add(Decimal(-duplicate_usd_.units(), duplicate_usd_.scale()));
    if (!usd) {
      return Fail(ErrorCode::kLimitExceeded,
                  file.source + ": the USD total without duplicate ids overflows");
    }
    stored.usd_total = *usd;
    BILLFLOW_TRY(WriteLoaded(file, stored));
    return stored;
  }();
  if (!written) {
    RollbackTransaction();
    return tl::unexpected(written.error());
  }
  if (Status committed = CommitTransaction(); !committed) {
    Error error = committed.error();
    if (error.code == ErrorCode::kAmbiguousCommit) {
      error.message += "; the commit of " + file.source +
                       " may have happened: read its ledger entry before loading it again";
    }
    RollbackTransaction();
    return tl::unexpected(std::move(error));
  }
  const bool replaced = existing_ && existing_->IsLoaded();
  return CommitResult{replaced ? CommitOutcome::kReplaced : CommitOutcome::kLoaded, *written};
}

void FileLedger::RollbackFile() noexcept { RollbackTransaction(); }

Status FileLedger::RecordFailure(const FileIdentity& file, const std::string& error) {
  RollbackTransaction();
  return UpsertFailure(file, error);
}

}  // namespace billflow
