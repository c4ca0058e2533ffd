#include "sinks/data_api_sink.h"

#include "sinks/column_values.h"
#include "sinks/data_api_values.h"
#include "sinks/ledger_sql.h"
#include "sinks/postgres_ledger_sql.h"
#include "sinks/stored_values.h"

namespace billflow {
namespace {

using data_api::AsCell;
using data_api::AsLong;
using data_api::AsText;
using data_api::CheckColumns;
using data_api::Dec;
using data_api::Long;
using data_api::Named;
using data_api::OptionalText;
using data_api::Parameters;
using data_api::Text;

}  // namespace

DataApiSink::DataApiSink(DataApiClient* client, DataApiSinkOptions options)
    : client_(client),
      dialect_(options.dialect == SqlDialect::kPostgres ? SqlDialect::kPostgres
                                                        : SqlDialect::kMysql),
      writer_(client, DataApiBatchLimits{options.max_request_bytes, options.max_rows_per_request},
              [this](std::string_view id, std::uint64_t first_line, const Decimal& usd) {
                return NoteDuplicate(id, first_line, usd);
              }),
      max_request_bytes_(options.max_request_bytes),
      lock_wait_timeout_s_(options.lock_wait_timeout_s) {}

DataApiSink::~DataApiSink() {
  Rollback();
  (void)EndSchemaChange(false);
}

std::unique_ptr<DataApiSink> DataApiSink::Create(std::unique_ptr<HttpClient> http, AwsConfig aws,
                                                 DataApiTarget target, Clock clock,
                                                 DataApiSinkOptions options) {
  auto client = std::make_unique<DataApiClient>(http.get(), std::move(aws), std::move(target),
                                                std::move(clock));
  auto sink = std::make_unique<DataApiSink>(client.get(), options);
  sink->owned_http_ = std::move(http);
  sink->owned_client_ = std::move(client);
  return sink;
}

void DataApiSink::Rollback() noexcept {
  if (!transaction_id_.empty()) {
    (void)client_->RollbackTransaction(transaction_id_);
    transaction_id_.clear();
  }
  writer_.Clear();
}

std::string DataApiSink::Label() const { return "data-api " + client_->target().database; }

Result<std::optional<LedgerEntry>> DataApiSink::ReadEntry(const std::string& source,
                                                          bool for_update) {
  if (postgres()) return PgReadEntry(source, for_update);
  Result<ExecuteResult> rows = client_->Execute(
      std::string("SELECT file_id, status, content_sha256, size_bytes, "
                  "COALESCE(version_order, ''), COALESCE(profile_sha256, '') FROM billing_files "
                  "WHERE source_sha256 = UNHEX(:key)") +
          (for_update ? " FOR UPDATE" : ""),
      {Text("key", SourceSha256Hex(source))}, for_update ? transaction_id_ : std::string());
  return EntryOf(rows, source);
}

Result<std::optional<LedgerEntry>> DataApiSink::EntryOf(const Result<ExecuteResult>& rows,
                                                        const std::string& source) const {
  if (!rows) return tl::unexpected(Named(rows.error(), "data-api read ledger of " + source));
  if (rows->records.empty()) return std::optional<LedgerEntry>{};
  const std::vector<SqlValue>& r = rows->records.front();
  BILLFLOW_TRY(CheckColumns(r, 6, Label() + ": ledger of " + source));
  Result<LedgerStatus> status = StoredLedgerStatus(AsText(r[1]), source, Label());
  if (!status) return tl::unexpected(status.error());
  return std::optional<LedgerEntry>{LedgerEntry{AsLong(r[0]), *status, AsText(r[2]),
                                                static_cast<std::uint64_t>(AsLong(r[3])),
                                                AsText(r[4]), AsText(r[5])}};
}

Status DataApiSink::OpenFile(const FileIdentity& file) {
  Result<std::string> transaction = client_->BeginTransaction();
  if (!transaction)
    return tl::unexpected(Named(transaction.error(), "data-api begin " + file.source));
  transaction_id_ = std::move(*transaction);
  if (!postgres()) return Ok();
  return PgLockSource(file.source);
}

Result<ExecuteResult> DataApiSink::InTransaction(const std::string& sql,
                                                 const SqlParameterSet& parameters,
                                                 const std::string& what) {
  Result<ExecuteResult> result = client_->Execute(sql, parameters, transaction_id_);
  if (!result) return tl::unexpected(Named(result.error(), "data-api " + what));
  return result;
}

Status DataApiSink::ClearFile(std::int64_t file_id) {
  if (postgres()) return PgClearFile(file_id);
  const SqlParameterSet id = {Long("file_id", file_id)};
  BILLFLOW_TRY(InTransaction("DELETE FROM billing_data WHERE file_id = :file_id", id,
                             "delete previous rows"));
  BILLFLOW_TRY(InTransaction("DELETE FROM billing_rejects WHERE file_id = :file_id", id,
                             "delete previous rejects"));
  BILLFLOW_TRY(
      InTransaction("UPDATE billing_files SET status = 'loading', started_at = UTC_TIMESTAMP(6) "
                    "WHERE file_id = :file_id",
                    id, "mark ledger"));
  writer_.Start(transaction_id_, file_id);
  return Ok();
}

Result<std::optional<std::int64_t>> DataApiSink::InsertEntry(const FileIdentity& file) {
  if (postgres()) return PgInsertEntry(file);
  Result<ExecuteResult> inserted = InTransaction(
      "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, "
      "version_tag, version_order, status, started_at) VALUES (:source, UNHEX(:key), '', "
      ":size_bytes, :version_tag, :version_order, 'loading', UTC_TIMESTAMP(6))",
      {Text("source", file.source), Text("key", SourceSha256Hex(file.source)),
       Long("size_bytes", AsBigint(file.size_bytes)), Text("version_tag", file.version_tag),
       Text("version_order", file.version_order)},
      "insert ledger of " + file.source);
  // Another loader created the same source's ledger row first, or several first loads
  // deadlocked on the gap the row goes into (InnoDB picks a victim): begin again.
  if (!inserted && (inserted.error().code == ErrorCode::kDuplicateKey ||
                    inserted.error().code == ErrorCode::kConflict)) {
    return std::optional<std::int64_t>{};
  }
  if (!inserted) return tl::unexpected(inserted.error());
  Result<ExecuteResult> id = InTransaction("SELECT LAST_INSERT_ID()", {}, "read file_id");
  if (!id) return tl::unexpected(id.error());
  if (id->records.empty() || id->records[0].empty()) {
    return Fail(ErrorCode::kInternal, "data-api: LAST_INSERT_ID() returned nothing");
  }
  const std::int64_t file_id = AsLong(id->records[0][0]);
  writer_.Start(transaction_id_, file_id);
  return std::optional<std::int64_t>{file_id};
}

Status DataApiSink::AddRow(const BillingRecord& row) { return writer_.AddRow(row); }

Status DataApiSink::AddReject(const RejectedRow& reject) {
  return writer_.AddReject(reject.line_number, reject.reason, reject.raw_line, reject.retry_fields);
}

Status DataApiSink::FlushFile() { return writer_.Flush(); }

Status DataApiSink::WriteLoaded(const FileIdentity& file, const LoadTally& stored) {
  if (postgres()) return PgWriteLoaded(file, stored);
  Result<ExecuteResult> updated = client_->Execute(
      "UPDATE billing_files SET content_sha256 = :sha, size_bytes = :size_bytes, "
      "version_tag = :version_tag, version_order = :version_order, status = 'loaded', "
      "rows_read = :rows_read, rows_loaded = :rows_loaded, rows_rejected = :rows_rejected, "
      "usd_total = :usd_total, finished_at = UTC_TIMESTAMP(6), error = NULL, "
      "profile = :profile, profile_sha256 = :profile_sha256 WHERE file_id = :file_id",
      {Text("sha", file.content_sha256), Long("size_bytes", AsBigint(file.size_bytes)),
       Text("version_tag", file.version_tag), Text("version_order", file.version_order),
       Long("rows_read", AsBigint(stored.rows_read)),
       Long("rows_loaded", AsBigint(stored.rows_loaded)),
       Long("rows_rejected", AsBigint(stored.rows_rejected)), Dec("usd_total", stored.usd_total),
       OptionalText("profile", file.profile), OptionalText("profile_sha256", file.settings_sha256),
       Long("file_id", file_id())},
      transaction_id_);
  if (!updated) return tl::unexpected(Named(updated.error(), "data-api update ledger"));
  return Ok();
}

Status DataApiSink::CommitTransaction() {
  std::string transaction = std::move(transaction_id_);
  transaction_id_.clear();
  Status committed = client_->CommitTransaction(transaction);
  if (!committed && committed.error().code != ErrorCode::kAmbiguousCommit) {
    (void)client_->RollbackTransaction(transaction);
  }
  return committed;
}

void DataApiSink::RollbackTransaction() noexcept { Rollback(); }

Status DataApiSink::UpsertFailure(const FileIdentity& file, const std::string& error) {
  if (postgres()) return PgUpsertFailure(file, error);
  // One statement, atomic on its own; a loaded version keeps every column.
  Result<ExecuteResult> done = client_->Execute(
      "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, "
      "version_tag, version_order, status, started_at, finished_at, error, profile, "
      "profile_sha256) VALUES (:source, UNHEX(:key), :sha, :size_bytes, :version_tag, "
      ":version_order, 'failed', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), :error, :profile, "
      ":profile_sha256) ON DUPLICATE KEY UPDATE "
      "error = IF(status = 'loaded', error, VALUES(error)), "
      "finished_at = IF(status = 'loaded', finished_at, UTC_TIMESTAMP(6)), "
      "content_sha256 = IF(status = 'loaded', content_sha256, VALUES(content_sha256))",
      {Text("source", file.source), Text("key", SourceSha256Hex(file.source)),
       Text("sha", file.content_sha256), Long("size_bytes", AsBigint(file.size_bytes)),
       Text("version_tag", file.version_tag), Text("version_order", file.version_order),
       Text("error", error), OptionalText("profile", file.profile),
       OptionalText("profile_sha256", file.settings_sha256)});
  if (!done)
    return tl::unexpected(Named(done.error(), "data-api record failure of " + file.source));
  return Ok();
}

SqlDialect DataApiSink::dialect() const { return dialect_; }

// Answers hold at most 1 MiB and 64 KB per row (FIELD-NOTES "Real-service facts"): pages stay
// well inside both, and a raw line's 32 KiB piece is 43,692 bytes of base64.
ReadLimits DataApiSink::read_limits() const { return {5000, 640 * 1024, 32 * 1024}; }

Result<TextRows> DataApiSink::QueryText(std::string_view sql, std::span<const SqlArg> args,
                                        std::string_view what) {
  ++read_requests_;
  Result<ExecuteResult> result =
      client_->Execute(RewritePlaceholders(sql, PlaceholderStyle::kColonNamed, nullptr),
                       Parameters(args), transaction_id_);
  if (!result) return tl::unexpected(Named(result.error(), "data-api " + std::string(what)));
  TextRows rows;
  rows.reserve(result->records.size());
  for (const std::vector<SqlValue>& record : result->records) {
    TextRow& row = rows.emplace_back();
    row.reserve(record.size());
    for (const SqlValue& value : record) row.push_back(AsCell(value));
  }
  return rows;
}

Status DataApiSink::ExecText(std::string_view sql, std::span<const SqlArgs> sets,
                             std::string_view what) {
  const std::string text = RewritePlaceholders(sql, PlaceholderStyle::kColonNamed, nullptr);
  const std::string name = "data-api " + std::string(what);
  // BatchExecute requests of parameter sets within the budget, measured as encoded.
  std::vector<std::vector<SqlParameterSet>> requests;
  std::size_t bytes = 0;
  for (const SqlArgs& set : sets) {
    SqlParameterSet parameters = Parameters(set);
    const std::size_t set_bytes = DataApiClient::ParameterSetJson(parameters).size() + 1;
    if (requests.empty() || bytes + set_bytes > max_request_bytes_) {
      requests.emplace_back();
      bytes = 0;
    }
    bytes += set_bytes;
    requests.back().push_back(std::move(parameters));
  }
  // One request on its own is atomic; several outside the file's transaction get one of their
  // own, so that they apply together or not at all.
  const bool own_transaction = transaction_id_.empty() && requests.size() > 1;
  std::string transaction = transaction_id_;
  if (own_transaction) {
    Result<std::string> begun = client_->BeginTransaction();
    if (!begun) return tl::unexpected(Named(begun.error(), name));
    transaction = std::move(*begun);
  }
  for (const std::vector<SqlParameterSet>& request : requests) {
    Result<std::size_t> sent = client_->BatchExecute(text, request, transaction);
    if (!sent) {
      if (own_transaction) (void)client_->RollbackTransaction(transaction);
      return tl::unexpected(Named(sent.error(), name));
    }
  }
  if (!own_transaction) return Ok();
  Status committed = client_->CommitTransaction(transaction);
  if (!committed) return tl::unexpected(Named(committed.error(), name + " (commit)"));
  return Ok();
}

Status DataApiSink::ResumeFile(std::int64_t file_id) {
  writer_.Start(transaction_id_, file_id);
  return Ok();
}

}  // namespace billflow
