#include "sinks/sqlite_sink.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "sinks/sqlite_decimal_sum.h"
#include "sinks/sqlite_schema.h"
#include "sinks/sqlite_sink_impl.h"

namespace billflow {

SqliteSink::SqliteSink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteSink::~SqliteSink() { impl_->Rollback(); }

Result<std::unique_ptr<SqliteSink>> SqliteSink::Open(const SqliteOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->path = options.path;
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(options.path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  impl->db.reset(raw);
  if (rc != SQLITE_OK) {
    return Fail(ErrorCode::kIo, "sqlite " + options.path + ": cannot open: " +
                                    (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  if (const int registered = RegisterSqliteDecimalSum(raw); registered != SQLITE_OK) {
    return tl::unexpected(impl->Fail("register billflow_sum", registered));
  }
  sqlite3_extended_result_codes(raw, 1);
  // Switching a new database to WAL takes an exclusive lock that SQLite's busy handler does
  // not wait for: two processes opening a fresh file at once would see "database is locked".
  // Wait for it ourselves, within the same busy timeout.
  const auto switch_to_wal = [&impl] { return impl->Exec("PRAGMA journal_mode=WAL"); };
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options.busy_timeout_ms);
  while (true) {
    auto wal = switch_to_wal();
    if (wal) break;
    if (wal.error().code != ErrorCode::kConflict || std::chrono::steady_clock::now() >= deadline) {
      return tl::unexpected(wal.error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // foreign_keys stays OFF on this connection (SQLite's default): billflow writes child rows
  // only under the ledger row it created or locked in the same transaction, and the per-row
  // parent lookup was 20% of the CPU of a load (1M rows: 4.9 s user with it, 3.9 s without).
  // The REFERENCES clauses still document the schema for every other client.
  BILLFLOW_TRY(impl->Exec("PRAGMA synchronous=FULL; PRAGMA cache_size=-16384;"));
  return std::unique_ptr<SqliteSink>(new SqliteSink(std::move(impl)));
}

std::string SqliteSink::Label() const { return "sqlite " + impl_->path; }

Status SqliteSink::BeginSchemaChange() {
  BILLFLOW_TRY(impl_->Exec("BEGIN IMMEDIATE"));
  impl_->in_transaction = true;
  return Ok();
}

Status SqliteSink::CreateTables() { return impl_->Exec(kSqliteSchema); }

Result<int> SqliteSink::StoredSchemaVersion() {
  auto version = impl_->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!version) return tl::unexpected(version.error());
  const int rc = sqlite3_step(version->get());
  if (rc != SQLITE_ROW) return tl::unexpected(impl_->Fail("read schema_version", rc));
  return static_cast<int>(sqlite3_column_int64(version->get(), 0));
}

Status SqliteSink::UpgradeTables(int from_version) {
  Impl& s = *impl_;
  SchemaUpgradeOps ops;
  ops.has_column = [&s](std::string_view table, std::string_view column) -> Result<bool> {
    auto stmt = s.Prepare("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?");
    if (!stmt) return tl::unexpected(stmt.error());
    BindText(stmt->get(), 1, table);
    BindText(stmt->get(), 2, column);
    const int rc = sqlite3_step(stmt->get());
    if (rc != SQLITE_ROW) return tl::unexpected(s.Fail("read table columns", rc));
    return sqlite3_column_int64(stmt->get(), 0) > 0;
  };
  ops.exec = [&s](const std::string& sql) { return s.Exec(sql.c_str()); };
  return UpgradeColumns(kSqliteAddedColumns, from_version, ops);
}

Status SqliteSink::RecordSchemaVersion(int version) {
  auto stmt = impl_->Prepare(
      "INSERT INTO schema_version(version, applied_at) VALUES (?, "
      "strftime('%Y-%m-%dT%H:%M:%fZ','now'))");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_int(stmt->get(), 1, version);
  return impl_->StepDone(stmt->get(), "record schema_version");
}

Status SqliteSink::EndSchemaChange(bool commit) {
  if (!commit) {
    impl_->Rollback();
    return Ok();
  }
  impl_->in_transaction = false;
  return impl_->Exec("COMMIT");
}

// BEGIN IMMEDIATE takes the database's write lock, so `for_update` needs nothing more.
Result<std::optional<LedgerEntry>> SqliteSink::ReadEntry(const std::string& source,
                                                         bool /*for_update*/) {
  return impl_->Lookup(source);
}

Status SqliteSink::OpenFile(const FileIdentity& /*file*/) {
  Impl& s = *impl_;
  BILLFLOW_TRY(s.Exec("BEGIN IMMEDIATE"));
  s.in_transaction = true;
  if (s.insert_row) return Ok();
  auto row = s.Prepare(
      "INSERT INTO billing_data(file_id, id, line_number, company_name, country, city, "
      "product_line, item, bill_date, currency, bill_amount, fx_rate, bill_amount_usd, "
      "fx_rate_date, fx_rate_source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT DO NOTHING");
  auto reject = s.Prepare(
      "INSERT INTO billing_rejects(file_id, line_number, reason, raw_line, retry_fields) "
      "VALUES (?,?,?,?,?)");
  auto line = s.Prepare("SELECT line_number FROM billing_data WHERE file_id = ? AND id = ?");
  if (!row) return tl::unexpected(row.error());
  if (!reject) return tl::unexpected(reject.error());
  if (!line) return tl::unexpected(line.error());
  s.insert_row = std::move(*row);
  s.insert_reject = std::move(*reject);
  s.find_line = std::move(*line);
  return Ok();
}

Status SqliteSink::ClearFile(std::int64_t file_id) {
  Impl& s = *impl_;
  for (const char* sql : {"DELETE FROM billing_data WHERE file_id = ?",
                          "DELETE FROM billing_rejects WHERE file_id = ?",
                          "UPDATE billing_files SET status='loading', "
                          "started_at=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE file_id = ?"}) {
    auto stmt = s.Prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_bind_int64(stmt->get(), 1, file_id);
    BILLFLOW_TRY(s.StepDone(stmt->get(), "replace previous version"));
  }
  return Ok();
}

// The write lock is held since OpenFile: no other loader can have inserted the source.
Result<std::optional<std::int64_t>> SqliteSink::InsertEntry(const FileIdentity& file) {
  Impl& s = *impl_;
  auto insert = s.Prepare(
      "INSERT INTO billing_files(source, content_sha256, size_bytes, version_tag, "
      "version_order, status, started_at) VALUES (?, '', ?, ?, ?, 'loading', "
      "strftime('%Y-%m-%dT%H:%M:%fZ','now'))");
  if (!insert) return tl::unexpected(insert.error());
  BindText(insert->get(), 1, file.source);
  sqlite3_bind_int64(insert->get(), 2, static_cast<sqlite3_int64>(file.size_bytes));
  BindText(insert->get(), 3, file.version_tag);
  BindText(insert->get(), 4, file.version_order);
  BILLFLOW_TRY(s.StepDone(insert->get(), "insert ledger"));
  return std::optional<std::int64_t>{sqlite3_last_insert_rowid(s.db.get())};
}

Status SqliteSink::AddRow(const BillingRecord& row) {
  Impl& s = *impl_;
  sqlite3_stmt* stmt = s.insert_row.get();
  const auto bind_view = [stmt](int index, std::string_view text) {
    sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  };
  char date[10];
  row.bill_date.Format(date);
  char rate_date[10];
  row.fx_rate_date.Format(rate_date);
  char amount[Decimal::kMaxChars];
  char rate[Decimal::kMaxChars];
  char usd[Decimal::kMaxChars];
  const auto amount_size = static_cast<std::size_t>(row.bill_amount.FormatTo(amount));
  const auto rate_size = static_cast<std::size_t>(row.fx_rate.FormatTo(rate));
  const auto usd_size = static_cast<std::size_t>(row.bill_amount_usd.FormatTo(usd));
  sqlite3_bind_int64(stmt, 1, file_id());
  bind_view(2, row.id);
  sqlite3_bind_int64(stmt, 3, static_cast<sqlite3_int64>(row.line_number));
  bind_view(4, row.company_name);
  bind_view(5, row.country);
  bind_view(6, row.city);
  bind_view(7, row.product_line);
  bind_view(8, row.item);
  bind_view(9, std::string_view(date, 10));
  bind_view(10, row.currency_code());
  bind_view(11, std::string_view(amount, amount_size));
  bind_view(12, std::string_view(rate, rate_size));
  bind_view(13, std::string_view(usd, usd_size));
  bind_view(14, std::string_view(rate_date, 10));
  bind_view(15, row.fx_rate_source);
  BILLFLOW_TRY(s.StepDone(stmt, "insert row"));
  if (sqlite3_changes(s.db.get()) == 1) return Ok();

  // The id is already in this file: the row becomes a reject naming the first line.
  sqlite3_bind_int64(s.find_line.get(), 1, file_id());
  sqlite3_bind_text(s.find_line.get(), 2, row.id.data(), static_cast<int>(row.id.size()),
                    SQLITE_STATIC);
  const int rc = sqlite3_step(s.find_line.get());
  const std::int64_t first_line = rc == SQLITE_ROW ? sqlite3_column_int64(s.find_line.get(), 0) : 0;
  sqlite3_reset(s.find_line.get());
  if (rc != SQLITE_ROW) return tl::unexpected(s.Fail("find the first line of a duplicate id", rc));
  auto reason = NoteDuplicate(row.id, static_cast<std::uint64_t>(first_line), row.bill_amount_usd);
  if (!reason) return tl::unexpected(reason.error());
  return AddReject(RejectedRow{row.line_number, *reason, row.raw_line, {}});
}

Status SqliteSink::AddReject(const RejectedRow& reject) {
  Impl& s = *impl_;
  sqlite3_stmt* stmt = s.insert_reject.get();
  sqlite3_bind_int64(stmt, 1, file_id());
  sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(reject.line_number));
  sqlite3_bind_text(stmt, 3, reject.reason.data(), static_cast<int>(reject.reason.size()),
                    SQLITE_STATIC);
  // Raw bytes may be invalid UTF-8: keep them exactly, as a BLOB.
  sqlite3_bind_blob(stmt, 4, reject.raw_line.data(), static_cast<int>(reject.raw_line.size()),
                    SQLITE_STATIC);
  BindOptionalText(stmt, 5, reject.retry_fields);
  return s.StepDone(stmt, "insert reject");
}

Status SqliteSink::FlushFile() { return Ok(); }  // every row was written as it came

// AddRow writes through the statements OpenFile prepared, to file_id().
Status SqliteSink::ResumeFile(std::int64_t /*file_id*/) { return Ok(); }

Status SqliteSink::WriteLoaded(const FileIdentity& file, const LoadTally& stored) {
  Impl& s = *impl_;
  auto update = s.Prepare(
      "UPDATE billing_files SET content_sha256=?, size_bytes=?, version_tag=?, version_order=?, "
      "status='loaded', rows_read=?, rows_loaded=?, rows_rejected=?, usd_total=?, "
      "finished_at=strftime('%Y-%m-%dT%H:%M:%fZ','now'), error=NULL, profile=?, "
      "profile_sha256=? WHERE file_id=?");
  if (!update) return tl::unexpected(update.error());
  sqlite3_stmt* stmt = update->get();
  BindText(stmt, 1, file.content_sha256);
  sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(file.size_bytes));
  BindText(stmt, 3, file.version_tag);
  BindText(stmt, 4, file.version_order);
  sqlite3_bind_int64(stmt, 5, static_cast<sqlite3_int64>(stored.rows_read));
  sqlite3_bind_int64(stmt, 6, static_cast<sqlite3_int64>(stored.rows_loaded));
  sqlite3_bind_int64(stmt, 7, static_cast<sqlite3_int64>(stored.rows_rejected));
  BindText(stmt, 8, stored.usd_total.ToString());
  BindOptionalText(stmt, 9, file.profile);
  BindOptionalText(stmt, 10, file.settings_sha256);
  sqlite3_bind_int64(stmt, 11, file_id());
  return s.StepDone(stmt, "update ledger");
}

Status SqliteSink::CommitTransaction() {
  BILLFLOW_TRY(impl_->Exec("COMMIT"));
  impl_->in_transaction = false;
  return Ok();
}

void SqliteSink::RollbackTransaction() noexcept { impl_->Rollback(); }

Status SqliteSink::UpsertFailure(const FileIdentity& file, const std::string& error) {
  Impl& s = *impl_;
  BILLFLOW_TRY(s.Exec("BEGIN IMMEDIATE"));
  s.in_transaction = true;
  auto stmt = s.Prepare(
      "INSERT INTO billing_files(source, content_sha256, size_bytes, version_tag, version_order, "
      "status, started_at, finished_at, error, profile, profile_sha256) VALUES (?, ?, ?, ?, ?, "
      "'failed', strftime('%Y-%m-%dT%H:%M:%fZ','now'), strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?, "
      "?, ?) ON CONFLICT(source) DO UPDATE SET error=excluded.error, "
      "finished_at=excluded.finished_at, content_sha256=excluded.content_sha256 "
      "WHERE billing_files.status <> 'loaded'");
  if (!stmt) {
    s.Rollback();
    return tl::unexpected(stmt.error());
  }
  BindText(stmt->get(), 1, file.source);
  BindText(stmt->get(), 2, file.content_sha256);
  sqlite3_bind_int64(stmt->get(), 3, static_cast<sqlite3_int64>(file.size_bytes));
  BindText(stmt->get(), 4, file.version_tag);
  BindText(stmt->get(), 5, file.version_order);
  BindText(stmt->get(), 6, error);
  BindOptionalText(stmt->get(), 7, file.profile);
  BindOptionalText(stmt->get(), 8, file.settings_sha256);
  if (auto ok = s.StepDone(stmt->get(), "record failure"); !ok) {
    s.Rollback();
    return ok;
  }
  s.in_transaction = false;
  return s.Exec("COMMIT");
}

}  // namespace billflow
