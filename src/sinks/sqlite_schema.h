#ifndef BILLFLOW_SINKS_SQLITE_SCHEMA_H_
#define BILLFLOW_SINKS_SQLITE_SCHEMA_H_

#include "sinks/schema_upgrade.h"

namespace billflow {

// The contract's schema in SQLite's dialect. Decimal columns hold canonical decimal text with
// the column's fixed scale (bill_amount 4, fx_rate as given, bill_amount_usd 2); raw_line is a
// BLOB so invalid UTF-8 survives byte for byte. version_order is billflow's own column.
// fx_rate_date / fx_rate_source name the rate a row used (NULL on rows loaded before version
// 3); retry_fields holds a rate-missing reject's contract fields in canonical form, tab-separated
// (NULL for every other reject); fx_reconversions records each reconvert run. The shape is
// version kLedgerSchemaVersion (sinks/file_ledger.h); kSqliteAddedColumns brings older
// databases to it.
inline constexpr char kSqliteSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version     INTEGER NOT NULL,
  applied_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS billing_files (
  file_id         INTEGER PRIMARY KEY,
  source          TEXT NOT NULL UNIQUE,
  content_sha256  TEXT NOT NULL,
  size_bytes      INTEGER NOT NULL DEFAULT 0,
  version_tag     TEXT,
  version_order   TEXT,
  status          TEXT NOT NULL CHECK (status IN ('loading', 'loaded', 'failed')),
  rows_read       INTEGER NOT NULL DEFAULT 0,
  rows_loaded     INTEGER NOT NULL DEFAULT 0,
  rows_rejected   INTEGER NOT NULL DEFAULT 0,
  usd_total       TEXT NOT NULL DEFAULT '0.00',
  started_at      TEXT,
  finished_at     TEXT,
  error           TEXT,
  profile         TEXT,
  profile_sha256  TEXT
);
CREATE TABLE IF NOT EXISTS billing_data (
  file_id          INTEGER NOT NULL REFERENCES billing_files(file_id),
  id               TEXT NOT NULL,
  line_number      INTEGER NOT NULL,
  company_name     TEXT NOT NULL,
  country          TEXT NOT NULL,
  city             TEXT NOT NULL,
  product_line     TEXT NOT NULL,
  item             TEXT NOT NULL,
  bill_date        TEXT NOT NULL,
  currency         TEXT NOT NULL,
  bill_amount      TEXT NOT NULL,
  fx_rate          TEXT NOT NULL,
  bill_amount_usd  TEXT NOT NULL,
  fx_rate_date     TEXT,
  fx_rate_source   TEXT,
  PRIMARY KEY (file_id, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS billing_rejects (
  file_id      INTEGER NOT NULL REFERENCES billing_files(file_id),
  line_number  INTEGER NOT NULL,
  reason       TEXT NOT NULL,
  raw_line     BLOB NOT NULL,
  retry_fields TEXT,
  PRIMARY KEY (file_id, line_number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fx_rates (
  currency     TEXT NOT NULL,
  valid_from   TEXT NOT NULL,
  rate_to_usd  TEXT NOT NULL,
  source       TEXT,
  PRIMARY KEY (currency, valid_from)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fx_reconversions (
  run_id         INTEGER PRIMARY KEY,
  run_at         TEXT NOT NULL,
  currency       TEXT,
  from_date      TEXT,
  to_date        TEXT,
  dry_run        INTEGER NOT NULL DEFAULT 0,
  files          INTEGER NOT NULL DEFAULT 0,
  rows_changed   INTEGER NOT NULL DEFAULT 0,
  old_usd_total  TEXT NOT NULL DEFAULT '0.00',
  new_usd_total  TEXT NOT NULL DEFAULT '0.00'
);
)sql";

// The columns each version added to tables an older version made (new tables come from
// kSqliteSchema's CREATE TABLE IF NOT EXISTS).
inline constexpr AddedColumn kSqliteAddedColumns[] = {
    {2, "billing_files", "profile", "TEXT"},        {2, "billing_files", "profile_sha256", "TEXT"},
    {3, "billing_data", "fx_rate_date", "TEXT"},    {3, "billing_data", "fx_rate_source", "TEXT"},
    {3, "billing_rejects", "retry_fields", "TEXT"},
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_SQLITE_SCHEMA_H_
