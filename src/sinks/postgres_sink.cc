#include "sinks/postgres_sink.h"

#include "sinks/group_key_sql.h"
#include "sinks/mysql_row_batch.h"
#include "sinks/postgres_bulk_writer.h"
#include "sinks/postgres_connection.h"
#include "sinks/postgres_ledger_sql.h"
#include "sinks/postgres_schema.h"
#include "sinks/stored_values.h"

namespace billflow {
namespace {

std::int64_t ToInt64(std::uint64_t value) { return static_cast<std::int64_t>(value); }

std::uint64_t ToU64(const std::string& text) { return std::strtoull(text.c_str(), nullptr, 10); }

// An empty value is stored as NULL (no profile, default settings).
PgParam OptionalText(const std::string& text) {
  return text.empty() ? PgParam::Null() : PgParam::Text(text);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return 0;
}

std::string FromHex(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(HexValue(hex[i]) * 16 + HexValue(hex[i + 1])));
  }
  return out;
}

}  // namespace

struct PostgresSink::Impl {
  PostgresOptions options;
  std::unique_ptr<PgConnection> conn;
  std::unique_ptr<PostgresBulkWriter> writer;
  bool in_transaction = false;

  const std::string& target() const { return conn->target(); }

  Result<std::string> QueryValue(const std::string& query, std::string_view what) {
    auto rows = conn->Query(query, what);
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty() || rows->front().empty()) return std::string();
    return std::move(rows->front().front());
  }
  Status Begin() {
    BILLFLOW_TRY(conn->Exec("BEGIN", "begin"));
    in_transaction = true;
    return Ok();
  }
  // COMMIT of a transaction the server had already aborted answers ROLLBACK, not an error.
  Status Commit(std::string_view what) {
    Status committed = conn->Exec("COMMIT", what);
    in_transaction = false;
    if (!committed) return committed;
    if (conn->command_status() != "COMMIT") {
      return Fail(ErrorCode::kDatabase, "postgres " + target() + ": " + std::string(what) +
                                            ": the server rolled the transaction back");
    }
    return Ok();
  }
  void Rollback() noexcept {
    if (in_transaction) (void)conn->Exec("ROLLBACK", "rollback");
    in_transaction = false;
    if (writer) writer->Clear();
  }
};

PostgresSink::PostgresSink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PostgresSink::~PostgresSink() { impl_->Rollback(); }

std::string PostgresSink::TlsCipher() const { return impl_->conn->TlsCipher(); }

Result<std::unique_ptr<PostgresSink>> PostgresSink::Open(const PostgresOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto conn = PgConnection::Open(options);
  if (!conn) return tl::unexpected(conn.error());
  impl->conn = std::move(*conn);
  std::unique_ptr<PostgresSink> sink(new PostgresSink(std::move(impl)));
  PostgresSink* owner = sink.get();
  owner->impl_->writer = std::make_unique<PostgresBulkWriter>(
      owner->impl_->conn.get(), options.batch_bytes,
      [owner](std::string_view id, std::uint64_t first_line, const Decimal& usd) {
        return owner->NoteDuplicate(id, first_line, usd);
      });
  return sink;
}

std::string PostgresSink::Label() const { return "postgres " + impl_->target(); }

// DDL is transactional here: the whole migration is one transaction under an advisory lock.
Status PostgresSink::BeginSchemaChange() {
  impl_->Rollback();
  BILLFLOW_TRY(impl_->Begin());
  return impl_->conn->Exec(kPostgresMigrateLock, "wait for other migrations");
}

Status PostgresSink::CreateTables() {
  for (const std::string& statement : PostgresSchemaStatements()) {
    BILLFLOW_TRY(impl_->conn->Exec(statement, "create schema"));
  }
  return Ok();
}

Result<int> PostgresSink::StoredSchemaVersion() {
  auto version = impl_->QueryValue(kPostgresStoredVersion, "read schema_version");
  if (!version) return tl::unexpected(version.error());
  return static_cast<int>(ToU64(*version));
}

Status PostgresSink::UpgradeTables(int from_version) {
  PgConnection& conn = *impl_->conn;
  SchemaUpgradeOps ops;
  ops.has_column = [&conn](std::string_view table, std::string_view column) -> Result<bool> {
    auto rows = conn.Query(kPostgresHasColumnQuery, {PgParam::Text(table), PgParam::Text(column)},
                           "read table columns");
    if (!rows) return tl::unexpected(rows.error());
    return !rows->empty() && !rows->front().empty() && rows->front().front() != "0";
  };
  ops.exec = [&conn](const std::string& sql) { return conn.Exec(sql, "upgrade schema"); };
  return UpgradeColumns(kPostgresAddedColumns, from_version, ops);
}

Status PostgresSink::RecordSchemaVersion(int version) {
  return impl_->conn->Exec(kPostgresRecordVersion, {PgParam::Int(version)},
                           "record schema_version");
}

Status PostgresSink::EndSchemaChange(bool commit) {
  if (!commit) {
    impl_->Rollback();
    return Ok();
  }
  return impl_->Commit("commit schema");
}

Result<std::optional<LedgerEntry>> PostgresSink::ReadEntry(const std::string& source,
                                                           bool for_update) {
  auto rows =
      impl_->conn->Query(for_update ? kPostgresLedgerLookupForUpdate : kPostgresLedgerLookup,
                         {PgParam::Text(source)}, "read ledger");
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<LedgerEntry>{};
  const auto& r = rows->front();
  Result<LedgerStatus> status = StoredLedgerStatus(r[1], source, Label());
  if (!status) return tl::unexpected(status.error());
  return std::optional<LedgerEntry>{
      LedgerEntry{static_cast<std::int64_t>(ToU64(r[0])), *status, r[2], ToU64(r[3]), r[4], r[5]}};
}

Status PostgresSink::OpenFile(const FileIdentity& file) {
  Impl& s = *impl_;
  s.Rollback();
  BILLFLOW_TRY(s.Begin());
  s.writer->Start();
  return s.conn->Exec(kPostgresSourceLock, {PgParam::Text(PostgresSourceLockKey(file.source))},
                      "wait for other loaders of " + file.source);
}

Status PostgresSink::ClearFile(std::int64_t file_id) {
  const PgParams id = {PgParam::Int(file_id)};
  PgConnection& conn = *impl_->conn;
  BILLFLOW_TRY(conn.Exec(kPostgresDeleteRows, id, "delete previous rows"));
  BILLFLOW_TRY(conn.Exec(kPostgresDeleteRejects, id, "delete previous rejects"));
  return conn.Exec(kPostgresMarkLoading, id, "mark ledger");
}

// The advisory lock keeps other loaders of the source out; only RecordFailure's own small
// transaction, which takes no lock, can insert the source meanwhile: that is the race lost.
Result<std::optional<std::int64_t>> PostgresSink::InsertEntry(const FileIdentity& file) {
  auto rows =
      impl_->conn->Query(kPostgresInsertEntry,
                         {PgParam::Text(file.source), PgParam::Int(ToInt64(file.size_bytes)),
                          PgParam::Text(file.version_tag), PgParam::Text(file.version_order)},
                         "insert ledger");
  if (!rows) {
    if (rows.error().code == ErrorCode::kDuplicateKey) return std::optional<std::int64_t>{};
    return tl::unexpected(rows.error());
  }
  if (rows->empty()) {
    return Fail(ErrorCode::kInternal, Label() + ": insert ledger returned no file_id");
  }
  return std::optional<std::int64_t>{static_cast<std::int64_t>(ToU64(rows->front().front()))};
}

Status PostgresSink::AddRow(const BillingRecord& row) {
  return impl_->writer->AddRow(row, file_id());
}

Status PostgresSink::AddReject(const RejectedRow& reject) {
  return impl_->writer->AddReject(file_id(), reject.line_number, reject.reason, reject.raw_line,
                                  reject.retry_fields);
}

Status PostgresSink::FlushFile() { return impl_->writer->Flush(file_id()); }

Status PostgresSink::WriteLoaded(const FileIdentity& file, const LoadTally& stored) {
  std::string usd;
  AppendDecimal(stored.usd_total, &usd);
  return impl_->conn->Exec(
      kPostgresWriteLoaded,
      {PgParam::Text(file.content_sha256), PgParam::Int(ToInt64(file.size_bytes)),
       PgParam::Text(file.version_tag), PgParam::Text(file.version_order),
       PgParam::Int(ToInt64(stored.rows_read)), PgParam::Int(ToInt64(stored.rows_loaded)),
       PgParam::Int(ToInt64(stored.rows_rejected)), PgParam::Text(usd), OptionalText(file.profile),
       OptionalText(file.settings_sha256), PgParam::Int(file_id())},
      "update ledger");
}

Status PostgresSink::CommitTransaction() {
  Status committed = impl_->Commit("commit");
  if (!committed) {
    Error error = committed.error();
    // The COMMIT may or may not have reached the server: only the ledger can tell.
    if (error.code == ErrorCode::kUnavailable) error.code = ErrorCode::kAmbiguousCommit;
    return tl::unexpected(std::move(error));
  }
  return Ok();
}

void PostgresSink::RollbackTransaction() noexcept { impl_->Rollback(); }

Status PostgresSink::UpsertFailure(const FileIdentity& file, const std::string& error) {
  impl_->Rollback();
  return impl_->conn->Exec(kPostgresUpsertFailure,
                           {PgParam::Text(file.source), PgParam::Text(file.content_sha256),
                            PgParam::Int(ToInt64(file.size_bytes)), PgParam::Text(file.version_tag),
                            PgParam::Text(file.version_order), PgParam::Text(error),
                            OptionalText(file.profile), OptionalText(file.settings_sha256)},
                           "record failure");
}

Result<std::vector<GroupTotal>> PostgresSink::Totals(GroupBy by) {
  const std::string key(GroupKeySql(by, SqlDialect::kPostgres));
  // SUM over NUMERIC is exact; COLLATE "C" orders byte for byte as SQLite does.
  auto rows = impl_->conn->Query(
      "SELECT (" + key +
          ") COLLATE \"C\" AS k, d.currency, COUNT(*), SUM(d.bill_amount), "
          "SUM(d.bill_amount_usd) FROM billing_data d JOIN billing_files f ON f.file_id = "
          "d.file_id WHERE f.status = 'loaded' GROUP BY 1, 2 ORDER BY 1, 2",
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
      return Fail(ErrorCode::kInvalidData,
                  Label() + ": total \"" + r[3] + "\" / \"" + r[4] + "\" is not a decimal");
    }
    total.amount_total = *amount;
    total.usd_total = *usd;
    out.push_back(std::move(total));
  }
  return out;
}

Result<std::vector<StoredFile>> PostgresSink::Files() {
  auto rows = impl_->conn->Query(
      "SELECT file_id, source, status, rows_read, rows_loaded, rows_rejected, usd_total, "
      "COALESCE(to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
      "''), COALESCE(error, '') FROM billing_files ORDER BY source",
      "list files");
  if (!rows) return tl::unexpected(rows.error());
  std::vector<StoredFile> out;
  for (auto& r : *rows) {
    out.push_back({static_cast<std::int64_t>(ToU64(r[0])), std::move(r[1]), std::move(r[2]),
                   ToU64(r[3]), ToU64(r[4]), ToU64(r[5]), std::move(r[6]), std::move(r[7]),
                   std::move(r[8])});
  }
  return out;
}

Result<std::vector<StoredReject>> PostgresSink::Rejects(const std::optional<std::string>& source) {
  constexpr char kSelect[] =
      "SELECT f.source, r.line_number, r.reason, encode(r.raw_line, 'hex') FROM billing_rejects "
      "r JOIN billing_files f ON f.file_id = r.file_id ";
  auto rows = source
                  ? impl_->conn->Query(std::string(kSelect) +
                                           "WHERE f.source = $1 ORDER BY f.source, r.line_number",
                                       {PgParam::Text(*source)}, "list rejects")
                  : impl_->conn->Query(std::string(kSelect) + "ORDER BY f.source, r.line_number",
                                       "list rejects");
  if (!rows) return tl::unexpected(rows.error());
  std::vector<StoredReject> out;
  for (auto& r : *rows) {
    out.push_back({std::move(r[0]), ToU64(r[1]), std::move(r[2]), FromHex(r[3])});
  }
  return out;
}

Result<std::vector<FxRate>> PostgresSink::LoadRates() {
  auto rows = impl_->conn->Query(
      "SELECT currency, to_char(valid_from, 'YYYY-MM-DD'), rate_to_usd, COALESCE(source, '') "
      "FROM fx_rates ORDER BY currency, valid_from",
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

Status PostgresSink::SaveRates(const std::vector<FxRate>& rates) {
  Impl& s = *impl_;
  s.Rollback();
  BILLFLOW_TRY(s.Begin());
  for (const FxRate& rate : rates) {
    std::string value;
    AppendDecimal(rate.rate_to_usd, &value);
    if (auto ok = s.conn->Exec(
            "INSERT INTO fx_rates (currency, valid_from, rate_to_usd, source) VALUES ($1, $2, $3, "
            "$4) ON CONFLICT (currency, valid_from) DO UPDATE SET rate_to_usd = "
            "EXCLUDED.rate_to_usd, source = EXCLUDED.source",
            {PgParam::Text(rate.currency), PgParam::Text(rate.valid_from.ToString()),
             PgParam::Text(value), PgParam::Text(rate.source)},
            "save rate");
        !ok) {
      s.Rollback();
      return ok;
    }
  }
  return s.Commit("commit rates");
}

}  // namespace billflow
