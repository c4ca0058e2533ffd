#include "sinks/sqlite_sink.h"

#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "core/row_validator.h"
#include "sinks/group_key_sql.h"
#include "sinks/sqlite_schema.h"

namespace billflow {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

ErrorCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kConflict;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      return ErrorCode::kIo;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kInvalidData;
    default:
      return ErrorCode::kDatabase;
  }
}

void BindText(sqlite3_stmt* stmt, int index, std::string_view text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return text == nullptr
             ? std::string()
             : std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
}

std::uint64_t ColumnU64(sqlite3_stmt* stmt, int column) {
  return static_cast<std::uint64_t>(sqlite3_column_int64(stmt, column));
}

}  // namespace

struct SqliteSink::Impl {
  std::unique_ptr<sqlite3, DbCloser> db;
  std::string path;
  Stmt insert_row;
  Stmt insert_reject;
  Stmt find_line;
  bool in_transaction = false;
  std::int64_t file_id = 0;
  std::optional<LedgerEntry> existing;
  std::uint64_t duplicate_rows = 0;
  Decimal duplicate_usd{0, 2};
  std::string reason;

  Error Fail(std::string_view what, int rc) const {
    return Error{CodeFor(rc),
                 "sqlite " + path + ": " + std::string(what) + ": " + sqlite3_errmsg(db.get())};
  }
  Status Exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return Ok();
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return tl::unexpected(Error{CodeFor(rc), "sqlite " + path + ": " + text});
  }
  Result<Stmt> Prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(db.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return tl::unexpected(Fail("prepare", rc));
    return Stmt(stmt);
  }
  // Steps a statement that returns no rows, then resets it for reuse.
  Status StepDone(sqlite3_stmt* stmt, std::string_view what) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return tl::unexpected(Fail(what, rc));
    return Ok();
  }
  Result<std::optional<LedgerEntry>> Lookup(const std::string& source) {
    auto stmt = Prepare(
        "SELECT file_id, status, content_sha256, size_bytes, COALESCE(version_order,'') "
        "FROM billing_files WHERE source = ?");
    if (!stmt) return tl::unexpected(stmt.error());
    BindText(stmt->get(), 1, source);
    const int rc = sqlite3_step(stmt->get());
    if (rc == SQLITE_DONE) return std::optional<LedgerEntry>{};
    if (rc != SQLITE_ROW) return tl::unexpected(Fail("read ledger", rc));
    LedgerEntry entry;
    entry.file_id = sqlite3_column_int64(stmt->get(), 0);
    entry.status = ColumnText(stmt->get(), 1);
    entry.content_sha256 = ColumnText(stmt->get(), 2);
    entry.size_bytes = ColumnU64(stmt->get(), 3);
    entry.version_order = ColumnText(stmt->get(), 4);
    return std::optional<LedgerEntry>{std::move(entry)};
  }
  void Rollback() noexcept {
    if (!in_transaction) return;
    sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    in_transaction = false;
  }
};

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

Status SqliteSink::Migrate() {
  BILLFLOW_TRY(impl_->Exec("BEGIN IMMEDIATE"));
  impl_->in_transaction = true;
  const auto migrated = [&]() -> Status {
    BILLFLOW_TRY(impl_->Exec(kSqliteSchema));
    auto version = impl_->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    if (!version) return tl::unexpected(version.error());
    if (sqlite3_step(version->get()) != SQLITE_ROW) {
      return tl::unexpected(impl_->Fail("read schema_version", SQLITE_ERROR));
    }
    const auto current = sqlite3_column_int64(version->get(), 0);
    if (current > kSqliteSchemaVersion) {
      return Fail(ErrorCode::kInvalidArgument,
                  "sqlite " + impl_->path + ": schema version " + std::to_string(current) +
                      " is newer than this billflow understands (" +
                      std::to_string(kSqliteSchemaVersion) + "); upgrade billflow");
    }
    if (current < kSqliteSchemaVersion) {
      BILLFLOW_TRY(
          impl_->Exec("INSERT INTO schema_version(version, applied_at) VALUES (1, "
                      "strftime('%Y-%m-%dT%H:%M:%fZ','now'))"));
    }
    return Ok();
  }();
  if (!migrated) {
    impl_->Rollback();
    return migrated;
  }
  impl_->in_transaction = false;
  return impl_->Exec("COMMIT");
}

Result<std::optional<LedgerEntry>> SqliteSink::FindFile(const std::string& source) {
  return impl_->Lookup(source);
}

Result<BeginOutcome> SqliteSink::BeginFile(const FileIdentity& file) {
  Impl& s = *impl_;
  BILLFLOW_TRY(s.Exec("BEGIN IMMEDIATE"));
  s.in_transaction = true;
  s.duplicate_rows = 0;
  s.duplicate_usd = Decimal(0, 2);
  auto opened = [&]() -> Result<BeginOutcome> {
    auto existing = s.Lookup(file.source);
    if (!existing) return tl::unexpected(existing.error());
    s.existing = *existing;
    if (s.existing && s.existing->status == "loaded" && !file.version_order.empty() &&
        !s.existing->version_order.empty() && file.version_order < s.existing->version_order) {
      return BeginOutcome::kStale;
    }
    if (s.existing) {
      s.file_id = s.existing->file_id;
      // Replacing: the new content's rows take the old ones' place in this transaction.
      auto del_rows = s.Prepare("DELETE FROM billing_data WHERE file_id = ?");
      auto del_rejects = s.Prepare("DELETE FROM billing_rejects WHERE file_id = ?");
      if (!del_rows) return tl::unexpected(del_rows.error());
      if (!del_rejects) return tl::unexpected(del_rejects.error());
      sqlite3_bind_int64(del_rows->get(), 1, s.file_id);
      sqlite3_bind_int64(del_rejects->get(), 1, s.file_id);
      BILLFLOW_TRY(s.StepDone(del_rows->get(), "delete previous rows"));
      BILLFLOW_TRY(s.StepDone(del_rejects->get(), "delete previous rejects"));
      auto mark = s.Prepare(
          "UPDATE billing_files SET status='loading', "
          "started_at=strftime('%Y-%m-%dT%H:%M:%fZ','now') "
          "WHERE file_id = ?");
      if (!mark) return tl::unexpected(mark.error());
      sqlite3_bind_int64(mark->get(), 1, s.file_id);
      BILLFLOW_TRY(s.StepDone(mark->get(), "mark ledger"));
    } else {
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
      s.file_id = sqlite3_last_insert_rowid(s.db.get());
    }
    if (!s.insert_row) {
      auto row = s.Prepare(
          "INSERT INTO billing_data(file_id, id, line_number, company_name, country, city, "
          "product_line, item, bill_date, currency, bill_amount, fx_rate, bill_amount_usd) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
      auto reject = s.Prepare(
          "INSERT INTO billing_rejects(file_id, line_number, reason, raw_line) VALUES (?,?,?,?)");
      auto line = s.Prepare("SELECT line_number FROM billing_data WHERE file_id = ? AND id = ?");
      if (!row) return tl::unexpected(row.error());
      if (!reject) return tl::unexpected(reject.error());
      if (!line) return tl::unexpected(line.error());
      s.insert_row = std::move(*row);
      s.insert_reject = std::move(*reject);
      s.find_line = std::move(*line);
    }
    return BeginOutcome::kProceed;
  }();
  if (!opened || *opened == BeginOutcome::kStale) s.Rollback();
  return opened;
}

Status SqliteSink::AddRow(const BillingRecord& row) {
  Impl& s = *impl_;
  sqlite3_stmt* stmt = s.insert_row.get();
  const auto bind_view = [stmt](int index, std::string_view text) {
    sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  };
  char date[10];
  row.bill_date.Format(date);
  char amount[Decimal::kMaxChars];
  char rate[Decimal::kMaxChars];
  char usd[Decimal::kMaxChars];
  const auto amount_size = static_cast<std::size_t>(row.bill_amount.FormatTo(amount));
  const auto rate_size = static_cast<std::size_t>(row.fx_rate.FormatTo(rate));
  const auto usd_size = static_cast<std::size_t>(row.bill_amount_usd.FormatTo(usd));
  sqlite3_bind_int64(stmt, 1, s.file_id);
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
  BILLFLOW_TRY(s.StepDone(stmt, "insert row"));
  if (sqlite3_changes(s.db.get()) == 1) return Ok();

  // The id is already in this file: the row becomes a reject naming the first line.
  sqlite3_bind_int64(s.find_line.get(), 1, s.file_id);
  sqlite3_bind_text(s.find_line.get(), 2, row.id.data(), static_cast<int>(row.id.size()),
                    SQLITE_STATIC);
  std::int64_t first_line = 0;
  if (sqlite3_step(s.find_line.get()) == SQLITE_ROW)
    first_line = sqlite3_column_int64(s.find_line.get(), 0);
  sqlite3_reset(s.find_line.get());
  s.reason.assign("duplicate id ");
  AppendQuoted(row.id, &s.reason);
  s.reason.append(" (first on line ").append(std::to_string(first_line)).append(")");
  ++s.duplicate_rows;
  s.duplicate_usd = *s.duplicate_usd.Add(row.bill_amount_usd);
  return AddReject(RejectedRow{row.line_number, s.reason, row.raw_line});
}

Status SqliteSink::AddReject(const RejectedRow& reject) {
  Impl& s = *impl_;
  sqlite3_stmt* stmt = s.insert_reject.get();
  sqlite3_bind_int64(stmt, 1, s.file_id);
  sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(reject.line_number));
  sqlite3_bind_text(stmt, 3, reject.reason.data(), static_cast<int>(reject.reason.size()),
                    SQLITE_STATIC);
  // Raw bytes may be invalid UTF-8: keep them exactly, as a BLOB.
  sqlite3_bind_blob(stmt, 4, reject.raw_line.data(), static_cast<int>(reject.raw_line.size()),
                    SQLITE_STATIC);
  return s.StepDone(stmt, "insert reject");
}

Result<CommitResult> SqliteSink::CommitFile(const FileIdentity& file, const LoadTally& tally) {
  Impl& s = *impl_;
  if (s.existing && s.existing->status == "loaded" &&
      s.existing->content_sha256 == file.content_sha256) {
    s.Rollback();
    return CommitResult{CommitOutcome::kUnchanged, {}};
  }
  LoadTally stored = tally;
  stored.rows_loaded -= s.duplicate_rows;
  stored.rows_rejected += s.duplicate_rows;
  stored.usd_total =
      *tally.usd_total.Add(Decimal(-s.duplicate_usd.units(), s.duplicate_usd.scale()));
  auto update = s.Prepare(
      "UPDATE billing_files SET content_sha256=?, size_bytes=?, version_tag=?, version_order=?, "
      "status='loaded', rows_read=?, rows_loaded=?, rows_rejected=?, usd_total=?, "
      "finished_at=strftime('%Y-%m-%dT%H:%M:%fZ','now'), error=NULL WHERE file_id=?");
  if (!update) {
    s.Rollback();
    return tl::unexpected(update.error());
  }
  sqlite3_stmt* stmt = update->get();
  BindText(stmt, 1, file.content_sha256);
  sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(file.size_bytes));
  BindText(stmt, 3, file.version_tag);
  BindText(stmt, 4, file.version_order);
  sqlite3_bind_int64(stmt, 5, static_cast<sqlite3_int64>(stored.rows_read));
  sqlite3_bind_int64(stmt, 6, static_cast<sqlite3_int64>(stored.rows_loaded));
  sqlite3_bind_int64(stmt, 7, static_cast<sqlite3_int64>(stored.rows_rejected));
  BindText(stmt, 8, stored.usd_total.ToString());
  sqlite3_bind_int64(stmt, 9, s.file_id);
  if (auto ok = s.StepDone(stmt, "update ledger"); !ok) {
    s.Rollback();
    return tl::unexpected(ok.error());
  }
  if (auto ok = s.Exec("COMMIT"); !ok) {
    s.Rollback();
    return tl::unexpected(ok.error());
  }
  s.in_transaction = false;
  const bool replaced = s.existing && s.existing->status == "loaded";
  return CommitResult{replaced ? CommitOutcome::kReplaced : CommitOutcome::kLoaded, stored};
}

void SqliteSink::RollbackFile() noexcept { impl_->Rollback(); }

Status SqliteSink::RecordFailure(const FileIdentity& file, const std::string& error) {
  Impl& s = *impl_;
  BILLFLOW_TRY(s.Exec("BEGIN IMMEDIATE"));
  s.in_transaction = true;
  auto stmt = s.Prepare(
      "INSERT INTO billing_files(source, content_sha256, size_bytes, version_tag, version_order, "
      "status, started_at, finished_at, error) VALUES (?, ?, ?, ?, ?, 'failed', "
      "strftime('%Y-%m-%dT%H:%M:%fZ','now'), strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?) "
      "ON CONFLICT(source) DO UPDATE SET error=excluded.error, finished_at=excluded.finished_at, "
      "content_sha256=excluded.content_sha256 WHERE billing_files.status <> 'loaded'");
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
  if (auto ok = s.StepDone(stmt->get(), "record failure"); !ok) {
    s.Rollback();
    return ok;
  }
  s.in_transaction = false;
  return s.Exec("COMMIT");
}

Result<std::vector<GroupTotal>> SqliteSink::Totals(GroupBy by) {
  const std::string key(GroupKeySql(by, SqlDialect::kSqlite));
  // Canonical decimal text has a fixed scale, so removing the point gives exact integers;
  // SQLite's integer SUM is exact and raises an error on overflow instead of wrapping.
  auto stmt =
      impl_->Prepare("SELECT " + key +
                     " AS k, d.currency, COUNT(*), "
                     "SUM(CAST(REPLACE(d.bill_amount, '.', '') AS INTEGER)), "
                     "SUM(CAST(REPLACE(d.bill_amount_usd, '.', '') AS INTEGER)) "
                     "FROM billing_data d JOIN billing_files f ON f.file_id = d.file_id "
                     "WHERE f.status = 'loaded' GROUP BY k, d.currency ORDER BY k, d.currency");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<GroupTotal> out;
  while (true) {
    const int rc = sqlite3_step(stmt->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return tl::unexpected(impl_->Fail("report", rc));
    GroupTotal total;
    total.key = ColumnText(stmt->get(), 0);
    total.currency = ColumnText(stmt->get(), 1);
    total.rows = ColumnU64(stmt->get(), 2);
    total.amount_total = Decimal(sqlite3_column_int64(stmt->get(), 3), 4);
    total.usd_total = Decimal(sqlite3_column_int64(stmt->get(), 4), 2);
    out.push_back(std::move(total));
  }
  return out;
}

Result<std::vector<StoredFile>> SqliteSink::Files() {
  auto stmt = impl_->Prepare(
      "SELECT file_id, source, status, rows_read, rows_loaded, rows_rejected, usd_total, "
      "COALESCE(finished_at,''), COALESCE(error,'') FROM billing_files ORDER BY source");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<StoredFile> out;
  while (sqlite3_step(stmt->get()) == SQLITE_ROW) {
    sqlite3_stmt* r = stmt->get();
    out.push_back({sqlite3_column_int64(r, 0), ColumnText(r, 1), ColumnText(r, 2), ColumnU64(r, 3),
                   ColumnU64(r, 4), ColumnU64(r, 5), ColumnText(r, 6), ColumnText(r, 7),
                   ColumnText(r, 8)});
  }
  return out;
}

Result<std::vector<StoredReject>> SqliteSink::Rejects(const std::optional<std::string>& source) {
  auto stmt = impl_->Prepare(
      "SELECT f.source, r.line_number, r.reason, r.raw_line FROM billing_rejects r "
      "JOIN billing_files f ON f.file_id = r.file_id WHERE (?1 IS NULL OR f.source = ?1) "
      "ORDER BY f.source, r.line_number");
  if (!stmt) return tl::unexpected(stmt.error());
  if (source) BindText(stmt->get(), 1, *source);
  std::vector<StoredReject> out;
  while (sqlite3_step(stmt->get()) == SQLITE_ROW) {
    sqlite3_stmt* r = stmt->get();
    const auto* raw = static_cast<const char*>(sqlite3_column_blob(r, 3));
    out.push_back({ColumnText(r, 0), ColumnU64(r, 1), ColumnText(r, 2),
                   raw == nullptr
                       ? std::string()
                       : std::string(raw, static_cast<std::size_t>(sqlite3_column_bytes(r, 3)))});
  }
  return out;
}

Result<std::vector<FxRate>> SqliteSink::LoadRates() {
  auto stmt = impl_->Prepare(
      "SELECT currency, valid_from, rate_to_usd, COALESCE(source,'') FROM fx_rates "
      "ORDER BY currency, valid_from");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<FxRate> out;
  while (sqlite3_step(stmt->get()) == SQLITE_ROW) {
    sqlite3_stmt* r = stmt->get();
    FxRate rate;
    rate.currency = ColumnText(r, 0);
    const std::string from = ColumnText(r, 1);
    const std::string value = ColumnText(r, 2);
    auto parsed = Decimal::FromString(value);
    if (ParseCivilDate(from, &rate.valid_from) != DateParseError::kNone || !parsed) {
      return Fail(ErrorCode::kInvalidData, "sqlite " + impl_->path + ": fx_rates row " +
                                               rate.currency + " " + from + " is malformed");
    }
    rate.rate_to_usd = *parsed;
    rate.source = ColumnText(r, 3);
    out.push_back(std::move(rate));
  }
  return out;
}

Status SqliteSink::SaveRates(const std::vector<FxRate>& rates) {
  Impl& s = *impl_;
  BILLFLOW_TRY(s.Exec("BEGIN IMMEDIATE"));
  s.in_transaction = true;
  auto stmt = s.Prepare(
      "INSERT INTO fx_rates(currency, valid_from, rate_to_usd, source) VALUES (?,?,?,?) "
      "ON CONFLICT(currency, valid_from) DO UPDATE SET rate_to_usd=excluded.rate_to_usd, "
      "source=excluded.source");
  if (!stmt) {
    s.Rollback();
    return tl::unexpected(stmt.error());
  }
  for (const FxRate& rate : rates) {
    BindText(stmt->get(), 1, rate.currency);
    BindText(stmt->get(), 2, rate.valid_from.ToString());
    BindText(stmt->get(), 3, rate.rate_to_usd.ToString());
    BindText(stmt->get(), 4, rate.source);
    if (auto ok = s.StepDone(stmt->get(), "save rate"); !ok) {
      s.Rollback();
      return ok;
    }
  }
  s.in_transaction = false;
  return s.Exec("COMMIT");
}

}  // namespace billflow
