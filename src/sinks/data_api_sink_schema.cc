// DataApiSink's schema hooks (FileLedger::Migrate): MysqlSink's or PostgresSink's DDL, sent as
// Data API statements.
#include <string>
#include <vector>

#include "sinks/data_api_sink.h"
#include "sinks/data_api_values.h"
#include "sinks/ledger_sql.h"
#include "sinks/mysql_schema.h"
#include "sinks/postgres_ledger_sql.h"
#include "sinks/postgres_schema.h"

namespace billflow {
namespace {

using data_api::AsLong;
using data_api::AsText;
using data_api::Long;
using data_api::Named;
using data_api::Text;

// A statement of one engine's dialect refused by the other engine's parser names the setting
// that fixes it: the URL's engine parameter.
Error WithEngineHint(Error error, SqlDialect dialect) {
  const bool postgres_answer = error.message.find("SQLState: ") != std::string::npos;
  const bool mysql_answer = error.message.find("Database error code: ") != std::string::npos;
  if (dialect == SqlDialect::kMysql && postgres_answer) {
    error.message +=
        " (the cluster answers as Aurora PostgreSQL: add &engine=postgres to the "
        "data-api:// URL)";
  } else if (dialect == SqlDialect::kPostgres && mysql_answer) {
    error.message +=
        " (the cluster answers as Aurora MySQL: drop engine=postgres from the "
        "data-api:// URL)";
  }
  return error;
}

}  // namespace

Result<ExecuteResult> DataApiSink::SchemaExecute(const std::string& sql,
                                                 const SqlParameterSet& parameters,
                                                 const std::string& what) {
  Result<ExecuteResult> done = client_->Execute(sql, parameters, schema_transaction_id_);
  if (!done) return tl::unexpected(Named(done.error(), "data-api " + what));
  return done;
}

// MySQL: no lock, since every statement of its schema is idempotent (IF NOT EXISTS) and a second
// migration that finds the version recorded does nothing more. PostgreSQL: DDL is
// transactional, so the whole migration is one transaction under PostgresSink's advisory lock.
Status DataApiSink::BeginSchemaChange() {
  if (!postgres()) return Ok();
  (void)EndSchemaChange(false);
  Result<std::string> transaction = client_->BeginTransaction();
  if (!transaction) return tl::unexpected(Named(transaction.error(), "data-api begin migrate"));
  schema_transaction_id_ = std::move(*transaction);
  Result<ExecuteResult> locked =
      SchemaExecute(kPostgresMigrateLock, {}, "wait for other migrations");
  if (!locked) return tl::unexpected(WithEngineHint(locked.error(), dialect_));
  return Ok();
}

Status DataApiSink::CreateTables() {
  if (postgres()) {
    for (const std::string& statement : PostgresSchemaStatements()) {
      BILLFLOW_TRY(SchemaExecute(statement, {}, "create schema"));
    }
    return Ok();
  }
  Result<ExecuteResult> found = client_->Execute(
      "SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN "
      "('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1");
  if (!found) {
    return tl::unexpected(WithEngineHint(Named(found.error(), "data-api migrate"), dialect_));
  }
  std::string collation = "utf8mb4_bin";
  if (!found->records.empty() && !found->records[0].empty()) {
    collation = AsText(found->records[0][0]);
  }
  for (const std::string& statement : MysqlSchemaStatements(collation)) {
    BILLFLOW_TRY(SchemaExecute(statement, {}, "create schema"));
  }
  return Ok();
}

// The same SQL in both dialects.
Result<int> DataApiSink::StoredSchemaVersion() {
  Result<ExecuteResult> version = SchemaExecute(kPostgresStoredVersion, {}, "read schema_version");
  if (!version) return tl::unexpected(version.error());
  if (version->records.empty() || version->records[0].empty()) return 0;
  return static_cast<int>(AsLong(version->records[0][0]));
}

Status DataApiSink::UpgradeTables(int from_version) {
  SchemaUpgradeOps ops;
  ops.has_column = [this](std::string_view table, std::string_view column) -> Result<bool> {
    std::string query = postgres() ? RewritePlaceholders(kPostgresHasColumnQuery,
                                                         PlaceholderStyle::kColonNamed, nullptr)
                                   : std::string(kMysqlHasColumnQuery);
    if (!postgres()) {
      query.replace(query.find('?'), 1, ":p1");
      query.replace(query.find('?'), 1, ":p2");
    }
    Result<ExecuteResult> found =
        SchemaExecute(query, {Text("p1", table), Text("p2", column)}, "read table columns");
    if (!found) return tl::unexpected(found.error());
    return !found->records.empty() && !found->records[0].empty() &&
           AsLong(found->records[0][0]) > 0;
  };
  ops.exec = [this](const std::string& sql) -> Status {
    BILLFLOW_TRY(SchemaExecute(sql, {}, "upgrade schema"));
    return Ok();
  };
  if (postgres()) return UpgradeColumns(kPostgresAddedColumns, from_version, ops);
  return UpgradeColumns(kMysqlAddedColumns, from_version, ops);
}

Status DataApiSink::RecordSchemaVersion(int version) {
  const std::string sql =
      postgres()
          ? RewritePlaceholders(kPostgresRecordVersion, PlaceholderStyle::kColonNamed, nullptr)
          : "INSERT INTO schema_version (version, applied_at) VALUES (:p1, "
            "UTC_TIMESTAMP(6))";
  BILLFLOW_TRY(SchemaExecute(sql, {Long("p1", version)}, "record schema_version"));
  return Ok();
}

Status DataApiSink::EndSchemaChange(bool commit) {
  if (schema_transaction_id_.empty()) return Ok();
  std::string transaction = std::move(schema_transaction_id_);
  schema_transaction_id_.clear();
  if (!commit) {
    (void)client_->RollbackTransaction(transaction);
    return Ok();
  }
  Status committed = client_->CommitTransaction(transaction);
  if (!committed) return tl::unexpected(Named(committed.error(), "data-api commit migrate"));
  return Ok();
}

}  // namespace billflow
