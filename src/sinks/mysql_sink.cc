#include "sinks/mysql_sink.h"

#include <unordered_map>

#include "core/row_validator.h"
#include "crypto/sha256.h"
#include "sinks/group_key_sql.h"
#include "sinks/mysql_connection.h"
#include "sinks/mysql_row_batch.h"
#include "sinks/mysql_schema.h"

namespace billflow {
namespace {

// Bulk path, measured, not guessed (bench/mysql_bench.sh --rows 1000000 --modes "direct staged
// insert"; MariaDB 10.11 on 127.0.0.1, 2 shared cores, 1M generated rows = 83.6 MB, 1% bad;
// wall time of the whole job: read, parse, validate, convert, load, commit; 4 MiB batches):
//   the server's own LOAD DATA LOCAL INFILE of the raw CSV (no validation)     18.9 s  1.00x
//   kLoadDirect: LOAD DATA LOCAL from memory straight into billing_data       20.0 s  1.06x
//   kInsert:     multi-row INSERT ... ON DUPLICATE KEY UPDATE, 4 MiB each     25.5 s  1.35x
//   kLoadStaged: LOAD DATA into a TEMPORARY table, then INSERT ... SELECT     37.8 s  2.00x
// Peak RSS 19-20 MiB in every mode. Direct LOAD DATA wins: the server parses tab-separated text
// with no SQL parser in the way and writes each row once; staging writes every row twice.
// LOCAL makes a duplicate key a skipped row with a warning (as if IGNORE), never an error, so
// every statement checks: records == rows sent; warnings == skipped (anything else means the
// server coerced a value: the file fails); and when rows were skipped, the skipped lines become
// `duplicate id` rejects naming the stored first line.
constexpr char kLoadDirect[] =
    "LOAD DATA LOCAL INFILE 'billflow:stream' INTO TABLE billing_data CHARACTER SET utf8mb4 "
    "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (";
constexpr char kLoadStaged[] =
    "LOAD DATA LOCAL INFILE 'billflow:stream' INTO TABLE billflow_stage CHARACTER SET utf8mb4 "
    "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (";
constexpr char kCreateStage[] =
    "CREATE TEMPORARY TABLE IF NOT EXISTS billflow_stage (id VARCHAR(64) NOT NULL, "
    "line_number BIGINT UNSIGNED NOT NULL, company_name VARCHAR(1000) NOT NULL, "
    "country VARCHAR(8) NOT NULL, city VARCHAR(1000) NOT NULL, product_line VARCHAR(1000) NOT "
    "NULL, "
    "item VARCHAR(1000) NOT NULL, bill_date DATE NOT NULL, currency CHAR(3) NOT NULL, "
    "bill_amount DECIMAL(19,4) NOT NULL, fx_rate DECIMAL(20,10) NOT NULL, "
    "bill_amount_usd DECIMAL(19,2) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=";
// A no-op update: the duplicate stays as first stored and counts 0 affected rows.
constexpr char kOnDuplicateKeep[] =
    " ON DUPLICATE KEY UPDATE line_number = billing_data.line_number";
// Rejects go out as one prepared multi-row INSERT per batch of this many bytes or rows (4
// placeholders a row, well under the protocol's 65535).
constexpr std::size_t kRejectBatchBytes = 1u << 20;
constexpr std::size_t kRejectBatchRows = 4096;
constexpr char kInsertRejects[] =
    "INSERT INTO billing_rejects (file_id, line_number, reason, raw_line) VALUES (?, ?, ?, ?)";
constexpr char kRejectPlaceholders[] = ", (?, ?, ?, ?)";
// The duplicate-id lookup binds at most this many ids a statement.
constexpr std::size_t kIdsPerLookup = 4096;
constexpr char kFindIds[] =
    "SELECT id, line_number FROM billing_data WHERE file_id = ? AND id IN (?";
constexpr char kLookup[] =
    "SELECT file_id, status, content_sha256, size_bytes, COALESCE(version_order,'') "
    "FROM billing_files WHERE source_sha256 = ?";
constexpr char kLookupForUpdate[] =
    "SELECT file_id, status, content_sha256, size_bytes, COALESCE(version_order,'') "
    "FROM billing_files WHERE source_sha256 = ? FOR UPDATE";

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

// DECIMAL text with its trailing fractional zeros dropped ("0.7900000000" -> "0.79"), as the
// rate was most likely written.
std::optional<Decimal> ShortestDecimal(std::string text) {
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return Decimal::FromString(text);
}

}  // namespace

struct MysqlSink::Impl {
  MysqlOptions options;
  std::unique_ptr<MysqlConnection> conn;
  std::string collation;
  bool in_transaction = false;
  std::string lock_name;  // held named lock ('' = none)
  std::int64_t file_id = 0;
  std::optional<LedgerEntry> existing;
  std::uint64_t duplicate_rows = 0;
  Decimal duplicate_usd{0, 2};
  MysqlRowBatch batch{MysqlRowBatch::Encoding::kTsv};
  struct QueuedReject {
    std::uint64_t line_number;
    std::string reason;
    std::string raw;
  };
  std::vector<QueuedReject> rejects;  // for billing_rejects, not yet sent
  std::size_t reject_bytes = 0;
  std::string sql;  // reused statement buffer

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
    batch.Clear();
    rejects.clear();
    reject_bytes = 0;
    Unlock();
  }

  Result<std::optional<LedgerEntry>> Lookup(const std::string& source, bool for_update) {
    const SourceKey key(source);
    auto rows = conn->Query(for_update ? kLookupForUpdate : kLookup,
                            {MysqlParam::Bytes(key.bytes())}, "read ledger");
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return std::optional<LedgerEntry>{};
    const auto& r = rows->front();
    return std::optional<LedgerEntry>{
        LedgerEntry{static_cast<std::int64_t>(ToU64(r[0])), r[1], r[2], ToU64(r[3]), r[4]}};
  }

  // One prepared INSERT for the queued rejects; only placeholders are added to the SQL text.
  Status FlushRejects() {
    if (rejects.empty()) return Ok();
    sql.assign(kInsertRejects);
    MysqlParams params;
    params.reserve(rejects.size() * 4);
    for (const QueuedReject& reject : rejects) {
      if (!params.empty()) sql.append(kRejectPlaceholders);
      params.push_back(MysqlParam::Int(file_id));
      params.push_back(MysqlParam::Int(ToInt64(reject.line_number)));
      params.push_back(MysqlParam::Text(reject.reason));
      params.push_back(MysqlParam::Bytes(reject.raw));
    }
    auto inserted = conn->Exec(sql, params, "insert rejects");
    rejects.clear();
    reject_bytes = 0;
    return inserted;
  }

  void QueueReject(std::uint64_t line_number, std::string_view reason, std::string_view raw) {
    rejects.push_back({line_number, std::string(reason), std::string(raw)});
    reject_bytes += reason.size() + raw.size() + 16;
  }
  bool RejectsFull() const {
    return reject_bytes >= kRejectBatchBytes || rejects.size() >= kRejectBatchRows;
  }

  // Sends the buffered rows in one bulk statement; rows refused as duplicate ids become rejects.
  Status FlushRows() {
    if (batch.empty()) return Ok();
    const std::string columns = std::string(kMysqlBatchColumns) + ")";
    std::uint64_t inserted = 0;
    switch (options.bulk_mode) {
      case MysqlBulkMode::kLoadDirect: {
        sql.assign(kLoadDirect)
            .append(columns)
            .append(" SET file_id = ")
            .append(std::to_string(file_id));
        auto info = conn->LoadLocal(sql, batch.data(), "load rows");
        if (!info) return tl::unexpected(info.error());
        BILLFLOW_TRY(CheckLoad(*info));
        inserted = info->inserted;
        break;
      }
      case MysqlBulkMode::kLoadStaged: {
        sql.assign(kLoadStaged).append(columns);
        auto info = conn->LoadLocal(sql, batch.data(), "load rows into staging");
        if (!info) return tl::unexpected(info.error());
        BILLFLOW_TRY(CheckLoad(*info));
        sql.assign("INSERT INTO billing_data (file_id, ")
            .append(kMysqlBatchColumns)
            .append(") SELECT ?, ");
        sql.append(kMysqlBatchColumns);
        sql.append(" FROM billflow_stage ORDER BY line_number").append(kOnDuplicateKeep);
        BILLFLOW_TRY(conn->Exec(sql, {MysqlParam::Int(file_id)}, "insert rows from staging"));
        inserted = conn->affected_rows();
        BILLFLOW_TRY(conn->Exec("DELETE FROM billflow_stage", "clear staging"));
        break;
      }
      case MysqlBulkMode::kInsert: {
        sql.assign("INSERT INTO billing_data (file_id, ")
            .append(kMysqlBatchColumns)
            .append(") VALUES ");
        sql.append(batch.data()).append(kOnDuplicateKeep);
        BILLFLOW_TRY(conn->Exec(sql, "insert rows"));
        inserted = conn->affected_rows();
        break;
      }
    }
    if (inserted > batch.size()) {
      return Fail(ErrorCode::kInternal, "mysql " + target() + ": the server stored " +
                                            std::to_string(inserted) + " rows of a batch of " +
                                            std::to_string(batch.size()));
    }
    if (inserted < batch.size()) BILLFLOW_TRY(RejectDuplicates(batch.size() - inserted));
    batch.Clear();
    return Ok();
  }

  Status CheckLoad(const MysqlLoadInfo& info) {
    if (info.records != batch.size() || info.warnings != info.skipped) {
      return Fail(ErrorCode::kInternal, "mysql " + target() + ": LOAD DATA read " +
                                            std::to_string(info.records) + " of " +
                                            std::to_string(batch.size()) + " rows with " +
                                            std::to_string(info.warnings) + " warnings for " +
                                            std::to_string(info.skipped) +
                                            " skipped rows; a value would have been "
                                            "changed, so the file is not loaded: " +
                                            conn->WarningsText());
    }
    return Ok();
  }

  // `count` rows of the batch were not stored because their id was already in the file: find
  // them by comparing the stored line of each id with the batch's line.
  Status RejectDuplicates(std::uint64_t count) {
    // The batch's ids, bound kIdsPerLookup at a time; only placeholders join the SQL text.
    MysqlRows stored;
    const auto& rows = batch.rows();
    for (std::size_t start = 0; start < rows.size(); start += kIdsPerLookup) {
      const std::size_t end = std::min(rows.size(), start + kIdsPerLookup);
      MysqlParams params;
      params.reserve(end - start + 1);
      params.push_back(MysqlParam::Int(file_id));
      sql.assign(kFindIds);
      for (std::size_t i = start; i < end; ++i) {
        if (i != start) sql.append(",?");
        params.push_back(MysqlParam::Text(batch.id(rows[i])));
      }
      sql.push_back(')');
      auto found_rows = conn->Query(sql, params, "find duplicate ids");
      if (!found_rows) return tl::unexpected(found_rows.error());
      for (auto& r : *found_rows) stored.push_back(std::move(r));
    }
    std::unordered_map<std::string_view, std::uint64_t> first_line;
    for (const auto& r : stored) first_line.emplace(r[0], ToU64(r[1]));
    std::uint64_t found = 0;
    std::string reason;
    for (const auto& row : batch.rows()) {
      const auto it = first_line.find(batch.id(row));
      if (it == first_line.end() || it->second == row.line_number) continue;
      reason.assign("duplicate id ");
      AppendQuoted(batch.id(row), &reason);
      reason.append(" (first on line ").append(std::to_string(it->second)).append(")");
      QueueReject(row.line_number, reason, batch.raw(row));
      ++duplicate_rows;
      duplicate_usd = *duplicate_usd.Add(row.usd);
      ++found;
    }
    if (found != count) {
      return Fail(ErrorCode::kInternal, "mysql " + target() + ": " + std::to_string(count) +
                                            " rows were not stored but " + std::to_string(found) +
                                            " are duplicate ids");
    }
    return Ok();
  }
};

MysqlSink::MysqlSink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MysqlSink::~MysqlSink() { impl_->Rollback(); }

std::string MysqlSink::TlsCipher() const { return impl_->conn->TlsCipher(); }

Result<std::unique_ptr<MysqlSink>> MysqlSink::Open(const MysqlOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->batch = MysqlRowBatch(options.bulk_mode == MysqlBulkMode::kInsert
                                  ? MysqlRowBatch::Encoding::kSqlValues
                                  : MysqlRowBatch::Encoding::kTsv);
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
  return std::unique_ptr<MysqlSink>(new MysqlSink(std::move(impl)));
}

Status MysqlSink::Migrate() {
  Impl& s = *impl_;
  // DDL commits implicitly in MySQL, so concurrent migrations serialize on a named lock.
  BILLFLOW_TRY(s.Lock("billflow:migrate", "migrate"));
  const auto migrated = [&]() -> Status {
    for (const std::string& statement : MysqlSchemaStatements(s.collation)) {
      BILLFLOW_TRY(s.conn->Exec(statement, "create schema"));
    }
    auto version =
        s.QueryValue("SELECT COALESCE(MAX(version), 0) FROM schema_version", "read schema_version");
    if (!version) return tl::unexpected(version.error());
    const auto current = ToU64(*version);
    if (current > static_cast<std::uint64_t>(kMysqlSchemaVersion)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "mysql " + s.target() + ": schema version " + *version +
                      " is newer than this billflow understands (" +
                      std::to_string(kMysqlSchemaVersion) + "); upgrade billflow");
    }
    if (current < static_cast<std::uint64_t>(kMysqlSchemaVersion)) {
      BILLFLOW_TRY(
          s.conn->Exec("INSERT INTO schema_version (version, applied_at) VALUES (?, "
                       "UTC_TIMESTAMP(6))",
                       {MysqlParam::Int(kMysqlSchemaVersion)}, "record schema_version"));
    }
    return Ok();
  }();
  s.Unlock();
  return migrated;
}

Result<std::optional<LedgerEntry>> MysqlSink::FindFile(const std::string& source) {
  return impl_->Lookup(source, false);
}

Result<BeginOutcome> MysqlSink::BeginFile(const FileIdentity& file) {
  Impl& s = *impl_;
  s.Rollback();
  s.duplicate_rows = 0;
  s.duplicate_usd = Decimal(0, 2);
  BILLFLOW_TRY(s.Lock(LockName(file.source), "wait for other loaders of " + file.source));
  auto opened = [&]() -> Result<BeginOutcome> {
    BILLFLOW_TRY(s.conn->Exec("START TRANSACTION", "begin"));
    s.in_transaction = true;
    auto existing = s.Lookup(file.source, true);
    if (!existing) return tl::unexpected(existing.error());
    s.existing = *existing;
    if (s.existing && s.existing->status == "loaded" && !file.version_order.empty() &&
        !s.existing->version_order.empty() && file.version_order < s.existing->version_order) {
      return BeginOutcome::kStale;
    }
    if (s.existing) {
      s.file_id = s.existing->file_id;
      const MysqlParams id = {MysqlParam::Int(s.file_id)};
      // Replacing: the new content's rows take the old ones' place in this transaction.
      BILLFLOW_TRY(
          s.conn->Exec("DELETE FROM billing_data WHERE file_id = ?", id, "delete previous rows"));
      BILLFLOW_TRY(s.conn->Exec("DELETE FROM billing_rejects WHERE file_id = ?", id,
                                "delete previous rejects"));
      BILLFLOW_TRY(
          s.conn->Exec("UPDATE billing_files SET status = 'loading', started_at = UTC_TIMESTAMP(6) "
                       "WHERE file_id = ?",
                       id, "mark ledger"));
    } else {
      const SourceKey key(file.source);
      BILLFLOW_TRY(s.conn->Exec(
          "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, "
          "version_tag, version_order, status, started_at) VALUES (?, ?, '', ?, ?, ?, 'loading', "
          "UTC_TIMESTAMP(6))",
          {MysqlParam::Text(file.source), MysqlParam::Bytes(key.bytes()),
           MysqlParam::Int(ToInt64(file.size_bytes)), MysqlParam::Text(file.version_tag),
           MysqlParam::Text(file.version_order)},
          "insert ledger"));
      s.file_id = static_cast<std::int64_t>(s.conn->last_insert_id());
    }
    if (s.options.bulk_mode == MysqlBulkMode::kLoadStaged) {
      BILLFLOW_TRY(s.conn->Exec(kCreateStage + s.collation, "create staging table"));
      BILLFLOW_TRY(s.conn->Exec("DELETE FROM billflow_stage", "clear staging"));
    }
    return BeginOutcome::kProceed;
  }();
  if (!opened || *opened == BeginOutcome::kStale) s.Rollback();
  return opened;
}

Status MysqlSink::AddRow(const BillingRecord& row) {
  Impl& s = *impl_;
  s.batch.Add(row, s.file_id);
  if (s.batch.bytes() < s.options.batch_bytes) return Ok();
  return s.FlushRows();
}

Status MysqlSink::AddReject(const RejectedRow& reject) {
  Impl& s = *impl_;
  s.QueueReject(reject.line_number, reject.reason, reject.raw_line);
  if (!s.RejectsFull()) return Ok();
  return s.FlushRejects();
}

Result<CommitResult> MysqlSink::CommitFile(const FileIdentity& file, const LoadTally& tally) {
  Impl& s = *impl_;
  if (s.existing && s.existing->status == "loaded" &&
      s.existing->content_sha256 == file.content_sha256) {
    s.Rollback();
    return CommitResult{CommitOutcome::kUnchanged, {}};
  }
  auto written = [&]() -> Result<LoadTally> {
    BILLFLOW_TRY(s.FlushRows());
    BILLFLOW_TRY(s.FlushRejects());
    LoadTally stored = tally;
    stored.rows_loaded -= s.duplicate_rows;
    stored.rows_rejected += s.duplicate_rows;
    stored.usd_total =
        *tally.usd_total.Add(Decimal(-s.duplicate_usd.units(), s.duplicate_usd.scale()));
    std::string usd;
    AppendDecimal(stored.usd_total, &usd);
    BILLFLOW_TRY(s.conn->Exec(
        "UPDATE billing_files SET content_sha256 = ?, size_bytes = ?, version_tag = ?, "
        "version_order = ?, status = 'loaded', rows_read = ?, rows_loaded = ?, "
        "rows_rejected = ?, usd_total = ?, "
        "finished_at = UTC_TIMESTAMP(6), error = NULL WHERE file_id = ?",
        {MysqlParam::Text(file.content_sha256), MysqlParam::Int(ToInt64(file.size_bytes)),
         MysqlParam::Text(file.version_tag), MysqlParam::Text(file.version_order),
         MysqlParam::Int(ToInt64(stored.rows_read)), MysqlParam::Int(ToInt64(stored.rows_loaded)),
         MysqlParam::Int(ToInt64(stored.rows_rejected)), MysqlParam::Text(usd),
         MysqlParam::Int(s.file_id)},
        "update ledger"));
    return stored;
  }();
  if (!written) {
    s.Rollback();
    return tl::unexpected(written.error());
  }
  if (auto committed = s.conn->Exec("COMMIT", "commit"); !committed) {
    s.in_transaction = false;  // the server rolled back, or the outcome is unknown
    Error error = committed.error();
    if (error.code == ErrorCode::kUnavailable) {
      // The COMMIT may or may not have reached the server: only the ledger can tell.
      error.code = ErrorCode::kAmbiguousCommit;
      error.message += "; the commit of " + file.source +
                       " may have happened: read its ledger entry before loading it again";
    }
    s.Rollback();
    return tl::unexpected(std::move(error));
  }
  s.in_transaction = false;
  s.Unlock();
  const bool replaced = s.existing && s.existing->status == "loaded";
  return CommitResult{replaced ? CommitOutcome::kReplaced : CommitOutcome::kLoaded, *written};
}

void MysqlSink::RollbackFile() noexcept { impl_->Rollback(); }

Status MysqlSink::RecordFailure(const FileIdentity& file, const std::string& error) {
  Impl& s = *impl_;
  s.Rollback();
  const SourceKey key(file.source);
  // One statement, so it is atomic on its own; a loaded version keeps every column.
  return s.conn->Exec(
      "INSERT INTO billing_files (source, source_sha256, content_sha256, size_bytes, version_tag, "
      "version_order, status, started_at, finished_at, error) VALUES (?, ?, ?, ?, ?, ?, "
      "'failed', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), ?) ON DUPLICATE KEY UPDATE "
      "error = IF(status = 'loaded', error, ?), "
      "finished_at = IF(status = 'loaded', finished_at, UTC_TIMESTAMP(6)), "
      "content_sha256 = IF(status = 'loaded', content_sha256, ?)",
      {MysqlParam::Text(file.source), MysqlParam::Bytes(key.bytes()),
       MysqlParam::Text(file.content_sha256), MysqlParam::Int(ToInt64(file.size_bytes)),
       MysqlParam::Text(file.version_tag), MysqlParam::Text(file.version_order),
       MysqlParam::Text(error), MysqlParam::Text(error), MysqlParam::Text(file.content_sha256)},
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
    auto amount = Decimal::FromString(r[3]);
    auto usd = Decimal::FromString(r[4]);
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
    FxRate rate;
    rate.currency = r[0];
    auto parsed = ShortestDecimal(r[2]);
    if (ParseCivilDate(r[1], &rate.valid_from) != DateParseError::kNone || !parsed) {
      return Fail(ErrorCode::kInvalidData, "mysql " + impl_->target() + ": fx_rates row " + r[0] +
                                               " " + r[1] + " is malformed");
    }
    rate.rate_to_usd = *parsed;
    rate.source = std::move(r[3]);
    out.push_back(std::move(rate));
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
