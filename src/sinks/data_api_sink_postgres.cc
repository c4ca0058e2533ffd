// DataApiSink's ledger hooks on Aurora PostgreSQL: PostgresSink's statements
// (sinks/postgres_ledger_sql.h) with their positional parameters bound as the Data API's
// :p1, :p2, … Integers go as longValue (bigint), amounts DECIMAL-hinted (numeric), text as
// stringValue (character varying, which text columns take).
#include <string>

#include "sinks/data_api_sink.h"
#include "sinks/data_api_values.h"
#include "sinks/postgres_ledger_sql.h"
#include "sinks/stored_values.h"

namespace billflow {
namespace {

using data_api::AsLong;
using data_api::AsText;
using data_api::CheckColumns;
using data_api::Named;

// Positional values, named p1, p2, … in order.
SqlParameterSet Numbered(SqlParameterSet values) {
  for (std::size_t i = 0; i < values.size(); ++i) values[i].name = "p" + std::to_string(i + 1);
  return values;
}
SqlParameter Long(std::int64_t value) { return {"", value, TypeHint::kNone}; }
SqlParameter Long(std::uint64_t value) { return Long(static_cast<std::int64_t>(value)); }
SqlParameter Text(std::string_view value) { return {"", std::string(value), TypeHint::kNone}; }
SqlParameter OptionalText(std::string_view value) {
  if (value.empty()) return {"", std::monostate{}, TypeHint::kNone};
  return Text(value);
}
SqlParameter Dec(const Decimal& value) { return {"", value.ToString(), TypeHint::kDecimal}; }

}  // namespace

Result<std::optional<LedgerEntry>> DataApiSink::PgReadEntry(const std::string& source,
                                                            bool for_update) {
  Result<ExecuteResult> rows = client_->Execute(
      PostgresDataApiSql(for_update ? kPostgresLedgerLookupForUpdate : kPostgresLedgerLookup),
      Numbered({Text(source)}), for_update ? transaction_id_ : std::string());
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

Status DataApiSink::PgClearFile(std::int64_t file_id) {
  const SqlParameterSet id = Numbered({Long(file_id)});
  BILLFLOW_TRY(InTransaction(PostgresDataApiSql(kPostgresDeleteRows), id, "delete previous rows"));
  BILLFLOW_TRY(
      InTransaction(PostgresDataApiSql(kPostgresDeleteRejects), id, "delete previous rejects"));
  BILLFLOW_TRY(InTransaction(PostgresDataApiSql(kPostgresMarkLoading), id, "mark ledger"));
  writer_.Start(transaction_id_, file_id);
  return Ok();
}

// The advisory lock keeps other loaders of the source out; only UpsertFailure's statement,
// which takes no lock, can insert the source meanwhile: that is the race lost.
Result<std::optional<std::int64_t>> DataApiSink::PgInsertEntry(const FileIdentity& file) {
  Result<ExecuteResult> inserted =
      InTransaction(PostgresDataApiSql(kPostgresInsertEntry),
                    Numbered({Text(file.source), Long(file.size_bytes), Text(file.version_tag),
                              Text(file.version_order)}),
                    "insert ledger of " + file.source);
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
  Result<ExecuteResult> updated = InTransaction(
      PostgresDataApiSql(kPostgresWriteLoaded),
      Numbered({Text(file.content_sha256), Long(file.size_bytes), Text(file.version_tag),
                Text(file.version_order), Long(stored.rows_read), Long(stored.rows_loaded),
                Long(stored.rows_rejected), Dec(stored.usd_total), OptionalText(file.profile),
                OptionalText(file.settings_sha256), Long(file_id())}),
      "update ledger");
  if (!updated) return tl::unexpected(updated.error());
  return Ok();
}

Status DataApiSink::PgUpsertFailure(const FileIdentity& file, const std::string& error) {
  Result<ExecuteResult> done = client_->Execute(
      PostgresDataApiSql(kPostgresUpsertFailure),
      Numbered({Text(file.source), Text(file.content_sha256), Long(file.size_bytes),
                Text(file.version_tag), Text(file.version_order), Text(error),
                OptionalText(file.profile), OptionalText(file.settings_sha256)}));
  if (!done)
    return tl::unexpected(Named(done.error(), "data-api record failure of " + file.source));
  return Ok();
}

}  // namespace billflow
