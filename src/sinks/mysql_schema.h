#ifndef BILLFLOW_SINKS_MYSQL_SCHEMA_H_
#define BILLFLOW_SINKS_MYSQL_SCHEMA_H_

#include <string>
#include <string_view>
#include <vector>

#include "sinks/schema_upgrade.h"

namespace billflow {

// The contract's schema in MySQL 8 / MariaDB 10.5+ dialect: InnoDB, utf8mb4, real DECIMAL and
// DATE columns. `collation` is a binary, NO PAD utf8mb4 collation (utf8mb4_nopad_bin on
// MariaDB, utf8mb4_0900_bin on MySQL 8): ids and names compare byte for byte as in SQLite, so
// "a" and "A" — and "7" and "7 " — are different ids. billing_files.source is unique through
// source_sha256 (SHA-256 of the source, computed by billflow) because an S3 uri can be longer
// than an InnoDB index key allows. raw_line is a LONGBLOB so invalid UTF-8 survives.
// fx_rate_date / fx_rate_source name the rate a row used (NULL on rows loaded before version
// 3); retry_fields holds a rate-missing reject's contract fields in canonical form, tab-separated
// (NULL for every other reject); fx_reconversions records each reconvert run. The shape is
// version kLedgerSchemaVersion (sinks/file_ledger.h); kMysqlAddedColumns brings older ones to it.
inline std::vector<std::string> MysqlSchemaStatements(std::string_view collation) {
  const std::string table_options =
      " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=" + std::string(collation);
  return {
      "CREATE TABLE IF NOT EXISTS schema_version (\n"
      "  version     INT NOT NULL,\n"
      "  applied_at  DATETIME(6) NOT NULL\n"
      ")" +
          table_options,
      "CREATE TABLE IF NOT EXISTS billing_files (\n"
      "  file_id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
      "  source          VARCHAR(2048) NOT NULL,\n"
      "  source_sha256   BINARY(32) NOT NULL,\n"
      "  content_sha256  CHAR(64) NOT NULL DEFAULT '',\n"
      "  size_bytes      BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
      "  version_tag     VARCHAR(1024),\n"
      "  version_order   VARCHAR(255),\n"
      "  status          VARCHAR(16) NOT NULL,\n"
      "  rows_read       BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
      "  rows_loaded     BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
      "  rows_rejected   BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
      "  usd_total       DECIMAL(38,2) NOT NULL DEFAULT 0.00,\n"
      "  started_at      DATETIME(6),\n"
      "  finished_at     DATETIME(6),\n"
      "  error           TEXT,\n"
      "  profile         VARCHAR(255),\n"
      "  profile_sha256  CHAR(64),\n"
      "  UNIQUE KEY billing_files_source (source_sha256),\n"
      "  CONSTRAINT billing_files_status CHECK (status IN ('loading', 'loaded', 'failed'))\n"
      ")" +
          table_options,
      "CREATE TABLE IF NOT EXISTS billing_data (\n"
      "  file_id          BIGINT NOT NULL,\n"
      "  id               VARCHAR(64) NOT NULL,\n"
      "  line_number      BIGINT UNSIGNED NOT NULL,\n"
      "  company_name     VARCHAR(1000) NOT NULL,\n"
      "  country          VARCHAR(8) NOT NULL,\n"
      "  city             VARCHAR(1000) NOT NULL,\n"
      "  product_line     VARCHAR(1000) NOT NULL,\n"
      "  item             VARCHAR(1000) NOT NULL,\n"
      "  bill_date        DATE NOT NULL,\n"
      "  currency         CHAR(3) NOT NULL,\n"
      "  bill_amount      DECIMAL(19,4) NOT NULL,\n"
      "  fx_rate          DECIMAL(20,10) NOT NULL,\n"
      "  bill_amount_usd  DECIMAL(19,2) NOT NULL,\n"
      "  fx_rate_date     DATE,\n"
      "  fx_rate_source   VARCHAR(1024),\n"
      "  PRIMARY KEY (file_id, id),\n"
      "  CONSTRAINT billing_data_file FOREIGN KEY (file_id) REFERENCES billing_files (file_id)\n"
      ")" +
          table_options,
      "CREATE TABLE IF NOT EXISTS billing_rejects (\n"
      "  file_id      BIGINT NOT NULL,\n"
      "  line_number  BIGINT UNSIGNED NOT NULL,\n"
      "  reason       TEXT NOT NULL,\n"
      "  raw_line     LONGBLOB NOT NULL,\n"
      "  retry_fields MEDIUMTEXT,\n"
      "  PRIMARY KEY (file_id, line_number),\n"
      "  CONSTRAINT billing_rejects_file FOREIGN KEY (file_id) REFERENCES billing_files (file_id)\n"
      ")" +
          table_options,
      "CREATE TABLE IF NOT EXISTS fx_rates (\n"
      "  currency     CHAR(3) NOT NULL,\n"
      "  valid_from   DATE NOT NULL,\n"
      "  rate_to_usd  DECIMAL(20,10) NOT NULL,\n"
      "  source       VARCHAR(1024),\n"
      "  PRIMARY KEY (currency, valid_from)\n"
      ")" +
          table_options,
      "CREATE TABLE IF NOT EXISTS fx_reconversions (\n"
      "  run_id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
      "  run_at         DATETIME(6) NOT NULL,\n"
      "  currency       CHAR(3),\n"
      "  from_date      DATE,\n"
      "  to_date        DATE,\n"
      "  dry_run        TINYINT NOT NULL DEFAULT 0,\n"
      "  files          BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
      "  rows_changed   BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
      "  old_usd_total  DECIMAL(38,2) NOT NULL DEFAULT 0.00,\n"
      "  new_usd_total  DECIMAL(38,2) NOT NULL DEFAULT 0.00\n"
      ")" +
          table_options,
  };
}

// The columns each version added to tables an older version made (new tables come from
// MysqlSchemaStatements' CREATE TABLE IF NOT EXISTS). Shared by MysqlSink and DataApiSink.
inline constexpr AddedColumn kMysqlAddedColumns[] = {
    {2, "billing_files", "profile", "VARCHAR(255)"},
    {2, "billing_files", "profile_sha256", "CHAR(64)"},
    {3, "billing_data", "fx_rate_date", "DATE"},
    {3, "billing_data", "fx_rate_source", "VARCHAR(1024)"},
    {3, "billing_rejects", "retry_fields", "MEDIUMTEXT"},
};

// Whether `table` has `column`, as a query with two ? / :table :column parameters.
inline constexpr char kMysqlHasColumnQuery[] =
    "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
    "TABLE_NAME = ? AND COLUMN_NAME = ?";

}  // namespace billflow

#endif  // BILLFLOW_SINKS_MYSQL_SCHEMA_H_
