#ifndef BILLFLOW_SINKS_DATA_API_SINK_H_
#define BILLFLOW_SINKS_DATA_API_SINK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/data_api_client.h"
#include "core/decimal.h"
#include "sinks/data_api_row_writer.h"
#include "sinks/data_api_url.h"
#include "sinks/file_ledger.h"
#include "sinks/group_key_sql.h"

namespace billflow {

struct DataApiSinkOptions {
  // A BatchExecuteStatement is sent before its parameter sets' JSON, measured as encoded,
  // would pass this size (the service refuses requests over 4 MiB), or at this many rows.
  std::size_t max_request_bytes = 2 * 1024 * 1024;
  std::size_t max_rows_per_request = 5000;
  // The cluster's engine: kMysql (Aurora MySQL) or kPostgres (Aurora PostgreSQL).
  SqlDialect dialect = SqlDialect::kMysql;
  // Aurora PostgreSQL: how long a file's transaction waits for a lock another loader holds (the
  // source's advisory lock, a ledger row) before it fails as a retryable conflict (SQLSTATE
  // 55P03). Under the service's 45 s call limit, whose StatementTimeoutException inside a
  // transaction is not retried. Aurora MySQL: the cluster's innodb_lock_wait_timeout decides.
  int lock_wait_timeout_s = 30;
};

// Aurora MySQL or Aurora PostgreSQL through the RDS Data API, with SqliteSink's meaning and the
// schema of MysqlSink (sinks/mysql_schema.h) or PostgresSink (sinks/postgres_schema.h): one Data
// API transaction per file holding its rows, rejects and ledger row; the same content again is
// rolled back as kUnchanged; new content replaces the file's rows; an older version is stale; an id
// repeated inside a file becomes the reject `duplicate id "7" (first on line 2)`, the first
// occurrence kept.
//
// Rows and rejects are written by DataApiRowWriter (sinks/data_api_row_writer.h), which finds
// duplicate ids against the PRIMARY KEY before sending, so no statement of the file's
// transaction is expected to fail. Reads page under the service's response limits
// (read_limits(); the paging is FileLedger's).
//
// Concurrency on MySQL: BeginFile locks the ledger row (SELECT … FOR UPDATE) so a second loader
// of the same source waits for the first and then sees its ledger; two first loads of a new
// source race on the unique key: the loser rolls back and begins again, then waits on the
// winner's row (FileLedger::BeginFile). On PostgreSQL the file's transaction first takes the
// source's advisory lock (PostgresSink's, sinks/postgres_ledger_sql.h), so loaders of one source
// run one after the other, and a migration runs in one transaction under its own advisory lock;
// the ledger statements are PostgresSink's, with Data API parameters. Rows are sent with
// BatchExecuteStatement, amounts as DECIMAL-hinted strings, dates DATE-hinted, raw reject
// bytes as blobs. A CommitTransaction without an answer is kAmbiguousCommit. `client` must
// outlive the sink. Not thread-safe. The ledger's decisions are FileLedger's; this class is
// the Data API's dialect of them.
class DataApiSink : public FileLedger {
 public:
  explicit DataApiSink(DataApiClient* client, DataApiSinkOptions options = {});
  // A sink that owns its HTTP client and Data API client (what OpenDatabase needs). The
  // schema is not touched until Migrate().
  [[nodiscard]] static std::unique_ptr<DataApiSink> Create(std::unique_ptr<HttpClient> http,
                                                           AwsConfig aws, DataApiTarget target,
                                                           Clock clock,
                                                           DataApiSinkOptions options = {});
  DataApiClient* client() const { return client_; }
  ~DataApiSink() override;

  Status AddRow(const BillingRecord& row) override;
  Status AddReject(const RejectedRow& reject) override;

  // Requests sent so far by BatchExecute for rows and rejects (tests check the chunking).
  std::size_t batch_requests() const { return writer_.batch_requests(); }
  // Read requests sent so far (tests check the paging).
  std::size_t read_requests() const { return read_requests_; }

 private:
  std::string Label() const override;
  SqlDialect dialect() const override;
  ReadLimits read_limits() const override;
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

  // The PostgreSQL dialect of the hooks above (data_api_sink_postgres.cc).
  [[nodiscard]] Status PgLockSource(const std::string& source);
  // The ledger row a ReadEntry query of either dialect answered (file_id, status,
  // content_sha256, size_bytes, version_order, profile_sha256), or nullopt when none.
  [[nodiscard]] Result<std::optional<LedgerEntry>> EntryOf(const Result<ExecuteResult>& rows,
                                                           const std::string& source) const;
  [[nodiscard]] Result<std::optional<LedgerEntry>> PgReadEntry(const std::string& source,
                                                               bool for_update);
  [[nodiscard]] Status PgClearFile(std::int64_t file_id);
  [[nodiscard]] Result<std::optional<std::int64_t>> PgInsertEntry(const FileIdentity& file);
  [[nodiscard]] Status PgWriteLoaded(const FileIdentity& file, const LoadTally& stored);
  [[nodiscard]] Status PgUpsertFailure(const FileIdentity& file, const std::string& error);
  // A schema statement: in the migration's transaction on PostgreSQL, on its own on MySQL.
  [[nodiscard]] Result<ExecuteResult> SchemaExecute(const std::string& sql,
                                                    const SqlParameterSet& parameters,
                                                    const std::string& what);
  bool postgres() const { return dialect_ == SqlDialect::kPostgres; }

  // Runs `sql` in the file's transaction; errors are prefixed "data-api WHAT: ".
  [[nodiscard]] Result<ExecuteResult> InTransaction(const std::string& sql,
                                                    const SqlParameterSet& parameters,
                                                    const std::string& what);
  void Rollback() noexcept;

  std::unique_ptr<HttpClient> owned_http_;
  std::unique_ptr<DataApiClient> owned_client_;
  DataApiClient* client_;
  SqlDialect dialect_;
  std::string transaction_id_;
  std::string schema_transaction_id_;  // PostgreSQL: the migration's transaction
  DataApiRowWriter writer_;
  std::size_t max_request_bytes_;
  int lock_wait_timeout_s_;  // PostgreSQL (DataApiSinkOptions::lock_wait_timeout_s)
  std::size_t read_requests_ = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_DATA_API_SINK_H_
