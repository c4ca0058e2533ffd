#include "sinks/postgres_sink.h"

#include "crypto/sha256.h"
#include "sinks/bulk_row_batch.h"
#include "sinks/column_values.h"
#include "sinks/postgres_bulk_writer.h"
#include "sinks/postgres_connection.h"
#include "sinks/postgres_ledger_sql.h"
#include "sinks/postgres_schema.h"
#include "sinks/stored_values.h"

namespace billflow {

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
  // The writer first: its COPY may be open.
  void Rollback() noexcept {
    if (writer) writer->Clear();
    if (in_transaction) (void)conn->Exec("ROLLBACK", "rollback");
    in_transaction = false;
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
  return static_cast<int>(ServerCount(*version));
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
      LedgerEntry{AsBigint(ServerCount(r[0])), *status, r[2], ServerCount(r[3]), r[4], r[5]}};
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
                         {PgParam::Text(file.source), PgParam::Int(AsBigint(file.size_bytes)),
                          PgParam::Text(file.version_tag), PgParam::Text(file.version_order)},
                         "insert ledger");
  if (!rows) {
    if (rows.error().code == ErrorCode::kDuplicateKey) return std::optional<std::int64_t>{};
    return tl::unexpected(rows.error());
  }
  if (rows->empty()) {
    return Fail(ErrorCode::kInternal, Label() + ": insert ledger returned no file_id");
  }
  return std::optional<std::int64_t>{AsBigint(ServerCount(rows->front().front()))};
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
      {PgParam::Text(file.content_sha256), PgParam::Int(AsBigint(file.size_bytes)),
       PgParam::Text(file.version_tag), PgParam::Text(file.version_order),
       PgParam::Int(AsBigint(stored.rows_read)), PgParam::Int(AsBigint(stored.rows_loaded)),
       PgParam::Int(AsBigint(stored.rows_rejected)), PgParam::Text(usd),
       TextOrNull<PgParam>(file.profile), TextOrNull<PgParam>(file.settings_sha256),
       PgParam::Int(file_id())},
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
  return impl_->conn->Exec(
      kPostgresUpsertFailure,
      {PgParam::Text(file.source), PgParam::Text(file.content_sha256),
       PgParam::Int(AsBigint(file.size_bytes)), PgParam::Text(file.version_tag),
       PgParam::Text(file.version_order), PgParam::Text(error), TextOrNull<PgParam>(file.profile),
       TextOrNull<PgParam>(file.settings_sha256)},
      "record failure");
}

SqlDialect PostgresSink::dialect() const { return SqlDialect::kPostgres; }

namespace {

PgParams ToParams(std::span<const SqlArg> args) {
  PgParams params;
  params.reserve(args.size());
  for (const SqlArg& arg : args) {
    switch (arg.kind) {
      case SqlArg::Kind::kNull:
        params.push_back(PgParam::Null());
        break;
      case SqlArg::Kind::kInt:
        params.push_back(PgParam::Int(arg.number));
        break;
      case SqlArg::Kind::kBytes:
        params.push_back(PgParam::Bytes(arg.text));
        break;
      case SqlArg::Kind::kText:
      case SqlArg::Kind::kDate:
      case SqlArg::Kind::kDecimal:
        // Untyped: the server reads the text as the type the statement gives the parameter.
        params.push_back(PgParam::Text(arg.text));
        break;
    }
  }
  return params;
}

}  // namespace

// The shared ledger jobs (reject retry) run statements between rows: the rows' COPY ends first.
Result<TextRows> PostgresSink::QueryText(std::string_view sql, std::span<const SqlArg> args,
                                         std::string_view what) {
  if (Status ended = impl_->writer->EndCopy(file_id()); !ended) {
    return tl::unexpected(ended.error());
  }
  return impl_->conn->QueryText(sql, ToParams(args), what);
}

Status PostgresSink::ExecText(std::string_view sql, std::span<const SqlArgs> sets,
                              std::string_view what) {
  Impl& s = *impl_;
  BILLFLOW_TRY(s.writer->EndCopy(file_id()));
  const bool own_transaction = !s.in_transaction;
  if (own_transaction) BILLFLOW_TRY(s.Begin());
  for (const SqlArgs& set : sets) {
    if (Status done = s.conn->Exec(sql, ToParams(set), what); !done) {
      if (own_transaction) s.Rollback();
      return done;
    }
  }
  if (!own_transaction) return Ok();
  return s.Commit(what);
}

// OpenFile started the bulk writer; FlushFile writes to file_id().
Status PostgresSink::ResumeFile(std::int64_t /*file_id*/) { return Ok(); }

}  // namespace billflow
