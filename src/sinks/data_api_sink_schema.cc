// DataApiSink's schema hooks (FileLedger::Migrate): MySQL's DDL, sent as Data API statements.
#include <string>
#include <vector>

#include "sinks/data_api_sink.h"
#include "sinks/data_api_values.h"
#include "sinks/mysql_schema.h"

namespace billflow {

using data_api::AsLong;
using data_api::AsText;
using data_api::Long;
using data_api::Named;
using data_api::Text;

// No lock: every statement of the schema is idempotent (IF NOT EXISTS), and a second
// migration that finds the version recorded does nothing more.
Status DataApiSink::BeginSchemaChange() { return Ok(); }

Status DataApiSink::CreateTables() {
  Result<ExecuteResult> found = client_->Execute(
      "SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN "
      "('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1");
  if (!found) return tl::unexpected(Named(found.error(), "data-api migrate"));
  std::string collation = "utf8mb4_bin";
  if (!found->records.empty() && !found->records[0].empty()) {
    collation = AsText(found->records[0][0]);
  }
  for (const std::string& statement : MysqlSchemaStatements(collation)) {
    Result<ExecuteResult> done = client_->Execute(statement);
    if (!done) return tl::unexpected(Named(done.error(), "data-api create schema"));
  }
  return Ok();
}

Result<int> DataApiSink::StoredSchemaVersion() {
  Result<ExecuteResult> version =
      client_->Execute("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!version) return tl::unexpected(Named(version.error(), "data-api read schema_version"));
  if (version->records.empty() || version->records[0].empty()) return 0;
  return static_cast<int>(AsLong(version->records[0][0]));
}

Status DataApiSink::UpgradeTables(int from_version) {
  DataApiClient& client = *client_;
  SchemaUpgradeOps ops;
  ops.has_column = [&client](std::string_view table, std::string_view column) -> Result<bool> {
    std::string query = kMysqlHasColumnQuery;
    query.replace(query.find('?'), 1, ":table_name");
    query.replace(query.find('?'), 1, ":column_name");
    Result<ExecuteResult> found =
        client.Execute(query, {Text("table_name", table), Text("column_name", column)});
    if (!found) return tl::unexpected(Named(found.error(), "data-api read table columns"));
    return !found->records.empty() && !found->records[0].empty() &&
           AsLong(found->records[0][0]) > 0;
  };
  ops.exec = [&client](const std::string& sql) -> Status {
    Result<ExecuteResult> done = client.Execute(sql);
    if (!done) return tl::unexpected(Named(done.error(), "data-api upgrade schema"));
    return Ok();
  };
  return UpgradeColumns(kMysqlAddedColumns, from_version, ops);
}

Status DataApiSink::RecordSchemaVersion(int version) {
  Result<ExecuteResult> recorded = client_->Execute(
      "INSERT INTO schema_version (version, applied_at) VALUES (:version, UTC_TIMESTAMP(6))",
      {Long("version", version)});
  if (!recorded) return tl::unexpected(Named(recorded.error(), "data-api record schema_version"));
  return Ok();
}

Status DataApiSink::EndSchemaChange(bool /*commit*/) { return Ok(); }

}  // namespace billflow
