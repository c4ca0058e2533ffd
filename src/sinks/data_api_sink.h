#ifndef BILLFLOW_SINKS_DATA_API_SINK_H_
#define BILLFLOW_SINKS_DATA_API_SINK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "aws/data_api_client.h"
#include "core/decimal.h"
#include "sinks/data_api_url.h"
#include "sinks/file_ledger.h"

namespace billflow {

struct DataApiSinkOptions {
  // A BatchExecuteStatement request is sent once its JSON reaches about this size (the
  // service refuses requests over 4 MiB) or this many rows.
  std::size_t max_request_bytes = 2 * 1024 * 1024;
  std::size_t max_rows_per_request = 5000;
};

// Aurora MySQL through the RDS Data API, with SqliteSink's and MysqlSink's meaning and
// MysqlSink's schema (sinks/mysql_schema.h): one Data API transaction per file holding its
// rows, rejects and ledger row; the same content again is rolled back as kUnchanged; new
// content replaces the file's rows; an older version is stale; an id repeated inside a file
// becomes the reject `duplicate id "7" (first on line 2)`, the first occurrence kept.
//
// Duplicate ids are found by the PRIMARY KEY (file_id, id), so memory holds one request's rows,
// never the file's ids: a repeat inside the pending request is set aside before sending; a
// BatchExecuteStatement refused with a duplicate-key error (error code 1062; the Data API reports
// no per-row counts, and whether the rows before the failing one stayed is not specified) is
// settled in the same transaction: its rows go to a TEMPORARY table shaped LIKE billing_data, a
// join names the rows whose id is stored under another line (the rejects), and INSERT … SELECT
// with a no-op ON DUPLICATE KEY UPDATE stores the rest. A file without repeated ids costs no
// extra request.
//
// Concurrency: BeginFile locks the ledger row (SELECT … FOR UPDATE) so a second loader of the
// same source waits for the first and then sees its ledger; two first loads of a new source
// race on the unique key: the loser rolls back and begins again, then waits on the winner's
// row (FileLedger::BeginFile). Rows are sent with
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

  Result<std::vector<GroupTotal>> Totals(GroupBy by) override;
  Result<std::vector<StoredFile>> Files() override;
  Result<std::vector<StoredReject>> Rejects(const std::optional<std::string>& source) override;
  Result<std::vector<FxRate>> LoadRates() override;
  Status SaveRates(const std::vector<FxRate>& rates) override;

  // Requests sent so far by BatchExecute (tests check the chunking).
  std::size_t batch_requests() const { return batch_requests_; }

 private:
  std::string Label() const override;
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

  struct Pending {
    std::vector<SqlParameterSet> sets;
    std::size_t bytes = 0;
  };
  // A row of the pending request, kept to turn it into a reject if its id is already stored.
  struct PendingRow {
    std::string id;
    std::uint64_t line_number = 0;
    Decimal usd{0, 2};
    std::string raw_line;
    std::uint64_t stored_line = 0;  // line its id is stored under, if another one; 0: none
  };
  // A row whose id an earlier row of the same pending request has (not sent).
  struct Repeat {
    std::size_t first = 0;  // index of that earlier row in pending_rows_
    std::uint64_t line_number = 0;
    Decimal usd{0, 2};
    std::string raw_line;
  };
  // Runs `sql` in the file's transaction; errors are prefixed "data-api WHAT: ".
  [[nodiscard]] Result<ExecuteResult> InTransaction(const std::string& sql,
                                                    const SqlParameterSet& parameters,
                                                    const std::string& what);
  [[nodiscard]] Status Flush(const std::string& sql, Pending* pending);
  [[nodiscard]] Status FlushRows();
  [[nodiscard]] Status SettleDuplicateIds();
  [[nodiscard]] Status RejectDuplicate(const std::string& id, std::uint64_t line_number,
                                       std::uint64_t first_line, const Decimal& usd,
                                       std::string_view raw_line);
  [[nodiscard]] Status QueueReject(std::uint64_t line_number, std::string_view reason,
                                   std::string_view raw_line);
  void Rollback() noexcept;

  std::unique_ptr<HttpClient> owned_http_;
  std::unique_ptr<DataApiClient> owned_client_;
  DataApiClient* client_;
  DataApiSinkOptions options_;
  std::string transaction_id_;
  Pending rows_;  // parameter sets of pending_rows_, in the same order
  std::vector<PendingRow> pending_rows_;
  std::unordered_map<std::string, std::size_t> pending_index_;  // id → index in pending_rows_
  std::vector<Repeat> repeats_;
  bool staging_created_ = false;  // billflow_batch exists on this transaction's connection
  Pending rejects_;
  std::size_t batch_requests_ = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_DATA_API_SINK_H_
