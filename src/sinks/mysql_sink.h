#ifndef BILLFLOW_SINKS_MYSQL_SINK_H_
#define BILLFLOW_SINKS_MYSQL_SINK_H_

#include <memory>
#include <string>

#include "sinks/file_ledger.h"
#include "sinks/mysql_options.h"

namespace billflow {

// MySQL 8 / Aurora MySQL / MariaDB backend over libmariadb, with the same meaning as SqliteSink:
// one InnoDB transaction per file holding its rows, rejects and ledger row; the same content
// again is rolled back as kUnchanged; new content replaces the file's rows; an older version is
// stale; an id repeated inside a file becomes a reject `duplicate id "7" (first on line 2)`.
//
// Concurrency: BeginFile takes the named lock GET_LOCK('billflow:<sha256(source)>') and holds it
// until the commit or rollback, so two processes loading the same source serialize and the
// second sees the first's ledger; different sources load side by side (READ COMMITTED, no gap
// locks). Rows are buffered up to `options.batch_bytes` and written in bulk (see
// `MysqlBulkMode`), so memory stays bounded whatever the file size.
//
// Errors: a lost connection or read-only server is kUnavailable, a deadlock or lock timeout
// kConflict; a connection lost during COMMIT is kAmbiguousCommit (the outcome must be read from
// the ledger; see pipeline/retrying_ingest.h). After such an error the sink is unusable: make a
// new one. Not thread-safe; the MYSQL handle never leaves the .cc files. The ledger's
// decisions are FileLedger's; this class is MySQL's dialect of them, with the bulk path in
// sinks/mysql_bulk_writer.h.
class MysqlSink : public FileLedger {
 public:
  // Connects (TLS as `options.tls` says) and sets up the session. The schema is not touched
  // until Migrate().
  [[nodiscard]] static Result<std::unique_ptr<MysqlSink>> Open(const MysqlOptions& options);
  ~MysqlSink() override;

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

  struct Impl;
  explicit MysqlSink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_MYSQL_SINK_H_
