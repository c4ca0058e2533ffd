#ifndef BILLFLOW_SINKS_SQLITE_SCHEMA_H_
#define BILLFLOW_SINKS_SQLITE_SCHEMA_H_

namespace billflow {

// The contract's schema in SQLite's dialect. Decimal columns hold canonical decimal text with
// the column's fixed scale (bill_amount 4, fx_rate as given, bill_amount_usd 2); raw_line is a
// BLOB so invalid UTF-8 survives byte for byte. version_order is billflow's own column.
// The shape is version kLedgerSchemaVersion (sinks/file_ledger.h); kSqliteUpgrades brings
// older databases to it.
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
  PRIMARY KEY (file_id, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS billing_rejects (
  file_id      INTEGER NOT NULL REFERENCES billing_files(file_id),
  line_number  INTEGER NOT NULL,
  reason       TEXT NOT NULL,
  raw_line     BLOB NOT NULL,
  PRIMARY KEY (file_id, line_number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fx_rates (
  currency     TEXT NOT NULL,
  valid_from   TEXT NOT NULL,
  rate_to_usd  TEXT NOT NULL,
  source       TEXT,
  PRIMARY KEY (currency, valid_from)
) WITHOUT ROWID;
)sql";

// kSqliteUpgrades[v - 1] turns a version-v schema into version v + 1.
inline constexpr const char* kSqliteUpgrades[] = {
    "ALTER TABLE billing_files ADD COLUMN profile TEXT; "
    "ALTER TABLE billing_files ADD COLUMN profile_sha256 TEXT;",
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_SQLITE_SCHEMA_H_
