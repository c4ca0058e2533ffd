// DataApiSink's ledger hooks on Aurora PostgreSQL: PostgresSink's statements
// (sinks/postgres_ledger_sql.h), their $N written as the Data API's :pN and their values bound
// as every shared statement's are (data_api::Parameters: integers as bigint, amounts
// DECIMAL-hinted, text as character varying, which text columns take).
#include <string>

#include "sinks/column_values.h"
#include "sinks/data_api_sink.h"
#include "sinks/data_api_values.h"
#include "sinks/ledger_sql.h"
#include "sinks/postgres_ledger_sql.h"
#include "sinks/stored_values.h"

namespace billflow {
namespace {

using data_api::AsLong;
using data_api::AsText;
using data_api::CheckColumns;
using data_api::Named;
using data_api::Parameters;

std::string Sql(std::string_view positional) {
  return RewritePlaceholders(positional, PlaceholderStyle::kColonNamed, nullptr);
}
// A count or size as its BIGINT column holds it.
SqlArg Int(std::uint64_t count) { return SqlArg::Int(AsBigint(count)); }

}  // namespace

Status DataApiSink::PgLockSource(const std::string& source) {
  const SqlArgs key = {SqlArg::Text(PostgresSourceLockKey(source))};
  BILLFLOW_TRY(InTransaction(Sql(PostgresSourceLockWaitingAtMost(lock_wait_timeout_s_)),
                             Parameters(key), "wait for other loaders of " + source));
  return Ok();
}

Result<std::optional<LedgerEntry>> DataApiSink::PgReadEntry(const std::string& source,
                                                            bool for_update) {
  const SqlArgs args = {SqlArg::Text(source)};
  Result<ExecuteResult> rows =
      client_->Execute(Sql(for_update ? kPostgresLedgerLookupForUpdate : kPostgresLedgerLookup),
                       Parameters(args), for_update ? transaction_id_ : std::string());
  return EntryOf(rows, source);
}

Status DataApiSink::PgClearFile(std::int64_t file_id) {
  const SqlParameterSet id = Parameters(SqlArgs{SqlArg::Int(file_id)});
  BILLFLOW_TRY(InTransaction(Sql(kPostgresDeleteRows), id, "delete previous rows"));
  BILLFLOW_TRY(InTransaction(Sql(kPostgresDeleteRejects), id, "delete previous rejects"));
  BILLFLOW_TRY(InTransaction(Sql(kPostgresMarkLoading), id, "mark ledger"));
  writer_.Start(transaction_id_, file_id);
  return Ok();
}

// The advisory lock keeps other loaders of the source out; only UpsertFailure's statement,
// which takes no lock, can insert the source meanwhile: that is the race lost.
Result<std::optional<std::int64_t>> DataApiSink::PgInsertEntry(const FileIdentity& file) {
  const SqlArgs args = {SqlArg::Text(file.source), Int(file.size_bytes),
                        SqlArg::Text(file.version_tag), SqlArg::Text(file.version_order)};
  Result<ExecuteResult> inserted =
      InTransaction(Sql(kPostgresInsertEntry), Parameters(args), "insert ledger of " + file.source);
  if (!inserted && inserted.error().code == ErrorCode::kDuplicateKey) {
    return std::optional<std::int64_t>{};
  }
  if (!inserted) return tl::unexpected(inserted.error());
  if (inserted->records.empty() || inserted->records[0].empty()) {
    return Fail(ErrorCode::kInternal, Label() + ": insert ledger returned no file_id");
  }
  const std::int64_t file_id = AsLong(inserted->records[0][0]);
  writer_.Start(transaction_id_, file_id);
  return std::optional<std::int64_t>{file_id};
}

Status DataApiSink::PgWriteLoaded(const FileIdentity& file, const LoadTally& stored) {
  const SqlArgs args = {SqlArg::Text(file.content_sha256),
                        Int(file.size_bytes),
                        SqlArg::Text(file.version_tag),
                        SqlArg::Text(file.version_order),
                        Int(stored.rows_read),
                        Int(stored.rows_loaded),
                        Int(stored.rows_rejected),
                        SqlArg::Dec(stored.usd_total),
                        TextOrNull<SqlArg>(file.profile),
                        TextOrNull<SqlArg>(file.settings_sha256),
                        SqlArg::Int(file_id())};
  BILLFLOW_TRY(InTransaction(Sql(kPostgresWriteLoaded), Parameters(args), "update ledger"));
  return Ok();
}

Status DataApiSink::PgUpsertFailure(const FileIdentity& file, const std::string& error) {
  const SqlArgs args = {SqlArg::Text(file.source),
                        SqlArg::Text(file.content_sha256),
                        Int(file.size_bytes),
                        SqlArg::Text(file.version_tag),
                        SqlArg::Text(file.version_order),
                        SqlArg::Text(error),
                        TextOrNull<SqlArg>(file.profile),
                        TextOrNull<SqlArg>(file.settings_sha256)};
  Result<ExecuteResult> done = client_->Execute(Sql(kPostgresUpsertFailure), Parameters(args));
  if (!done)
    return tl::unexpected(Named(done.error(), "data-api record failure of " + file.source));
  return Ok();
}

}  // namespace billflow
