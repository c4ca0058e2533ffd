#include "sinks/data_api_row_writer.h"

#include "sinks/column_values.h"
#include "sinks/data_api_values.h"

namespace billflow {
namespace {

using data_api::AsExactLong;
using data_api::Dec;
using data_api::Long;
using data_api::Named;
using data_api::OptionalText;
using data_api::Text;

constexpr char kInsertRow[] =
    "INSERT INTO billing_data (file_id, id, line_number, company_name, country, city, "
    "product_line, item, bill_date, currency, bill_amount, fx_rate, bill_amount_usd, "
    "fx_rate_date, fx_rate_source) VALUES (:file_id, :id, :line_number, :company_name, "
    ":country, :city, :product_line, :item, :bill_date, :currency, :bill_amount, :fx_rate, "
    ":bill_amount_usd, :fx_rate_date, :fx_rate_source)";
constexpr char kInsertReject[] =
    "INSERT INTO billing_rejects (file_id, line_number, reason, raw_line, retry_fields) VALUES "
    "(:file_id, :line_number, :reason, :raw_line, :retry_fields)";
// An id lookup's answer holds at most the ids it asked for, each with its line: its request's
// id JSON is kept under this, so the answer stays well under the service's 1 MiB.
constexpr std::size_t kLookupBytes = 512 * 1024;
// JSON per id in a lookup answer besides the id itself: [{"stringValue":…},{"longValue":N}],
constexpr std::size_t kLookupRowOverhead = 64;

}  // namespace

DataApiRowWriter::DataApiRowWriter(DataApiClient* client, DataApiBatchLimits limits,
                                   DuplicateFn on_duplicate)
    : client_(client), limits_(limits), on_duplicate_(std::move(on_duplicate)) {}

void DataApiRowWriter::Start(std::string transaction_id, std::int64_t file_id) {
  Clear();
  transaction_id_ = std::move(transaction_id);
  file_id_ = file_id;
}

void DataApiRowWriter::Clear() {
  rows_ = Pending{};
  pending_rows_.clear();
  pending_index_.clear();
  repeats_.clear();
  repeat_bytes_ = 0;
  rejects_ = Pending{};
}

bool DataApiRowWriter::Full(std::size_t bytes, std::size_t rows) const {
  return bytes >= limits_.max_request_bytes || rows >= limits_.max_rows_per_request;
}

Status DataApiRowWriter::Send(const char* sql, const std::vector<SqlParameterSet>& sets) {
  if (sets.empty()) return Ok();
  Result<std::size_t> sent = client_->BatchExecute(sql, sets, transaction_id_);
  ++batch_requests_;
  if (!sent) return tl::unexpected(Named(sent.error(), "data-api batch insert"));
  return Ok();
}

Status DataApiRowWriter::FlushRejects() {
  Status sent = Send(kInsertReject, rejects_.sets);
  rejects_ = Pending{};
  return sent;
}

Status DataApiRowWriter::AddReject(std::uint64_t line_number, std::string_view reason,
                                   std::string_view raw_line, std::string_view retry_fields) {
  SqlParameterSet set = {Long("file_id", file_id_), Long("line_number", AsBigint(line_number)),
                         Text("reason", reason),
                         SqlParameter{"raw_line", SqlBlob{std::string(raw_line)}, {}},
                         OptionalText("retry_fields", retry_fields)};
  // Where the next set would pass the budget, the pending ones go first.
  const std::size_t bytes = DataApiClient::ParameterSetJson(set).size() + 1;
  if (!rejects_.sets.empty() && rejects_.bytes + bytes > limits_.max_request_bytes) {
    BILLFLOW_TRY(FlushRejects());
  }
  rejects_.bytes += bytes;
  rejects_.sets.push_back(std::move(set));
  if (!Full(rejects_.bytes, rejects_.sets.size())) return Ok();
  return FlushRejects();
}

Status DataApiRowWriter::Reject(std::string_view id, std::uint64_t line_number,
                                std::uint64_t first_line, const Decimal& usd,
                                std::string_view raw_line) {
  Result<std::string> reason = on_duplicate_(id, first_line, usd);
  if (!reason) return tl::unexpected(reason.error());
  return AddReject(line_number, *reason, raw_line);
}

Status DataApiRowWriter::LookUpStoredIds() {
  std::size_t next = 0;
  while (next < pending_rows_.size()) {
    std::string sql =
        "SELECT id, line_number FROM billing_data WHERE file_id = :file_id AND id IN (";
    SqlParameterSet parameters = {Long("file_id", file_id_)};
    std::size_t bytes = 0;
    for (; next < pending_rows_.size() && bytes < kLookupBytes &&
           parameters.size() <= limits_.max_rows_per_request;
         ++next) {
      std::string name = "i" + std::to_string(parameters.size());
      if (parameters.size() > 1) sql += ", ";
      sql += ":" + name;
      parameters.push_back(Text(name, pending_rows_[next].id));
      bytes += DataApiClient::ParameterSetJson({parameters.back()}).size() + kLookupRowOverhead;
    }
    sql += ")";
    Result<ExecuteResult> found = client_->Execute(sql, parameters, transaction_id_);
    if (!found) return tl::unexpected(Named(found.error(), "data-api look up stored ids"));
    for (const std::vector<SqlValue>& record : found->records) {
      const std::string* id = record.size() == 2 ? std::get_if<std::string>(&record[0]) : nullptr;
      std::optional<std::int64_t> line = record.size() == 2 ? AsExactLong(record[1]) : std::nullopt;
      auto pending = id != nullptr ? pending_index_.find(*id) : pending_index_.end();
      if (pending == pending_index_.end() || !line || *line <= 0) {
        return Fail(ErrorCode::kInternal,
                    "data-api look up stored ids: the answer names an id that was not asked for");
      }
      pending_rows_[pending->second].stored_line = static_cast<std::uint64_t>(*line);
    }
  }
  return Ok();
}

Status DataApiRowWriter::FlushRows() {
  Status flushed = [&]() -> Status {
    if (pending_rows_.empty()) return Ok();
    BILLFLOW_TRY(LookUpStoredIds());
    std::vector<SqlParameterSet> fresh;
    fresh.reserve(rows_.sets.size());
    for (std::size_t i = 0; i < pending_rows_.size(); ++i) {
      const PendingRow& row = pending_rows_[i];
      if (row.stored_line == 0) {
        fresh.push_back(std::move(rows_.sets[i]));
        continue;
      }
      BILLFLOW_TRY(Reject(row.id, row.line_number, row.stored_line, row.usd, row.raw_line));
    }
    BILLFLOW_TRY(Send(kInsertRow, fresh));
    for (const Repeat& repeat : repeats_) {
      const PendingRow& first = pending_rows_[repeat.first];
      BILLFLOW_TRY(Reject(first.id, repeat.line_number,
                          first.stored_line != 0 ? first.stored_line : first.line_number,
                          repeat.usd, repeat.raw_line));
    }
    return Ok();
  }();
  rows_ = Pending{};
  pending_rows_.clear();
  pending_index_.clear();
  repeats_.clear();
  repeat_bytes_ = 0;
  return flushed;
}

Status DataApiRowWriter::AddRow(const BillingRecord& row) {
  auto [it, first] = pending_index_.try_emplace(std::string(row.id), pending_rows_.size());
  if (!first) {
    // Not sent: rejected once the earlier row is settled. Its raw line becomes a reject.
    repeat_bytes_ += row.raw_line.size() * 4 / 3 + 256;
    repeats_.push_back(
        Repeat{it->second, row.line_number, row.bill_amount_usd, std::string(row.raw_line)});
  } else {
    char date[10];
    row.bill_date.Format(date);
    char rate_date[10];
    row.fx_rate_date.Format(rate_date);
    SqlParameterSet set = {
        Long("file_id", file_id_),
        Text("id", row.id),
        Long("line_number", AsBigint(row.line_number)),
        Text("company_name", row.company_name),
        Text("country", row.country),
        Text("city", row.city),
        Text("product_line", row.product_line),
        Text("item", row.item),
        SqlParameter{"bill_date", std::string(date, 10), TypeHint::kDate},
        Text("currency", row.currency_code()),
        Dec("bill_amount", row.bill_amount),
        Dec("fx_rate", row.fx_rate),
        Dec("bill_amount_usd", row.bill_amount_usd),
        SqlParameter{"fx_rate_date", std::string(rate_date, 10), TypeHint::kDate},
        Text("fx_rate_source", row.fx_rate_source)};
    const std::size_t bytes = DataApiClient::ParameterSetJson(set).size() + 1;
    if (!rows_.sets.empty() && rows_.bytes + bytes > limits_.max_request_bytes) {
      // This row would pass the budget: the pending ones go first.
      pending_index_.erase(it);
      BILLFLOW_TRY(FlushRows());
      return AddRow(row);
    }
    rows_.bytes += bytes;
    rows_.sets.push_back(std::move(set));
    pending_rows_.push_back(PendingRow{std::string(row.id), row.line_number, row.bill_amount_usd,
                                       std::string(row.raw_line), 0});
  }
  if (!Full(rows_.bytes + repeat_bytes_, pending_rows_.size() + repeats_.size())) return Ok();
  return FlushRows();
}

Status DataApiRowWriter::Flush() {
  BILLFLOW_TRY(FlushRows());
  return FlushRejects();
}

}  // namespace billflow
