#ifndef BILLFLOW_SINKS_POSTGRES_SINK_H_
#define BILLFLOW_SINKS_POSTGRES_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "sinks/file_ledger.h"
#include "sinks/postgres_options.h"

namespace billflow {

// PostgreSQL 13+ / Aurora PostgreSQL backend over libpq, with the meaning of every other
// backend: one transaction per file holding its rows, rejects and ledger row; the same content
// again is rolled back as kUnchanged; new content replaces the file's rows; an older version is
// stale; an id repeated inside a file becomes a reject `duplicate id "7" (first on line 2)`.
//
// Concurrency: the file's transaction takes pg_advisory_xact_lock on the first 8 bytes of
// SHA-256(source), held until commit or rollback, so two loaders of one source serialize and
// the second sees the first's ledger (waiting at most `lock_wait_timeout_s`); Migrate holds an
// advisory lock of its own and runs its DDL in one transaction. Rows go out through COPY in
// bounded batches (sinks/postgres_bulk_writer.h), so memory stays bounded.
//
// Errors: see SqlstateErrorCode in core/sqlstate.h. A connection lost during COMMIT is
// kAmbiguousCommit (the outcome is read from the ledger; see pipeline/retrying_ingest.h). After
// such an error the sink is unusable: make a new one. Not thread-safe; the PGconn never leaves the
// .cc files. The ledger's decisions are FileLedger's; this class is PostgreSQL's dialect of them.
class PostgresSink : public FileLedger {
 public:
  // Connects (TLS as `options.ssl_mode` says) and sets up the session. The schema is not
  // touched until Migrate().
  [[nodiscard]] static Result<std::unique_ptr<PostgresSink>> Open(const PostgresOptions& options);
  ~PostgresSink() override;

  Status AddRow(const BillingRecord& row) override;
  Status AddReject(const RejectedRow& reject) override;

  // The negotiated TLS cipher, or "" for an unencrypted session.
  std::string TlsCipher() const;

 private:
  std::string Label() const override;
  SqlDialect dialect() const override;
  Result<TextRows> QueryText(std::string_view sql, std::span<const SqlArg> args,
                             std::string_view what) override;
  Status ExecText(std::string_view sql, std::span<const SqlArgs> sets,
                  std::string_view what) override;
  Status BeginSchemaChange() override;
  Status CreateTables() override;
  Result<int> StoredSchemaVersion() override;
  Status UpgradeTables(int from_version) override;
  Status RecordSchemaVersion(int version) override;
  Status EndSchemaChange(bool commit) override;
  Result<std::optional<LedgerEntry>> ReadEntry(const std::string& source, bool for_update) override;
  Status OpenFile(const FileIdentity& file) override;
  Status ClearFile(std::int64_t file_id) override;
  Result<std::optional<std::int64_t>> InsertEntry(const FileIdentity& file) override;
  Status FlushFile() override;
  Status WriteLoaded(const FileIdentity& file, const LoadTally& stored) override;
  Status CommitTransaction() override;
  void RollbackTransaction() noexcept override;
  Status UpsertFailure(const FileIdentity& file, const std::string& error) override;
  Status ResumeFile(std::int64_t file_id) override;

  struct Impl;
  explicit PostgresSink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_POSTGRES_SINK_H_
