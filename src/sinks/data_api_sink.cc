#include "sinks/data_api_sink.h"

#include <charconv>
#include <unordered_map>

#include "core/row_validator.h"
#include "crypto/sha256.h"
#include "http/url.h"
#include "sinks/group_key_sql.h"
#include "sinks/mysql_schema.h"

namespace billflow {
namespace {

std::string SourceKey(const std::string& source) { return ToHex(Sha256::Of(source)); }

std::int64_t AsLong(const SqlValue& value) {
  if (const auto* n = std::get_if<std::int64_t>(&value)) return *n;
  if (const auto* s = std::get_if<std::string>(&value)) {
    std::int64_t n = 0;
    std::from_chars(s->data(), s->data() + s->size(), n);
    return n;
  }
  return 0;
}

std::string AsText(const SqlValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&value)) return std::to_string(*n);
  if (const auto* b = std::get_if<SqlBlob>(&value)) return b->bytes;
  return {};
}

SqlParameter Long(const char* name, std::int64_t value) { return {name, value, TypeHint::kNone}; }
SqlParameter Text(const char* name, std::string_view value) {
  return {name, std::string(value), TypeHint::kNone};
}
SqlParameter Dec(const char* name, const Decimal& value) {
  return {name, value.ToString(), TypeHint::kDecimal};
}

Error Named(Error error, const std::string& what) {
  error.message = what + ": " + error.message;
  return error;
}

}  // namespace

DataApiSink::DataApiSink(DataApiClient* client, DataApiSinkOptions options)
    : client_(client),
      writer_(client, DataApiBatchLimits{options.max_request_bytes, options.max_rows_per_request},
              [this](std::string_view id, std::uint64_t first_line, const Decimal& usd) {
                return NoteDuplicate(id, first_line, usd);
              }),
      reader_(client, DataApiReader::Limits{DataApiReader::Limits{}.page_rows,
                                            DataApiReader::Limits{}.page_bytes,
                                            options.max_request_bytes}) {}

DataApiSink::~DataApiSink() { Rollback(); }

std::unique_ptr<DataApiSink> DataApiSink::Create(std::unique_ptr<HttpClient> http, AwsConfig aws,
                                                 DataApiTarget target, Clock clock,
                                                 DataApiSinkOptions options) {
  auto client = std::make_unique<DataApiClient>(http.get(), std::move(aws), std::move(target),
                                                std::move(clock));
  auto sink = std::make_unique<DataApiSink>(client.get(), options);
  sink->owned_http_ = std::move(http);
  sink->owned_client_ = std::move(client);
  return sink;
}

Result<DataApiTarget> ParseDataApiUrl(std::string_view url) {
  constexpr std::string_view kScheme = "data-api://";
  const std::string usage = "expected data-api://CLUSTER_ARN?secret=SECRET_ARN&database=DB";
  if (!url.starts_with(kScheme)) {
    return Fail(ErrorCode::kInvalidArgument, "\"" + std::string(url) + "\": " + usage);
  }
  std::string_view rest = url.substr(kScheme.size());
  std::size_t question = rest.find('?');
  DataApiTarget target;
  Result<std::string> cluster = PercentDecode(rest.substr(0, question), false);
  if (!cluster) return Fail(ErrorCode::kInvalidArgument, cluster.error().message);
  target.resource_arn = std::move(*cluster);
  std::string_view query = question == std::string_view::npos ? "" : rest.substr(question + 1);
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t equals = item.find('=');
    std::string_view name = item.substr(0, equals);
    Result<std::string> value = PercentDecode(
        equals == std::string_view::npos ? std::string_view() : item.substr(equals + 1), false);
    if (!value) return Fail(ErrorCode::kInvalidArgument, value.error().message);
    if (name == "secret")
      target.secret_arn = std::move(*value);
    else if (name == "database")
      target.database = std::move(*value);
    else
      return Fail(ErrorCode::kInvalidArgument,
                  "data-api URL: unknown parameter \"" + std::string(name) + "\"; " + usage);
  }
  if (!target.resource_arn.starts_with("arn:")) {
    return Fail(ErrorCode::kInvalidArgument,
                "data-api URL: \"" + target.resource_arn + "\" is not a cluster ARN; " + usage);
  }
  if (target.secret_arn.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "data-api URL: no secret=SECRET_ARN; " + usage);
  }
  return target;
}

void DataApiSink::Rollback() noexcept {
  if (!transaction_id_.empty()) {
    (void)client_->RollbackTransaction(transaction_id_);
    transaction_id_.clear();
  }
  writer_.Clear();
}

Status DataApiSink::Migrate() {
  Result<ExecuteResult> found = client_->Execute(
      "SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN "
      "('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') ORDER BY COLLATION_NAME DESC LIMIT 1");
  if (!found) return tl::unexpected(Named(found.error(), "data-api migrate"));
  std::string collation = "utf8mb4_bin";
  if (!found->records.empty() && !found->records[0].empty()) {
    collation = AsText(found->records[0][0]);
  }
  for (const std::string& statement : MysqlSchemaStatements(collation)) {
    Result<ExecuteResult> done = client_->Execute(statement);
    if (!done) return tl::unexpected(Named(done.error(), "data-api create schema"));
  }
  Result<ExecuteResult> version =
      client_->Execute("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!version) return tl::unexpected(Named(version.error(), "data-api read schema_version"));
  std::int64_t current =
      version->records.empty() || version->records[0].empty() ? 0 : AsLong(version->records[0][0]);
  if (current > kMysqlSchemaVersion) {
    return Fail(ErrorCode::kInvalidArgument, "data-api: schema version " + std::to_string(current) +
                                                 " is newer than this billflow understands (" +
                                                 std::to_string(kMysqlSchemaVersion) +
                                                 "); upgrade billflow");
  }
  if (current < kMysqlSchemaVersion) {
    Result<ExecuteResult> recorded = client_->Execute(
        "INSERT INTO schema_version (version, applied_at) VALUES (:version, UTC_TIMESTAMP(6))",
        {Long("version", kMysqlSchemaVersion)});
    if (!recorded) return tl::unexpected(Named(recorded.error(), "data-api record schema_version"));
  }
  return Ok();
}

Result<std::optional<LedgerEntry>> DataApiSink::Lookup(const std::string& source, bool for_update) {
  Result<ExecuteResult> rows = client_->Execute(
      std::string("SELECT file_id, status, content_sha256, size_bytes, "
                  "COALESCE(version_order, '') FROM billing_files "
                  "WHERE source_sha256 = UNHEX(:key)") +
          (for_update ? " FOR UPDATE" : ""),
      {Text("key", SourceKey(source))}, for_update ? transaction_id_ : std::string());
  if (!rows) return tl::unexpected(Named(rows.error(), "data-api read ledger of " + source));
  if (rows->records.empty()) return std::optional<LedgerEntry>{};
  const std::vector<SqlValue>& r = rows->records.front();
  if (r.size() < 5) return Fail(ErrorCode::kInvalidData, "data-api: short ledger row");
  return std::optional<LedgerEntry>{LedgerEntry{AsLong(r[0]), AsText(r[1]), AsText(r[2]),
                                                static_cast<std::uint64_t>(AsLong(r[3])),
                                                AsText(r[4])}};
}

Result<std::optional<LedgerEntry>> DataApiSink::FindFile(const std::string& source) {
  return Lookup(source, false);
}

Result<BeginOutcome> DataApiSink::BeginFile(const FileIdentity& file) {
  Rollback();
  duplicate_rows_ = 0;
  duplicate_usd_ = Decimal(0, 2);
  Result<std::string> transaction = client_->BeginTransaction();
  if (!transaction)
    return tl::unexpected(Named(transaction.error(), "data-api begin " + file.source));
  transaction_id_ = std::move(*transaction);
  auto opened = [&]() -> Result<BeginOutcome> {
    auto existing = Lookup(file.source, true);
    if (!existing) return tl::unexpected(existing.error());
    existing_ = *existing;
    if (existing_ && existing_->status == "loaded" && !file.version_order.empty() &&
        !existing_->version_order.empty() && file.version_order < existing_->version_order) {
      return BeginOutcome::kStale;
    }
    auto exec = [&](const std::string& sql, const SqlParameterSet& parameters,
                    const std::string& what) -> Result<ExecuteResult> {
      Result<ExecuteResult> result = client_->Execute(sql, parameters, transaction_id_);
      if (!result) return tl::unexpected(Named(result.error(), "data-api " + what));
      return result;
    };
    if (existing_) {
      file_id_ = existing_->file_id;
      SqlParameterSet id = {Long("file_id", file_id_)};
      // Replacing: the new content's rows take the old ones' place in this transaction.
      BILLFLOW_TRY(
          exec("DELETE FROM billing_data WHERE file_id = :file_id", id, "delete previous rows"));
      BILLFLOW_TRY(exec("DELETE FROM billing_rejects WHERE file_id = :file_id", id,
                        "delete previous rejects"));
      BILLFLOW_TRY(
          exec("UPDATE billing_files SET status = 'loading', started_at = UTC_TIMESTAMP(6) "
               "WHERE file_id = :file_id",
               id, "mark ledger"));
    } else {
      Result<ExecuteResult> inserted = exec(
          "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, "
          "version_tag, version_order, status, started_at) VALUES (:source, UNHEX(:key), '', "
          ":size_bytes, :version_tag, :version_order, 'loading', UTC_TIMESTAMP(6))",
          {Text("source", file.source), Text("key", SourceKey(file.source)),
           Long("size_bytes", static_cast<std::int64_t>(file.size_bytes)),
           Text("version_tag", file.version_tag), Text("version_order", file.version_order)},
          "insert ledger of " + file.source);
      if (!inserted) {
        Error error = inserted.error();
        // Another loader created the same source's ledger row first: retry to see it.
        if (error.code == ErrorCode::kDuplicateKey) error.code = ErrorCode::kConflict;
        return tl::unexpected(std::move(error));
      }
      Result<ExecuteResult> id = exec("SELECT LAST_INSERT_ID()", {}, "read file_id");
      if (!id) return tl::unexpected(id.error());
      if (id->records.empty() || id->records[0].empty()) {
        return Fail(ErrorCode::kInternal, "data-api: LAST_INSERT_ID() returned nothing");
      }
      file_id_ = AsLong(id->records[0][0]);
    }
    writer_.Start(transaction_id_, file_id_);
    return BeginOutcome::kProceed;
  }();
  if (!opened || *opened == BeginOutcome::kStale) Rollback();
  return opened;
}

Result<std::string> DataApiSink::NoteDuplicate(std::string_view id, std::uint64_t first_line,
                                               const Decimal& usd) {
  std::optional<Decimal> sum = duplicate_usd_.Add(usd);
  if (!sum) {
    return Fail(ErrorCode::kLimitExceeded, "data-api: the USD sum of duplicate-id rows overflows");
  }
  duplicate_usd_ = *sum;
  ++duplicate_rows_;
  std::string reason = "duplicate id ";
  AppendQuoted(id, &reason);
  reason.append(" (first on line ").append(std::to_string(first_line)).append(")");
  return reason;
}

Status DataApiSink::AddRow(const BillingRecord& row) { return writer_.AddRow(row); }

Status DataApiSink::AddReject(const RejectedRow& reject) {
  return writer_.AddReject(reject.line_number, reject.reason, reject.raw_line);
}

Result<CommitResult> DataApiSink::CommitFile(const FileIdentity& file, const LoadTally& tally) {
  if (existing_ && existing_->status == "loaded" &&
      existing_->content_sha256 == file.content_sha256) {
    Rollback();
    return CommitResult{CommitOutcome::kUnchanged, {}};
  }
  auto written = [&]() -> Result<LoadTally> {
    BILLFLOW_TRY(writer_.Flush());
    LoadTally stored = tally;
    stored.rows_loaded -= duplicate_rows_;
    stored.rows_rejected += duplicate_rows_;
    stored.usd_total =
        *tally.usd_total.Add(Decimal(-duplicate_usd_.units(), duplicate_usd_.scale()));
    Result<ExecuteResult> updated = client_->Execute(
        "UPDATE billing_files SET content_sha256 = :sha, size_bytes = :size_bytes, "
        "version_tag = :version_tag, version_order = :version_order, status = 'loaded', "
        "rows_read = :rows_read, rows_loaded = :rows_loaded, rows_rejected = :rows_rejected, "
        "usd_total = :usd_total, finished_at = UTC_TIMESTAMP(6), error = NULL "
        "WHERE file_id = :file_id",
        {Text("sha", file.content_sha256),
         Long("size_bytes", static_cast<std::int64_t>(file.size_bytes)),
         Text("version_tag", file.version_tag), Text("version_order", file.version_order),
         Long("rows_read", static_cast<std::int64_t>(stored.rows_read)),
         Long("rows_loaded", static_cast<std::int64_t>(stored.rows_loaded)),
         Long("rows_rejected", static_cast<std::int64_t>(stored.rows_rejected)),
         Dec("usd_total", stored.usd_total), Long("file_id", file_id_)},
        transaction_id_);
    if (!updated) return tl::unexpected(Named(updated.error(), "data-api update ledger"));
    return stored;
  }();
  if (!written) {
    Rollback();
    return tl::unexpected(written.error());
  }
  std::string transaction = std::move(transaction_id_);
  transaction_id_.clear();
  if (Status committed = client_->CommitTransaction(transaction); !committed) {
    Error error = committed.error();
    if (error.code == ErrorCode::kAmbiguousCommit) {
      error.message += "; the commit of " + file.source +
                       " may have happened: read its ledger entry before loading it again";
    } else {
      (void)client_->RollbackTransaction(transaction);
    }
    return tl::unexpected(std::move(error));
  }
  const bool replaced = existing_ && existing_->status == "loaded";
  return CommitResult{replaced ? CommitOutcome::kReplaced : CommitOutcome::kLoaded, *written};
}

void DataApiSink::RollbackFile() noexcept { Rollback(); }

Status DataApiSink::RecordFailure(const FileIdentity& file, const std::string& error) {
  Rollback();
  // One statement, atomic on its own; a loaded version keeps every column.
  Result<ExecuteResult> done = client_->Execute(
      "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, "
      "version_tag, version_order, status, started_at, finished_at, error) VALUES (:source, "
      "UNHEX(:key), :sha, :size_bytes, :version_tag, :version_order, 'failed', "
      "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), :error) ON DUPLICATE KEY UPDATE "
      "error = IF(status = 'loaded', error, VALUES(error)), "
      "finished_at = IF(status = 'loaded', finished_at, UTC_TIMESTAMP(6)), "
      "content_sha256 = IF(status = 'loaded', content_sha256, VALUES(content_sha256))",
      {Text("source", file.source), Text("key", SourceKey(file.source)),
       Text("sha", file.content_sha256),
       Long("size_bytes", static_cast<std::int64_t>(file.size_bytes)),
       Text("version_tag", file.version_tag), Text("version_order", file.version_order),
       Text("error", error)});
  if (!done)
    return tl::unexpected(Named(done.error(), "data-api record failure of " + file.source));
  return Ok();
}

Result<std::vector<GroupTotal>> DataApiSink::Totals(GroupBy by) {
  return reader_.Totals(GroupKeySql(by, SqlDialect::kMysql));
}

Result<std::vector<StoredFile>> DataApiSink::Files() { return reader_.Files(); }

Result<std::vector<StoredReject>> DataApiSink::Rejects(const std::optional<std::string>& source) {
  if (!source) return reader_.Rejects(std::nullopt, std::nullopt);
  return reader_.Rejects(source, SourceKey(*source));
}

Result<std::vector<FxRate>> DataApiSink::LoadRates() { return reader_.Rates(); }

Status DataApiSink::SaveRates(const std::vector<FxRate>& rates) { return reader_.SaveRates(rates); }

}  // namespace billflow
