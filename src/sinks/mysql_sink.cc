#include "sinks/mysql_sink.h"

#include "crypto/sha256.h"
#include "sinks/group_key_sql.h"
#include "sinks/mysql_bulk_writer.h"
#include "sinks/mysql_connection.h"
#include "sinks/mysql_row_batch.h"
#include "sinks/mysql_schema.h"
#include "sinks/stored_values.h"

namespace billflow {
namespace {

constexpr char kLookup[] =
    "SELECT file_id, status, content_sha256, size_bytes, COALESCE(version_order,''), "
    "COALESCE(profile_sha256,'') FROM billing_files WHERE source_sha256 = ?";
constexpr char kLookupForUpdate[] =
    "SELECT file_id, status, content_sha256, size_bytes, COALESCE(version_order,''), "
    "COALESCE(profile_sha256,'') FROM billing_files WHERE source_sha256 = ? FOR UPDATE";

// SHA-256(source): the unique key of billing_files, bound as a binary string.
struct SourceKey {
  explicit SourceKey(const std::string& source) : digest(Sha256::Of(source)) {}
  std::string_view bytes() const {
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
  }
  Sha256Digest digest;
};

std::string LockName(const std::string& source) {
  return "billflow:" + ToHex(Sha256::Of(source)).substr(0, 48);
}

std::int64_t ToInt64(std::uint64_t value) { return static_cast<std::int64_t>(value); }

std::uint64_t ToU64(const std::string& text) { return std::strtoull(text.c_str(), nullptr, 10); }

// An empty value is stored as NULL (no profile, default settings).
MysqlParam OptionalText(const std::string& text) {
  return text.empty() ? MysqlParam::Null() : MysqlParam::Text(text);
}

}  // namespace

struct MysqlSink::Impl {
  MysqlOptions options;
  std::unique_ptr<MysqlConnection> conn;
  std::unique_ptr<MysqlBulkWriter> writer;
  std::string collation;
  bool in_transaction = false;
  std::string lock_name;  // held named lock ('' = none)

  const std::string& target() const { return conn->target(); }

  Result<std::string> QueryValue(const std::string& query, std::string_view what) {
    auto rows = conn->Query(query, what);
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty() || rows->front().empty()) return std::string();
    return std::move(rows->front().front());
  }

  Status Lock(const std::string& name, std::string_view what) {
    auto rows =
        conn->Query("SELECT GET_LOCK(?, ?)",
                    {MysqlParam::Text(name), MysqlParam::Int(options.lock_wait_timeout_s)}, what);
    if (!rows) return tl::unexpected(rows.error());
    const std::string got =
        rows->empty() || rows->front().empty() ? std::string() : rows->front().front();
    if (got != "1") {
      return Fail(ErrorCode::kConflict, "mysql " + target() + ": " + std::string(what) +
                                            ": still locked by another loader after " +
                                            std::to_string(options.lock_wait_timeout_s) + " s");
    }
    lock_name = name;
    return Ok();
  }
  void Unlock() noexcept {
    if (lock_name.empty()) return;
    (void)conn->Exec("DO RELEASE_LOCK(?)", {MysqlParam::Text(lock_name)}, "release lock");
    lock_name.clear();
  }
  void Rollback() noexcept {
    if (in_transaction) (void)conn->Exec("ROLLBACK", "rollback");
    in_transaction = false;
    if (writer) writer->Clear();
    Unlock();
  }
};

MysqlSink::MysqlSink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MysqlSink::~MysqlSink() { impl_->Rollback(); }

std::string MysqlSink::TlsCipher() const { return impl_->conn->TlsCipher(); }

Result<std::unique_ptr<MysqlSink>> MysqlSink::Open(const MysqlOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto conn = MysqlConnection::Open(options);
  if (!conn) return tl::unexpected(conn.error());
  impl->conn = std::move(*conn);
  // A binary NO PAD collation compares like SQLite's BINARY ("7" and "7 " differ).
  auto found = impl->QueryValue(
      "SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN "
      "('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1",
      "find collation");
  if (!found) return tl::unexpected(found.error());
  impl->collation = found->empty() ? "utf8mb4_bin" : *found;
  std::unique_ptr<MysqlSink> sink(new MysqlSink(std::move(impl)));
  MysqlSink* owner = sink.get();
  owner->impl_->writer = std::make_unique<MysqlBulkWriter>(
      owner->impl_->conn.get(), options,
      [owner](std::string_view id, std::uint64_t first_line, const Decimal& usd) {
        return owner->NoteDuplicate(id, first_line, usd);
      });
  return sink;
}

std::string MysqlSink::Label() const { return "mysql " + impl_->target(); }

// DDL commits implicitly in MySQL, so concurrent migrations serialize on a named lock.
Status MysqlSink::BeginSchemaChange() { return impl_->Lock("billflow:migrate", "migrate"); }

Status MysqlSink::CreateTables() {
  for (const std::string& statement : MysqlSchemaStatements(impl_->collation)) {
    BILLFLOW_TRY(impl_->conn->Exec(statement, "create schema"));
  }
  return Ok();
}

Result<int> MysqlSink::StoredSchemaVersion() {
  auto version = impl_->QueryValue("SELECT COALESCE(MAX(version), 0) FROM schema_version",
                                   "read schema_version");
  if (!version) return tl::unexpected(version.error());
  return static_cast<int>(ToU64(*version));
}

Status MysqlSink::UpgradeTables(int from_version) {
  MysqlConnection& conn = *impl_->conn;
  SchemaUpgradeOps ops;
  ops.has_column = [&conn](std::string_view table, std::string_view column) -> Result<bool> {
    auto rows =
        conn.Query(kMysqlHasColumnQuery,
                   {MysqlParam::Text(std::string(table)), MysqlParam::Text(std::string(column))},
                   "read table columns");
    if (!rows) return tl::unexpected(rows.error());
    return !rows->empty() && !rows->front().empty() && rows->front().front() != "0";
  };
  ops.exec = [&conn](const std::string& sql) { return conn.Exec(sql, "upgrade schema"); };
  return UpgradeColumns(kMysqlAddedColumns, from_version, ops);
}

Status MysqlSink::RecordSchemaVersion(int version) {
  return impl_->conn->Exec(
      "INSERT INTO schema_version (version, applied_at) VALUES (?, UTC_TIMESTAMP(6))",
      {MysqlParam::Int(version)}, "record schema_version");
}

Status MysqlSink::EndSchemaChange(bool /*commit*/) {
  impl_->Unlock();
  return Ok();
}

Result<std::optional<LedgerEntry>> MysqlSink::ReadEntry(const std::string& source,
                                                        bool for_update) {
  const SourceKey key(source);
  auto rows = impl_->conn->Query(for_update ? kLookupForUpdate : kLookup,
                                 {MysqlParam::Bytes(key.bytes())}, "read ledger");
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<LedgerEntry>{};
  const auto& r = rows->front();
  Result<LedgerStatus> status = StoredLedgerStatus(r[1], source, Label());
  if (!status) return tl::unexpected(status.error());
  return std::optional<LedgerEntry>{
      LedgerEntry{static_cast<std::int64_t>(ToU64(r[0])), *status, r[2], ToU64(r[3]), r[4], r[5]}};
}

Status MysqlSink::OpenFile(const FileIdentity& file) {
  Impl& s = *impl_;
  BILLFLOW_TRY(s.Lock(LockName(file.source), "wait for other loaders of " + file.source));
  BILLFLOW_TRY(s.conn->Exec("START TRANSACTION", "begin"));
  s.in_transaction = true;
  return s.writer->Start(s.collation);
}

Status MysqlSink::ClearFile(std::int64_t file_id) {
  const MysqlParams id = {MysqlParam::Int(file_id)};
  MysqlConnection& conn = *impl_->conn;
  BILLFLOW_TRY(conn.Exec("DELETE FROM billing_data WHERE file_id = ?", id, "delete previous rows"));
  BILLFLOW_TRY(
      conn.Exec("DELETE FROM billing_rejects WHERE file_id = ?", id, "delete previous rejects"));
  return conn.Exec(
      "UPDATE billing_files SET status = 'loading', started_at = UTC_TIMESTAMP(6) "
      "WHERE file_id = ?",
      id, "mark ledger");
}

// The named lock taken in OpenFile keeps other loaders of the source out: no race to lose.
Result<std::optional<std::int64_t>> MysqlSink::InsertEntry(const FileIdentity& file) {
  const SourceKey key(file.source);
  BILLFLOW_TRY(impl_->conn->Exec(
      "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, "
      "version_tag, version_order, status, started_at) VALUES (?, ?, '', ?, ?, ?, 'loading', "
      "UTC_TIMESTAMP(6))",
      {MysqlParam::Text(file.source), MysqlParam::Bytes(key.bytes()),
       MysqlParam::Int(ToInt64(file.size_bytes)), MysqlParam::Text(file.version_tag),
       MysqlParam::Text(file.version_order)},
      "insert ledger"));
  return std::optional<std::int64_t>{static_cast<std::int64_t>(impl_->conn->last_insert_id())};
}

Status MysqlSink::AddRow(const BillingRecord& row) { return impl_->writer->AddRow(row, file_id()); }

Status MysqlSink::AddReject(const RejectedRow& reject) {
  return impl_->writer->AddReject(file_id(), reject.line_number, reject.reason, reject.raw_line,
                                  reject.retry_fields);
}

Status MysqlSink::FlushFile() { return impl_->writer->Flush(file_id()); }

Status MysqlSink::WriteLoaded(const FileIdentity& file, const LoadTally& stored) {
  std::string usd;
  AppendDecimal(stored.usd_total, &usd);
  return impl_->conn->Exec(
      "UPDATE billing_files SET content_sha256 = ?, size_bytes = ?, version_tag = ?, "
      "version_order = ?, status = 'loaded', rows_read = ?, rows_loaded = ?, "
      "rows_rejected = ?, usd_total = ?, finished_at = UTC_TIMESTAMP(6), error = NULL, "
      "profile = ?, profile_sha256 = ? WHERE file_id = ?",
      {MysqlParam::Text(file.content_sha256), MysqlParam::Int(ToInt64(file.size_bytes)),
       MysqlParam::Text(file.version_tag), MysqlParam::Text(file.version_order),
       MysqlParam::Int(ToInt64(stored.rows_read)), MysqlParam::Int(ToInt64(stored.rows_loaded)),
       MysqlParam::Int(ToInt64(stored.rows_rejected)), MysqlParam::Text(usd),
       OptionalText(file.profile), OptionalText(file.settings_sha256), MysqlParam::Int(file_id())},
      "update ledger");
}

Status MysqlSink::CommitTransaction() {
  Impl& s = *impl_;
  Status committed = s.conn->Exec("COMMIT", "commit");
  s.in_transaction = false;  // committed, rolled back by the server, or unknown
  if (!committed) {
    Error error = committed.error();
    // The COMMIT may or may not have reached the server: only the ledger can tell.
    if (error.code == ErrorCode::kUnavailable) error.code = ErrorCode::kAmbiguousCommit;
    return tl::unexpected(std::move(error));
  }
  s.Unlock();
  return Ok();
}

void MysqlSink::RollbackTransaction() noexcept { impl_->Rollback(); }

Status MysqlSink::UpsertFailure(const FileIdentity& file, const std::string& error) {
  const SourceKey key(file.source);
  // One statement, so it is atomic on its own; a loaded version keeps every column.
  return impl_->conn->Exec(
      "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, version_tag, "
      "version_order, status, started_at, finished_at, error, profile, profile_sha256) VALUES "
      "(?, ?, ?, ?, ?, ?, 'failed', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE "
      "error = IF(status = 'loaded', error, ?), "
      "finished_at = IF(status = 'loaded', finished_at, UTC_TIMESTAMP(6)), "
      "content_sha256 = IF(status = 'loaded', content_sha256, ?)",
      {MysqlParam::Text(file.source), MysqlParam::Bytes(key.bytes()),
       MysqlParam::Text(file.content_sha256), MysqlParam::Int(ToInt64(file.size_bytes)),
       MysqlParam::Text(file.version_tag), MysqlParam::Text(file.version_order),
       MysqlParam::Text(error), OptionalText(file.profile), OptionalText(file.settings_sha256),
       MysqlParam::Text(error), MysqlParam::Text(file.content_sha256)},
      "record failure");
}

Result<std::vector<GroupTotal>> MysqlSink::Totals(GroupBy by) {
  const std::string key(GroupKeySql(by, SqlDialect::kMysql));
  // SUM over DECIMAL is exact DECIMAL arithmetic; BINARY ordering matches SQLite's.
  auto rows = impl_->conn->Query(
      "SELECT " + key +
          " AS k, d.currency, COUNT(*), SUM(d.bill_amount), SUM(d.bill_amount_usd) "
          "FROM billing_data d JOIN billing_files f ON f.file_id = d.file_id "
          "WHERE f.status = 'loaded' GROUP BY k, d.currency "
          "ORDER BY CAST(k AS BINARY), CAST(d.currency AS BINARY)",
      "report");
  if (!rows) return tl::unexpected(rows.error());
  std::vector<GroupTotal> out;
  for (auto& r : *rows) {
    GroupTotal total;
    total.key = std::move(r[0]);
    total.currency = std::move(r[1]);
    total.rows = ToU64(r[2]);
    auto amount = StoredDecimal(r[3], 4);
    auto usd = StoredDecimal(r[4], 2);
    if (!amount || !usd) {
      return Fail(ErrorCode::kInvalidData, "mysql " + impl_->target() + ": total \"" + r[3] +
                                               "\" / \"" + r[4] + "\" is not a decimal");
    }
    total.amount_total = *amount;
    total.usd_total = *usd;
    out.push_back(std::move(total));
  }
  return out;
}

Result<std::vector<StoredFile>> MysqlSink::Files() {
  auto rows = impl_->conn->Query(
      "SELECT file_id, source, status, rows_read, rows_loaded, rows_rejected, usd_total, "
      "COALESCE(DATE_FORMAT(finished_at, '%Y-%m-%dT%H:%i:%s.%f'), ''), COALESCE(error, '') "
      "FROM billing_files ORDER BY CAST(source AS BINARY)",
      "list files");
  if (!rows) return tl::unexpected(rows.error());
  std::vector<StoredFile> out;
  for (auto& r : *rows) {
    // Milliseconds and a Z, as the SQLite backend writes them.
    std::string finished = r[7].empty() ? std::string() : r[7].substr(0, 23) + "Z";
    out.push_back({static_cast<std::int64_t>(ToU64(r[0])), std::move(r[1]), std::move(r[2]),
                   ToU64(r[3]), ToU64(r[4]), ToU64(r[5]), std::move(r[6]), std::move(finished),
                   std::move(r[8])});
  }
  return out;
}

Result<std::vector<StoredReject>> MysqlSink::Rejects(const std::optional<std::string>& source) {
  auto rows =
      source ? impl_->conn->Query(
                   "SELECT f.source, r.line_number, r.reason, r.raw_line FROM billing_rejects r "
                   "JOIN billing_files f ON f.file_id = r.file_id WHERE f.source_sha256 = ? "
                   "ORDER BY CAST(f.source AS BINARY), r.line_number",
                   {MysqlParam::Bytes(SourceKey(*source).bytes())}, "list rejects")
             : impl_->conn->Query(
                   "SELECT f.source, r.line_number, r.reason, r.raw_line FROM billing_rejects r "
                   "JOIN billing_files f ON f.file_id = r.file_id "
                   "ORDER BY CAST(f.source AS BINARY), r.line_number",
                   "list rejects");
  if (!rows) return tl::unexpected(rows.error());
  std::vector<StoredReject> out;
  for (auto& r : *rows) {
    out.push_back({std::move(r[0]), ToU64(r[1]), std::move(r[2]), std::move(r[3])});
  }
  return out;
}

Result<std::vector<FxRate>> MysqlSink::LoadRates() {
  auto rows = impl_->conn->Query(
      "SELECT currency, DATE_FORMAT(valid_from, '%Y-%m-%d'), rate_to_usd, COALESCE(source, '') "
      "FROM fx_rates ORDER BY CAST(currency AS BINARY), valid_from",
      "read rates");
  if (!rows) return tl::unexpected(rows.error());
  std::vector<FxRate> out;
  for (auto& r : *rows) {
    auto rate = ParseStoredRate(r[0], r[1], r[2], r[3], Label());
    if (!rate) return tl::unexpected(rate.error());
    out.push_back(std::move(*rate));
  }
  return out;
}

Status MysqlSink::SaveRates(const std::vector<FxRate>& rates) {
  Impl& s = *impl_;
  s.Rollback();
  BILLFLOW_TRY(s.conn->Exec("START TRANSACTION", "begin"));
  s.in_transaction = true;
  for (const FxRate& rate : rates) {
    std::string value;
    AppendDecimal(rate.rate_to_usd, &value);
    const std::string valid_from = rate.valid_from.ToString();
    if (auto ok = s.conn->Exec(
            "INSERT INTO fx_rates (currency, valid_from, rate_to_usd, source) VALUES (?, ?, ?, ?) "
            "ON DUPLICATE KEY UPDATE rate_to_usd = ?, source = ?",
            {MysqlParam::Text(rate.currency), MysqlParam::Text(valid_from), MysqlParam::Text(value),
             MysqlParam::Text(rate.source), MysqlParam::Text(value), MysqlParam::Text(rate.source)},
            "save rate");
        !ok) {
      s.Rollback();
      return ok;
    }
  }
  s.in_transaction = false;
  return s.conn->Exec("COMMIT", "commit rates");
}

}  // namespace billflow
