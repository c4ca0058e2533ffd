#ifndef BILLFLOW_SINKS_POSTGRES_LEDGER_SQL_H_
#define BILLFLOW_SINKS_POSTGRES_LEDGER_SQL_H_

#include <string>

namespace billflow {

// The file ledger's statements in PostgreSQL's dialect, shared by PostgresSink (libpq) and
// DataApiSink on Aurora PostgreSQL. Parameters are positional ($1, $2, …) in the order each
// comment gives; RewritePlaceholders (sinks/ledger_sql.h) turns them into the Data API's :pN.

// $1 source → file_id, status, content_sha256, size_bytes, version_order, profile_sha256.
inline constexpr char kPostgresLedgerLookup[] =
    "SELECT file_id, status, content_sha256, size_bytes, COALESCE(version_order,''), "
    "COALESCE(profile_sha256,'') FROM billing_files WHERE source = $1";
inline constexpr char kPostgresLedgerLookupForUpdate[] =
    "SELECT file_id, status, content_sha256, size_bytes, COALESCE(version_order,''), "
    "COALESCE(profile_sha256,'') FROM billing_files WHERE source = $1 FOR UPDATE";
// Serializes migrations. Two-key advisory locks never collide with the one-key (bigint) locks
// of sources.
inline constexpr char kPostgresMigrateLock[] = "SELECT pg_advisory_xact_lock(1651928183, 1)";
// $1 PostgresSourceLockKey(source): serializes the loaders of one source until the transaction
// ends.
inline constexpr char kPostgresSourceLock[] = "SELECT pg_advisory_xact_lock($1::bigint)";
// kPostgresSourceLock for a session whose lock_timeout is not set (the Data API's pooled
// connections): the statement first sets lock_timeout to `seconds` for the rest of the
// transaction (set_config(…, true); the MATERIALIZED CTE is read before the lock is asked).
std::string PostgresSourceLockWaitingAtMost(int seconds);
inline constexpr char kPostgresStoredVersion[] =
    "SELECT COALESCE(MAX(version), 0) FROM schema_version";
// $1 version.
inline constexpr char kPostgresRecordVersion[] =
    "INSERT INTO schema_version (version, applied_at) VALUES ($1, now())";
// $1 file_id, each.
inline constexpr char kPostgresDeleteRows[] = "DELETE FROM billing_data WHERE file_id = $1";
inline constexpr char kPostgresDeleteRejects[] = "DELETE FROM billing_rejects WHERE file_id = $1";
inline constexpr char kPostgresMarkLoading[] =
    "UPDATE billing_files SET status = 'loading', started_at = now() WHERE file_id = $1";
// $1 source, $2 size_bytes, $3 version_tag, $4 version_order → file_id.
inline constexpr char kPostgresInsertEntry[] =
    "INSERT INTO billing_files (source, content_sha256, size_bytes, version_tag, "
    "version_order, status, started_at) VALUES ($1, '', $2, $3, $4, 'loading', now()) "
    "RETURNING file_id";
// $1 content_sha256, $2 size_bytes, $3 version_tag, $4 version_order, $5 rows_read,
// $6 rows_loaded, $7 rows_rejected, $8 usd_total (NUMERIC), $9 profile, $10 profile_sha256,
// $11 file_id.
inline constexpr char kPostgresWriteLoaded[] =
    "UPDATE billing_files SET content_sha256 = $1, size_bytes = $2, version_tag = $3, "
    "version_order = $4, status = 'loaded', rows_read = $5, rows_loaded = $6, "
    "rows_rejected = $7, usd_total = $8, finished_at = now(), error = NULL, "
    "profile = $9, profile_sha256 = $10 WHERE file_id = $11";
// One statement, so atomic on its own; a loaded version keeps every column. $1 source,
// $2 content_sha256, $3 size_bytes, $4 version_tag, $5 version_order, $6 error, $7 profile,
// $8 profile_sha256.
inline constexpr char kPostgresUpsertFailure[] =
    "INSERT INTO billing_files (source, content_sha256, size_bytes, version_tag, "
    "version_order, status, started_at, finished_at, error, profile, profile_sha256) VALUES "
    "($1, $2, $3, $4, $5, 'failed', now(), now(), $6, $7, $8) "
    "ON CONFLICT (source) DO UPDATE SET "
    "error = CASE WHEN billing_files.status = 'loaded' THEN billing_files.error "
    "ELSE EXCLUDED.error END, "
    "finished_at = CASE WHEN billing_files.status = 'loaded' THEN billing_files.finished_at "
    "ELSE EXCLUDED.finished_at END, "
    "content_sha256 = CASE WHEN billing_files.status = 'loaded' THEN "
    "billing_files.content_sha256 ELSE EXCLUDED.content_sha256 END";

// The advisory lock key of a source: the first 8 bytes of SHA-256(source) as a bigint, in
// decimal.
std::string PostgresSourceLockKey(const std::string& source);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_POSTGRES_LEDGER_SQL_H_
