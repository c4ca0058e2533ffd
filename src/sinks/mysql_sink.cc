#include "sinks/mysql_sink.h"

#include "crypto/sha256.h"
#include "sinks/bulk_row_batch.h"
#include "sinks/column_values.h"
#include "sinks/mysql_bulk_writer.h"
#include "sinks/mysql_connection.h"
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
  return static_cast<int>(ServerCount(*version));
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
      LedgerEntry{AsBigint(ServerCount(r[0])), *status, r[2], ServerCount(r[3]), r[4], r[5]}};
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
       MysqlParam::Int(AsBigint(file.size_bytes)), MysqlParam::Text(file.version_tag),
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
      {MysqlParam::Text(file.content_sha256), MysqlParam::Int(AsBigint(file.size_bytes)),
       MysqlParam::Text(file.version_tag), MysqlParam::Text(file.version_order),
       MysqlParam::Int(AsBigint(stored.rows_read)), MysqlParam::Int(AsBigint(stored.rows_loaded)),
       MysqlParam::Int(AsBigint(stored.rows_rejected)), MysqlParam::Text(usd),
       TextOrNull<MysqlParam>(file.profile), TextOrNull<MysqlParam>(file.settings_sha256),
       MysqlParam::Int(file_id())},
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
       MysqlParam::Text(file.content_sha256), MysqlParam::Int(AsBigint(file.size_bytes)),
       MysqlParam::Text(file.version_tag), MysqlParam::Text(file.version_order),
       MysqlParam::Text(error), TextOrNull<MysqlParam>(file.profile),
       TextOrNull<MysqlParam>(file.settings_sha256), MysqlParam::Text(error),
       MysqlParam::Text(file.content_sha256)},
      "record failure");
}

SqlDialect MysqlSink::dialect() const { return SqlDialect::kMysql; }

namespace {

// The `?` parameters of a rewritten statement, in `order` (RewritePlaceholders). They view
// `args`, which must outlive them.
MysqlParams ToParams(std::span<const SqlArg> args, const std::vector<std::size_t>& order) {
  MysqlParams params;
  params.reserve(order.size());
  for (std::size_t index : order) {
    const SqlArg& arg = args[index];
    switch (arg.kind) {
      case SqlArg::Kind::kNull:
        params.push_back(MysqlParam::Null());
        break;
      case SqlArg::Kind::kInt:
        params.push_back(MysqlParam::Int(arg.number));
        break;
      case SqlArg::Kind::kBytes:
        params.push_back(MysqlParam::Bytes(arg.text));
        break;
      case SqlArg::Kind::kText:
      case SqlArg::Kind::kDate:
      case SqlArg::Kind::kDecimal:
        // The server converts the text to the column's DATE or DECIMAL exactly.
        params.push_back(MysqlParam::Text(arg.text));
        break;
    }
  }
  return params;
}

}  // namespace

Result<TextRows> MysqlSink::QueryText(std::string_view sql, std::span<const SqlArg> args,
                                      std::string_view what) {
  std::vector<std::size_t> order;
  const std::string text = RewritePlaceholders(sql, PlaceholderStyle::kQuestion, &order);
  return impl_->conn->QueryText(text, ToParams(args, order), what);
}

Status MysqlSink::ExecText(std::string_view sql, std::span<const SqlArgs> sets,
                           std::string_view what) {
  Impl& s = *impl_;
  std::vector<std::size_t> order;
  const std::string text = RewritePlaceholders(sql, PlaceholderStyle::kQuestion, &order);
  const bool own_transaction = !s.in_transaction;
  if (own_transaction) {
    BILLFLOW_TRY(s.conn->Exec("START TRANSACTION", "begin"));
    s.in_transaction = true;
  }
  for (const SqlArgs& set : sets) {
    if (Status done = s.conn->Exec(text, ToParams(set, order), what); !done) {
      if (own_transaction) s.Rollback();
      return done;
    }
  }
  if (!own_transaction) return Ok();
  s.in_transaction = false;
  return s.conn->Exec("COMMIT", what);
}

// OpenFile started the bulk writer; FlushFile writes to file_id().
Status MysqlSink::ResumeFile(std::int64_t /*file_id*/) { return Ok(); }

}  // namespace billflow
