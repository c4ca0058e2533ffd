#ifndef BILLFLOW_SINKS_SQLITE_SINK_H_
#define BILLFLOW_SINKS_SQLITE_SINK_H_

#include <memory>
#include <string>

#include "sinks/file_ledger.h"

namespace billflow {

struct SqliteOptions {
  std::string path;               // database file; created when missing
  int busy_timeout_ms = 600'000;  // how long to wait for another writer's file
};

// The embedded default backend. One write transaction (BEGIN IMMEDIATE) per file: a second
// process loading into the same database waits for the first, then sees its ledger. WAL
// journal, synchronous=FULL. Decimals are stored as canonical text ("975.30"). Not
// thread-safe; the sqlite3 handle never leaves the .cc. The ledger's decisions are
// FileLedger's; this class is SQLite's dialect of them.
class SqliteSink : public FileLedger {
 public:
  [[nodiscard]] static Result<std::unique_ptr<SqliteSink>> Open(const SqliteOptions& options);
  ~SqliteSink() override;

  Status AddRow(const BillingRecord& row) override;
  Status AddReject(const RejectedRow& reject) override;

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
  explicit SqliteSink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_SQLITE_SINK_H_
