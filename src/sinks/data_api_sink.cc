#include "sinks/data_api_sink.h"

#include <unordered_map>

#include "sinks/data_api_values.h"
#include "sinks/group_key_sql.h"
#include "sinks/stored_values.h"

namespace billflow {
namespace {

using data_api::AsLong;
using data_api::AsText;
using data_api::CheckColumns;
using data_api::Dec;
using data_api::Long;
using data_api::Named;
using data_api::OptionalText;
using data_api::SourceKey;
using data_api::Text;

constexpr char kInsertRow[] =
    "INSERT INTO billing_data (file_id, id, line_number, company_name, country, city, "
    "product_line, item, bill_date, currency, bill_amount, fx_rate, bill_amount_usd) VALUES "
    "(:file_id, :id, :line_number, :company_name, :country, :city, :product_line, :item, "
    ":bill_date, :currency, :bill_amount, :fx_rate, :bill_amount_usd)";
constexpr char kInsertReject[] =
    "INSERT INTO billing_rejects (file_id, line_number, reason, raw_line) VALUES "
    "(:file_id, :line_number, :reason, :raw_line)";
// Settling a request refused for a duplicate id (SettleDuplicateIds). TEMPORARY: no implicit
// commit, private to the transaction's connection; LIKE: the same PRIMARY KEY and id collation.
constexpr char kCreateStaging[] =
    "CREATE TEMPORARY TABLE IF NOT EXISTS billflow_batch LIKE billing_data";
constexpr char kClearStaging[] = "DELETE FROM billflow_batch";
constexpr char kDropStaging[] = "DROP TEMPORARY TABLE IF EXISTS billflow_batch";
constexpr char kStageRow[] =
    "INSERT INTO billflow_batch (file_id, id, line_number, company_name, country, city, "
    "product_line, item, bill_date, currency, bill_amount, fx_rate, bill_amount_usd) VALUES "
    "(:file_id, :id, :line_number, :company_name, :country, :city, :product_line, :item, "
    ":bill_date, :currency, :bill_amount, :fx_rate, :bill_amount_usd)";
// Rows of the request whose id is stored under another line: the duplicates. A row stored
// under its own line was written before the request failed and is no duplicate.
constexpr char kFindDuplicates[] =
    "SELECT b.line_number, d.line_number FROM billflow_batch b JOIN billing_data d "
    "ON d.file_id = b.file_id AND d.id = b.id WHERE d.line_number <> b.line_number";
// The no-op update keeps the first stored row of each id, as MysqlSink does.
constexpr char kInsertStaged[] =
    "INSERT INTO billing_data (file_id, id, line_number, company_name, country, city, "
    "product_line, item, bill_date, currency, bill_amount, fx_rate, bill_amount_usd) SELECT "
    "file_id, id, line_number, company_name, country, city, product_line, item, bill_date, "
    "currency, bill_amount, fx_rate, bill_amount_usd FROM billflow_batch "
    "ON DUPLICATE KEY UPDATE line_number = billing_data.line_number";
// JSON around one parameter set's values: names, value keys, type hints, punctuation.
constexpr std::size_t kRowJsonOverhead = 640;

// MySQL's ER_DUP_ENTRY, as the Data API words it: "Database error code: 1062. Message: …".
bool IsDuplicateKey(const Error& error) {
  return error.message.find("error code: 1062") != std::string::npos;
}

}  // namespace

DataApiSink::DataApiSink(DataApiClient* client, DataApiSinkOptions options)
    : client_(client), options_(options) {}

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

void DataApiSink::Rollback() noexcept {
  if (!transaction_id_.empty()) {
    (void)client_->RollbackTransaction(transaction_id_);
    transaction_id_.clear();
  }
  rows_ = Pending{};
  pending_rows_.clear();
  pending_index_.clear();
  repeats_.clear();
  staging_created_ = false;
  rejects_ = Pending{};
}

std::string DataApiSink::Label() const { return "data-api " + client_->target().database; }

Result<std::optional<LedgerEntry>> DataApiSink::ReadEntry(const std::string& source,
                                                          bool for_update) {
  Result<ExecuteResult> rows = client_->Execute(
      std::string("SELECT file_id, status, content_sha256, size_bytes, "
                  "COALESCE(version_order, ''), COALESCE(profile_sha256, '') FROM billing_files "
                  "WHERE source_sha256 = UNHEX(:key)") +
          (for_update ? " FOR UPDATE" : ""),
      {Text("key", SourceKey(source))}, for_update ? transaction_id_ : std::string());
  if (!rows) return tl::unexpected(Named(rows.error(), "data-api read ledger of " + source));
  if (rows->records.empty()) return std::optional<LedgerEntry>{};
  const std::vector<SqlValue>& r = rows->records.front();
  BILLFLOW_TRY(CheckColumns(r, 6, Label() + ": ledger of " + source));
  Result<LedgerStatus> status = StoredLedgerStatus(AsText(r[1]), source, Label());
  if (!status) return tl::unexpected(status.error());
  return std::optional<LedgerEntry>{LedgerEntry{AsLong(r[0]), *status, AsText(r[2]),
                                                static_cast<std::uint64_t>(AsLong(r[3])),
                                                AsText(r[4]), AsText(r[5])}};
}

Status DataApiSink::OpenFile(const FileIdentity& file) {
  Result<std::string> transaction = client_->BeginTransaction();
  if (!transaction)
    return tl::unexpected(Named(transaction.error(), "data-api begin " + file.source));
  transaction_id_ = std::move(*transaction);
  return Ok();
}

Result<ExecuteResult> DataApiSink::InTransaction(const std::string& sql,
                                                 const SqlParameterSet& parameters,
                                                 const std::string& what) {
  Result<ExecuteResult> result = client_->Execute(sql, parameters, transaction_id_);
  if (!result) return tl::unexpected(Named(result.error(), "data-api " + what));
  return result;
}

Status DataApiSink::ClearFile(std::int64_t file_id) {
  const SqlParameterSet id = {Long("file_id", file_id)};
  BILLFLOW_TRY(InTransaction("DELETE FROM billing_data WHERE file_id = :file_id", id,
                             "delete previous rows"));
  BILLFLOW_TRY(InTransaction("DELETE FROM billing_rejects WHERE file_id = :file_id", id,
                             "delete previous rejects"));
  BILLFLOW_TRY(
      InTransaction("UPDATE billing_files SET status = 'loading', started_at = UTC_TIMESTAMP(6) "
                    "WHERE file_id = :file_id",
                    id, "mark ledger"));
  return Ok();
}

Result<std::optional<std::int64_t>> DataApiSink::InsertEntry(const FileIdentity& file) {
  Result<ExecuteResult> inserted = InTransaction(
      "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, "
      "version_tag, version_order, status, started_at) VALUES (:source, UNHEX(:key), '', "
      ":size_bytes, :version_tag, :version_order, 'loading', UTC_TIMESTAMP(6))",
      {Text("source", file.source), Text("key", SourceKey(file.source)),
       Long("size_bytes", static_cast<std::int64_t>(file.size_bytes)),
       Text("version_tag", file.version_tag), Text("version_order", file.version_order)},
      "insert ledger of " + file.source);
  // Another loader created the same source's ledger row first, or several first loads
  // deadlocked on the gap the row goes into (InnoDB picks a victim): begin again.
  if (!inserted &&
      (IsDuplicateKey(inserted.error()) || inserted.error().code == ErrorCode::kConflict)) {
    return std::optional<std::int64_t>{};
  }
  if (!inserted) return tl::unexpected(inserted.error());
  Result<ExecuteResult> id = InTransaction("SELECT LAST_INSERT_ID()", {}, "read file_id");
  if (!id) return tl::unexpected(id.error());
  if (id->records.empty() || id->records[0].empty()) {
    return Fail(ErrorCode::kInternal, "data-api: LAST_INSERT_ID() returned nothing");
  }
  return std::optional<std::int64_t>{AsLong(id->records[0][0])};
}

Status DataApiSink::Flush(const std::string& sql, Pending* pending) {
  if (pending->sets.empty()) return Ok();
  Result<std::size_t> sent = client_->BatchExecute(sql, pending->sets, transaction_id_);
  ++batch_requests_;
  pending->sets.clear();
  pending->bytes = 0;
  if (!sent) return tl::unexpected(Named(sent.error(), "data-api batch insert"));
  return Ok();
}

Status DataApiSink::QueueReject(std::uint64_t line_number, std::string_view reason,
                                std::string_view raw_line) {
  rejects_.bytes += kRowJsonOverhead / 2 + reason.size() + raw_line.size() * 4 / 3;
  rejects_.sets.push_back(
      {Long("file_id", file_id()), Long("line_number", static_cast<std::int64_t>(line_number)),
       Text("reason", reason),
       SqlParameter{"raw_line", SqlBlob{std::string(raw_line)}, TypeHint::kNone}});
  if (rejects_.bytes < options_.max_request_bytes &&
      rejects_.sets.size() < options_.max_rows_per_request) {
    return Ok();
  }
  return Flush(kInsertReject, &rejects_);
}

Status DataApiSink::RejectDuplicate(const std::string& id, std::uint64_t line_number,
                                    std::uint64_t first_line, const Decimal& usd,
                                    std::string_view raw_line) {
  Result<std::string> reason = NoteDuplicate(id, first_line, usd);
  if (!reason) return tl::unexpected(reason.error());
  return QueueReject(line_number, *reason, raw_line);
}

Status DataApiSink::SettleDuplicateIds() {
  auto exec = [&](const char* sql, const char* what) -> Result<ExecuteResult> {
    Result<ExecuteResult> result = client_->Execute(sql, {}, transaction_id_);
    if (!result) return tl::unexpected(Named(result.error(), what));
    return result;
  };
  if (!staging_created_) {
    BILLFLOW_TRY(exec(kCreateStaging, "data-api create duplicate-id staging table"));
    staging_created_ = true;
  }
  BILLFLOW_TRY(exec(kClearStaging, "data-api clear duplicate-id staging table"));
  Result<std::size_t> staged = client_->BatchExecute(kStageRow, rows_.sets, transaction_id_);
  ++batch_requests_;
  if (!staged) {
    return tl::unexpected(Named(staged.error(), "data-api stage rows to find duplicate ids"));
  }
  Result<ExecuteResult> found = exec(kFindDuplicates, "data-api find duplicate ids");
  if (!found) return tl::unexpected(found.error());
  std::unordered_map<std::uint64_t, std::size_t> by_line;
  for (std::size_t i = 0; i < pending_rows_.size(); ++i) {
    by_line.emplace(pending_rows_[i].line_number, i);
  }
  for (const std::vector<SqlValue>& r : found->records) {
    const auto line =
        r.size() < 2 ? by_line.end() : by_line.find(static_cast<std::uint64_t>(AsLong(r[0])));
    if (line == by_line.end()) {
      return Fail(ErrorCode::kInternal,
                  "data-api: the duplicate-id lookup returned a line that was not in the request");
    }
    PendingRow& row = pending_rows_[line->second];
    row.stored_line = static_cast<std::uint64_t>(AsLong(r[1]));
    BILLFLOW_TRY(RejectDuplicate(row.id, row.line_number, row.stored_line, row.usd, row.raw_line));
  }
  BILLFLOW_TRY(exec(kInsertStaged, "data-api insert rows without duplicate ids"));
  return Ok();
}

Status DataApiSink::FlushRows() {
  Status flushed = [&]() -> Status {
    if (!rows_.sets.empty()) {
      Result<std::size_t> sent = client_->BatchExecute(kInsertRow, rows_.sets, transaction_id_);
      ++batch_requests_;
      if (!sent && !IsDuplicateKey(sent.error())) {
        return tl::unexpected(Named(sent.error(), "data-api batch insert"));
      }
      if (!sent) BILLFLOW_TRY(SettleDuplicateIds());
    }
    for (const Repeat& repeat : repeats_) {
      const PendingRow& first = pending_rows_[repeat.first];
      BILLFLOW_TRY(RejectDuplicate(first.id, repeat.line_number,
                                   first.stored_line != 0 ? first.stored_line : first.line_number,
                                   repeat.usd, repeat.raw_line));
    }
    return Ok();
  }();
  rows_.sets.clear();
  rows_.bytes = 0;
  pending_rows_.clear();
  pending_index_.clear();
  repeats_.clear();
  return flushed;
}

Status DataApiSink::AddRow(const BillingRecord& row) {
  auto [it, first] = pending_index_.try_emplace(std::string(row.id), pending_rows_.size());
  if (!first) {
    // Not sent: the request would be refused for it. Rejected once the earlier row is settled.
    rows_.bytes += row.raw_line.size();
    repeats_.push_back(
        Repeat{it->second, row.line_number, row.bill_amount_usd, std::string(row.raw_line)});
  } else {
    char date[10];
    row.bill_date.Format(date);
    rows_.bytes += kRowJsonOverhead + row.id.size() + row.company_name.size() + row.city.size() +
                   row.product_line.size() + row.item.size();
    rows_.sets.push_back(
        {Long("file_id", file_id()), Text("id", row.id),
         Long("line_number", static_cast<std::int64_t>(row.line_number)),
         Text("company_name", row.company_name), Text("country", row.country),
         Text("city", row.city), Text("product_line", row.product_line), Text("item", row.item),
         SqlParameter{"bill_date", std::string(date, 10), TypeHint::kDate},
         Text("currency", row.currency_code()), Dec("bill_amount", row.bill_amount),
         Dec("fx_rate", row.fx_rate), Dec("bill_amount_usd", row.bill_amount_usd)});
    pending_rows_.push_back(PendingRow{std::string(row.id), row.line_number, row.bill_amount_usd,
                                       std::string(row.raw_line), 0});
  }
  if (rows_.bytes < options_.max_request_bytes &&
      pending_rows_.size() + repeats_.size() < options_.max_rows_per_request) {
    return Ok();
  }
  return FlushRows();
}

Status DataApiSink::AddReject(const RejectedRow& reject) {
  return QueueReject(reject.line_number, reject.reason, reject.raw_line);
}

Status DataApiSink::FlushFile() {
  BILLFLOW_TRY(FlushRows());
  BILLFLOW_TRY(Flush(kInsertReject, &rejects_));
  if (staging_created_) {
    // A pooled connection would keep it past this transaction.
    Result<ExecuteResult> dropped = client_->Execute(kDropStaging, {}, transaction_id_);
    if (!dropped) {
      return tl::unexpected(Named(dropped.error(), "data-api drop duplicate-id staging table"));
    }
    staging_created_ = false;
  }
  return Ok();
}

Status DataApiSink::WriteLoaded(const FileIdentity& file, const LoadTally& stored) {
  Result<ExecuteResult> updated = client_->Execute(
      "UPDATE billing_files SET content_sha256 = :sha, size_bytes = :size_bytes, "
      "version_tag = :version_tag, version_order = :version_order, status = 'loaded', "
      "rows_read = :rows_read, rows_loaded = :rows_loaded, rows_rejected = :rows_rejected, "
      "usd_total = :usd_total, finished_at = UTC_TIMESTAMP(6), error = NULL, "
      "profile = :profile, profile_sha256 = :profile_sha256 WHERE file_id = :file_id",
      {Text("sha", file.content_sha256),
       Long("size_bytes", static_cast<std::int64_t>(file.size_bytes)),
       Text("version_tag", file.version_tag), Text("version_order", file.version_order),
       Long("rows_read", static_cast<std::int64_t>(stored.rows_read)),
       Long("rows_loaded", static_cast<std::int64_t>(stored.rows_loaded)),
       Long("rows_rejected", static_cast<std::int64_t>(stored.rows_rejected)),
       Dec("usd_total", stored.usd_total), OptionalText("profile", file.profile),
       OptionalText("profile_sha256", file.settings_sha256), Long("file_id", file_id())},
      transaction_id_);
  if (!updated) return tl::unexpected(Named(updated.error(), "data-api update ledger"));
  return Ok();
}

Status DataApiSink::CommitTransaction() {
  std::string transaction = std::move(transaction_id_);
  transaction_id_.clear();
  Status committed = client_->CommitTransaction(transaction);
  if (!committed && committed.error().code != ErrorCode::kAmbiguousCommit) {
    (void)client_->RollbackTransaction(transaction);
  }
  return committed;
}

void DataApiSink::RollbackTransaction() noexcept { Rollback(); }

Status DataApiSink::UpsertFailure(const FileIdentity& file, const std::string& error) {
  // One statement, atomic on its own; a loaded version keeps every column.
  Result<ExecuteResult> done = client_->Execute(
      "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, "
      "version_tag, version_order, status, started_at, finished_at, error, profile, "
      "profile_sha256) VALUES (:source, UNHEX(:key), :sha, :size_bytes, :version_tag, "
      ":version_order, 'failed', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), :error, :profile, "
      ":profile_sha256) ON DUPLICATE KEY UPDATE "
      "error = IF(status = 'loaded', error, VALUES(error)), "
      "finished_at = IF(status = 'loaded', finished_at, UTC_TIMESTAMP(6)), "
      "content_sha256 = IF(status = 'loaded', content_sha256, VALUES(content_sha256))",
      {Text("source", file.source), Text("key", SourceKey(file.source)),
       Text("sha", file.content_sha256),
       Long("size_bytes", static_cast<std::int64_t>(file.size_bytes)),
       Text("version_tag", file.version_tag), Text("version_order", file.version_order),
       Text("error", error), OptionalText("profile", file.profile),
       OptionalText("profile_sha256", file.settings_sha256)});
  if (!done)
    return tl::unexpected(Named(done.error(), "data-api record failure of " + file.source));
  return Ok();
}

Result<std::vector<GroupTotal>> DataApiSink::Totals(GroupBy by) {
  const std::string key(GroupKeySql(by, SqlDialect::kMysql));
  Result<ExecuteResult> rows = client_->Execute(
      "SELECT " + key +
      " AS k, d.currency, COUNT(*), SUM(d.bill_amount), "
      "SUM(d.bill_amount_usd) FROM billing_data d JOIN billing_files f ON f.file_id = d.file_id "
      "WHERE f.status = 'loaded' GROUP BY k, d.currency "
      "ORDER BY CAST(k AS BINARY), CAST(d.currency AS BINARY)");
  if (!rows) return tl::unexpected(Named(rows.error(), "data-api report"));
  std::vector<GroupTotal> out;
  for (const std::vector<SqlValue>& r : rows->records) {
    BILLFLOW_TRY(CheckColumns(r, 5, Label() + ": report"));
    std::optional<Decimal> amount = StoredDecimal(AsText(r[3]), 4);
    std::optional<Decimal> usd = StoredDecimal(AsText(r[4]), 2);
    if (!amount || !usd) {
      return Fail(ErrorCode::kInvalidData, Label() + ": total \"" + AsText(r[3]) + "\" / \"" +
                                               AsText(r[4]) + "\" is not a decimal");
    }
    out.push_back(GroupTotal{AsText(r[0]), AsText(r[1]), static_cast<std::uint64_t>(AsLong(r[2])),
                             *amount, *usd});
  }
  return out;
}

Result<std::vector<StoredFile>> DataApiSink::Files() {
  Result<ExecuteResult> rows = client_->Execute(
      "SELECT file_id, source, status, rows_read, rows_loaded, rows_rejected, usd_total, "
      "COALESCE(DATE_FORMAT(finished_at, '%Y-%m-%dT%H:%i:%s.%fZ'), ''), COALESCE(error, '') "
      "FROM billing_files ORDER BY CAST(source AS BINARY)");
  if (!rows) return tl::unexpected(Named(rows.error(), "data-api list files"));
  std::vector<StoredFile> out;
  for (const std::vector<SqlValue>& r : rows->records) {
    BILLFLOW_TRY(CheckColumns(r, 9, Label() + ": list files"));
    std::string finished = AsText(r[7]);
    // Milliseconds and a Z, as the SQLite backend writes them.
    if (finished.size() > 24) finished = finished.substr(0, 23) + "Z";
    out.push_back(StoredFile{
        AsLong(r[0]), AsText(r[1]), AsText(r[2]), static_cast<std::uint64_t>(AsLong(r[3])),
        static_cast<std::uint64_t>(AsLong(r[4])), static_cast<std::uint64_t>(AsLong(r[5])),
        AsText(r[6]), std::move(finished), AsText(r[8])});
  }
  return out;
}

Result<std::vector<StoredReject>> DataApiSink::Rejects(const std::optional<std::string>& source) {
  SqlParameterSet parameters;
  if (source) parameters.push_back(Text("key", SourceKey(*source)));
  Result<ExecuteResult> rows = client_->Execute(
      std::string("SELECT f.source, r.line_number, r.reason, r.raw_line FROM billing_rejects r "
                  "JOIN billing_files f ON f.file_id = r.file_id") +
          (source ? " WHERE f.source_sha256 = UNHEX(:key)" : "") +
          " ORDER BY CAST(f.source AS BINARY), r.line_number",
      parameters);
  if (!rows) return tl::unexpected(Named(rows.error(), "data-api list rejects"));
  std::vector<StoredReject> out;
  for (const std::vector<SqlValue>& r : rows->records) {
    BILLFLOW_TRY(CheckColumns(r, 4, Label() + ": list rejects"));
    out.push_back(StoredReject{AsText(r[0]), static_cast<std::uint64_t>(AsLong(r[1])), AsText(r[2]),
                               AsText(r[3])});
  }
  return out;
}

Result<std::vector<FxRate>> DataApiSink::LoadRates() {
  Result<ExecuteResult> rows = client_->Execute(
      "SELECT currency, DATE_FORMAT(valid_from, '%Y-%m-%d'), rate_to_usd, COALESCE(source, '') "
      "FROM fx_rates ORDER BY CAST(currency AS BINARY), valid_from");
  if (!rows) return tl::unexpected(Named(rows.error(), "data-api load rates"));
  std::vector<FxRate> out;
  for (const std::vector<SqlValue>& r : rows->records) {
    BILLFLOW_TRY(CheckColumns(r, 4, Label() + ": load rates"));
    Result<FxRate> rate =
        ParseStoredRate(AsText(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]), Label());
    if (!rate) return tl::unexpected(rate.error());
    out.push_back(std::move(*rate));
  }
  return out;
}

Status DataApiSink::SaveRates(const std::vector<FxRate>& rates) {
  if (rates.empty()) return Ok();
  std::vector<SqlParameterSet> sets;
  for (const FxRate& rate : rates) {
    sets.push_back({Text("currency", rate.currency),
                    SqlParameter{"valid_from", rate.valid_from.ToString(), TypeHint::kDate},
                    Dec("rate", rate.rate_to_usd), Text("source", rate.source)});
  }
  Result<std::size_t> saved = client_->BatchExecute(
      "INSERT INTO fx_rates (currency, valid_from, rate_to_usd, source) VALUES (:currency, "
      ":valid_from, :rate, :source) ON DUPLICATE KEY UPDATE rate_to_usd = VALUES(rate_to_usd), "
      "source = VALUES(source)",
      sets);
  if (!saved) return tl::unexpected(Named(saved.error(), "data-api save rates"));
  return Ok();
}

}  // namespace billflow
