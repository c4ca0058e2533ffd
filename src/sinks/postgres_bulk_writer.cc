#include "sinks/postgres_bulk_writer.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "core/backslash_escape.h"
#include "sinks/column_values.h"
#include "sinks/pg_copy_binary.h"

namespace billflow {
namespace {

// The columns of a kCopyBinary row: file_id, then kBulkBatchColumns.
constexpr char kCopyRows[] =
    "COPY billing_data (file_id, id, line_number, company_name, country, city, product_line, "
    "item, bill_date, currency, bill_amount, fx_rate, bill_amount_usd, fx_rate_date, "
    "fx_rate_source) FROM STDIN WITH (FORMAT binary)";
constexpr char kCopyStage[] =
    "COPY billflow_stage (file_id, id, line_number, company_name, country, city, product_line, "
    "item, bill_date, currency, bill_amount, fx_rate, bill_amount_usd, fx_rate_date, "
    "fx_rate_source) FROM STDIN WITH (FORMAT binary)";
constexpr char kCopyRejects[] =
    "COPY billing_rejects (file_id, line_number, reason, raw_line, retry_fields) FROM STDIN";
// The staging table lives for the session; its rows for the transaction.
constexpr char kCreateStage[] =
    "CREATE TEMPORARY TABLE IF NOT EXISTS billflow_stage (LIKE billing_data) "
    "ON COMMIT DELETE ROWS";
// The first line of an id wins, as on every backend.
constexpr char kInsertStaged[] =
    "INSERT INTO billing_data SELECT * FROM billflow_stage ORDER BY line_number "
    "ON CONFLICT (file_id, id) DO NOTHING";
// The stored line of each staged id, looked up one staged row at a time through the primary
// key: a subquery in the select list stays a per-row index probe, where a join was planned as a
// scan of all of billing_data (the file's own rows, uncounted by statistics until commit): 44 s of
// a 10M-row load (9 suspect batches, 2.7-7.1 s each, growing with the table).
constexpr char kFindDuplicates[] =
    "SELECT line_number, stored FROM (SELECT s.line_number, (SELECT d.line_number FROM "
    "billing_data d WHERE d.file_id = s.file_id AND d.id = s.id) AS stored FROM billflow_stage s) "
    "AS staged WHERE stored <> line_number ORDER BY line_number";
constexpr std::size_t kRejectCopyBytes = 1U << 20;
// Rows sent to an open COPY at a time.
constexpr std::size_t kStreamBytes = 64U << 10;
// 128 Mi bits (16 MiB) and 3 probes: false positives (rows staged needlessly) about 0.001% of the
// rows at 1M ids per file, 0.8% at 10M. Half of it (5% at 10M) cost a 10M-row load 9 s of 56 s;
// the peak RSS at 10M is 54 MiB with it.
constexpr std::size_t kFilterWords = (128U << 20) / 64;
constexpr int kFilterProbes = 3;

void AppendHexBytea(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out->append("\\\\x");  // COPY text unescapes "\\x" to the bytea input "\x"
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out->push_back(kDigits[b >> 4]);
    out->push_back(kDigits[b & 15]);
  }
}

}  // namespace

PostgresBulkWriter::PostgresBulkWriter(PgConnection* conn, std::size_t batch_bytes,
                                       DuplicateFn on_duplicate)
    : conn_(conn), batch_bytes_(batch_bytes), on_duplicate_(std::move(on_duplicate)) {}

void PostgresBulkWriter::Start() {
  Clear();
  std::fill(seen_.begin(), seen_.end(), 0);
}

bool PostgresBulkWriter::MaybeSeen(std::string_view id) const {
  if (seen_.empty()) return false;
  const std::size_t hash = std::hash<std::string_view>{}(id);
  const std::size_t step = (hash >> 32) | 1;
  for (int i = 0; i < kFilterProbes; ++i) {
    const std::size_t bit = (hash + static_cast<std::size_t>(i) * step) % (kFilterWords * 64);
    if ((seen_[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

void PostgresBulkWriter::AddSeen(std::string_view id) {
  if (seen_.empty()) seen_.assign(kFilterWords, 0);
  const std::size_t hash = std::hash<std::string_view>{}(id);
  const std::size_t step = (hash >> 32) | 1;
  for (int i = 0; i < kFilterProbes; ++i) {
    const std::size_t bit = (hash + static_cast<std::size_t>(i) * step) % (kFilterWords * 64);
    seen_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
}

Status PostgresBulkWriter::AddRow(const BillingRecord& row, std::int64_t file_id) {
  if (MaybeSeen(row.id)) {
    suspects_.Add(row, file_id);
    if (suspects_.bytes() < batch_bytes_) return Ok();
    return FlushSuspects(file_id);
  }
  AddSeen(row.id);
  batch_.Add(row, file_id);
  if (batch_.bytes() >= batch_bytes_) return FlushRows(file_id);
  return StreamRows(false);
}

// The batch's COPY opens once kStreamBytes of it are ready and is sent as it grows, so the
// server copies while the next rows are read and converted; the batch stays buffered until the
// COPY ends, in case it meets a duplicate key.
Status PostgresBulkWriter::StreamRows(bool all) {
  if (!conn_->InCopy()) sent_ = 0;
  const std::string& data = batch_.data();
  // The trailer moves with every row: it goes last.
  const std::size_t ready = all ? data.size() : data.size() - kPgCopyBinaryTrailer.size();
  if (!all && ready - sent_ < kStreamBytes) return Ok();
  if (!conn_->InCopy()) {
    BILLFLOW_TRY(conn_->Exec("SAVEPOINT billflow_batch", "savepoint"));
    BILLFLOW_TRY(conn_->BeginCopy(kCopyRows, "copy rows"));
  }
  BILLFLOW_TRY(
      conn_->PutCopyData(std::string_view(data).substr(sent_, ready - sent_), "copy rows"));
  sent_ = ready;
  return Ok();
}

Status PostgresBulkWriter::AddReject(std::int64_t file_id, std::uint64_t line_number,
                                     std::string_view reason, std::string_view raw_line,
                                     std::string_view retry_fields) {
  QueueReject(file_id, line_number, reason, raw_line, retry_fields);
  if (rejects_.size() < kRejectCopyBytes) return Ok();
  return FlushRejects(file_id);
}

Status PostgresBulkWriter::EndCopy(std::int64_t file_id) {
  if (!conn_->InCopy()) return Ok();
  return FlushRows(file_id);
}

Status PostgresBulkWriter::Flush(std::int64_t file_id) {
  BILLFLOW_TRY(FlushSuspects(file_id));
  return FlushRejects(file_id);
}

void PostgresBulkWriter::Clear() {
  conn_->AbortCopy();
  batch_.Clear();
  suspects_.Clear();
  rejects_.clear();
}

// Suspects go after every row before them, so the first line of an id is the one stored.
Status PostgresBulkWriter::FlushSuspects(std::int64_t file_id) {
  BILLFLOW_TRY(FlushRows(file_id));
  if (suspects_.empty()) return Ok();
  BILLFLOW_TRY(FlushRowsSkippingDuplicates(file_id, suspects_));
  suspects_.Clear();
  return Ok();
}

void PostgresBulkWriter::QueueReject(std::int64_t file_id, std::uint64_t line_number,
                                     std::string_view reason, std::string_view raw,
                                     std::string_view retry_fields) {
  rejects_.append(std::to_string(file_id)).push_back('\t');
  rejects_.append(std::to_string(line_number)).push_back('\t');
  AppendBackslashEscaped(reason, kTsvEscapes, &rejects_);
  rejects_.push_back('\t');
  AppendHexBytea(raw, &rejects_);
  rejects_.push_back('\t');
  // "\N" is COPY's NULL: only rate-missing rejects carry retry fields.
  if (retry_fields.empty()) {
    rejects_.append("\\N");
  } else {
    AppendBackslashEscaped(retry_fields, kTsvEscapes, &rejects_);
  }
  rejects_.push_back('\n');
}

// The rows' COPY, if open, ends first: the connection runs one statement at a time.
Status PostgresBulkWriter::FlushRejects(std::int64_t file_id) {
  if (rejects_.empty()) return Ok();
  BILLFLOW_TRY(FlushRows(file_id));
  auto copied = conn_->CopyIn(kCopyRejects, rejects_, "copy rejects");
  rejects_.clear();
  if (!copied) return tl::unexpected(copied.error());
  return Ok();
}

Status PostgresBulkWriter::FlushRows(std::int64_t file_id) {
  if (batch_.empty()) return Ok();
  BILLFLOW_TRY(StreamRows(true));
  auto copied = conn_->EndCopy("copy rows");
  if (!copied) {
    if (copied.error().code != ErrorCode::kDuplicateKey) return tl::unexpected(copied.error());
    BILLFLOW_TRY(conn_->Exec("ROLLBACK TO SAVEPOINT billflow_batch", "roll back the batch"));
    BILLFLOW_TRY(FlushRowsSkippingDuplicates(file_id, batch_));
  } else if (*copied != batch_.size()) {
    return Fail(ErrorCode::kInternal, "postgres " + conn_->target() + ": COPY stored " +
                                          std::to_string(*copied) + " rows of a batch of " +
                                          std::to_string(batch_.size()));
  }
  BILLFLOW_TRY(conn_->Exec("RELEASE SAVEPOINT billflow_batch", "release savepoint"));
  batch_.Clear();
  return Ok();
}

// Rows that may repeat an id already stored in the file (or in `b` itself).
Status PostgresBulkWriter::FlushRowsSkippingDuplicates(std::int64_t file_id,
                                                       const BulkRowBatch& b) {
  BILLFLOW_TRY(conn_->Exec(kCreateStage, "create staging table"));
  BILLFLOW_TRY(conn_->Exec("TRUNCATE billflow_stage", "clear staging"));
  auto staged = conn_->CopyIn(kCopyStage, b.data(), "copy rows into staging");
  if (!staged) return tl::unexpected(staged.error());
  BILLFLOW_TRY(conn_->Exec(kInsertStaged, "insert rows from staging"));
  const std::uint64_t inserted = conn_->affected_rows();
  // Every staged row stored: the filter's false positives, no duplicate to look for.
  if (inserted == b.size()) return conn_->Exec("TRUNCATE billflow_stage", "clear staging");
  auto found = conn_->Query(kFindDuplicates, "find duplicate ids");
  if (!found) return tl::unexpected(found.error());
  const auto& rows = b.rows();
  std::uint64_t duplicates = 0;
  for (const auto& r : *found) {
    const std::uint64_t line = ServerCount(r[0]);
    const auto it = std::lower_bound(rows.begin(), rows.end(), line,
                                     [](const BulkRowBatch::Row& row, std::uint64_t wanted) {
                                       return row.line_number < wanted;
                                     });
    if (it == rows.end() || it->line_number != line) continue;
    auto reason = on_duplicate_(b.id(*it), ServerCount(r[1]), it->usd);
    if (!reason) return tl::unexpected(reason.error());
    QueueReject(file_id, line, *reason, b.raw(*it));
    ++duplicates;
  }
  if (inserted + duplicates != b.size()) {
    return Fail(ErrorCode::kInternal, "postgres " + conn_->target() + ": of a batch of " +
                                          std::to_string(b.size()) + " rows " +
                                          std::to_string(inserted) + " were stored and " +
                                          std::to_string(duplicates) + " are duplicate ids");
  }
  return conn_->Exec("TRUNCATE billflow_stage", "clear staging");
}

}  // namespace billflow
