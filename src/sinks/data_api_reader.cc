#include "sinks/data_api_reader.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <utility>

#include "sinks/stored_values.h"

namespace billflow {
namespace {

// Raw lines up to this size come in the page; longer ones in pieces of this size (base64:
// 43,692 bytes of JSON, under the 64 KB row limit).
constexpr std::int64_t kRawLinePiece = 32 * 1024;

SqlParameter Text(const char* name, std::string_view value) {
  return {name, std::string(value), TypeHint::kNone};
}
SqlParameter Long(const char* name, std::int64_t value) { return {name, value, TypeHint::kNone}; }

Error Named(Error error, const std::string& what) {
  error.message = "data-api " + what + ": " + error.message;
  return error;
}

// Decodes one answer row of `table`, or says which column was wrong.
class RowDecoder {
 public:
  RowDecoder(const std::vector<SqlValue>& row, const char* table) : row_(row), table_(table) {}

  [[nodiscard]] Result<std::string> Text(std::size_t column) const {
    if (column >= row_.size()) return Bad(column, "is missing");
    const SqlValue& value = row_[column];
    if (const auto* s = std::get_if<std::string>(&value)) return *s;
    if (const auto* b = std::get_if<SqlBlob>(&value)) return b->bytes;
    if (const auto* n = std::get_if<std::int64_t>(&value)) return std::to_string(*n);
    if (std::holds_alternative<std::monostate>(value)) return std::string();
    return Bad(column, "is not text");
  }
  [[nodiscard]] Result<std::int64_t> Long(std::size_t column) const {
    if (column >= row_.size()) return Bad(column, "is missing");
    const SqlValue& value = row_[column];
    if (const auto* n = std::get_if<std::int64_t>(&value)) return *n;
    if (const auto* s = std::get_if<std::string>(&value)) {
      std::int64_t n = 0;
      auto [end, error] = std::from_chars(s->data(), s->data() + s->size(), n);
      if (error == std::errc() && end == s->data() + s->size() && !s->empty()) return n;
    }
    return Bad(column, "is not an integer");
  }
  [[nodiscard]] Result<std::uint64_t> Count(std::size_t column) const {
    Result<std::int64_t> n = Long(column);
    if (!n) return tl::unexpected(n.error());
    if (*n < 0) return Bad(column, "is negative");
    return static_cast<std::uint64_t>(*n);
  }
  // A stored decimal of exactly `scale` digits (never rounded: sinks/stored_values.h).
  [[nodiscard]] Result<Decimal> Amount(std::size_t column, int scale) const {
    Result<std::string> text = Text(column);
    if (!text) return tl::unexpected(text.error());
    std::optional<Decimal> scaled = StoredDecimal(*text, scale);
    if (!scaled) return Bad(column, "is not a decimal: \"" + *text + "\"");
    return *scaled;
  }

 private:
  tl::unexpected<Error> Bad(std::size_t column, const std::string& what) const {
    return tl::unexpected<Error>(
        Error{ErrorCode::kInvalidData, "data-api: a row of " + std::string(table_) + ": column " +
                                           std::to_string(column + 1) + " " + what});
  }
  const std::vector<SqlValue>& row_;
  const char* table_;
};

#define BILLFLOW_ASSIGN(lhs, expr)                                      \
  do {                                                                  \
    auto billflow_value = (expr);                                       \
    if (!billflow_value) return tl::unexpected(billflow_value.error()); \
    lhs = std::move(*billflow_value);                                   \
  } while (false)

}  // namespace

Result<DataApiReader::PageResult> DataApiReader::Page(const std::string& inner_sql,
                                                      std::string_view order,
                                                      const SqlParameterSet& parameters,
                                                      const std::string& what) {
  // The running sum of the rows' encoded size keeps the rows that fit (and always the first);
  // the count of the rows the page could have held tells whether another page follows.
  const std::string sql =
      "SELECT * FROM (SELECT p.*, SUM(p.row_bytes) OVER (ORDER BY " + std::string(order) +
      " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_bytes, COUNT(*) OVER () "
      "AS candidates FROM (" +
      inner_sql + " LIMIT " + std::to_string(limits_.page_rows) +
      ") p) s WHERE s.running_bytes - s.row_bytes < " + std::to_string(limits_.page_bytes) +
      " ORDER BY " + std::string(order);
  ++requests_;
  Result<ExecuteResult> page = client_->Execute(sql, parameters);
  if (!page) return tl::unexpected(Named(page.error(), what));
  PageResult result;
  if (!page->records.empty()) {
    const std::vector<SqlValue>& first = page->records.front();
    Result<std::uint64_t> candidates =
        RowDecoder(first, "a page").Count(first.empty() ? 0 : first.size() - 1);
    if (!candidates) return tl::unexpected(candidates.error());
    result.last = *candidates == page->records.size() && *candidates < limits_.page_rows;
  } else {
    result.last = true;
  }
  result.rows = std::move(page->records);
  return result;
}

Result<std::vector<GroupTotal>> DataApiReader::Totals(std::string_view group_key_sql) {
  const std::string key(group_key_sql);
  std::vector<GroupTotal> out;
  std::optional<std::pair<std::string, std::string>> after;
  for (;;) {
    SqlParameterSet parameters;
    std::string having;
    if (after) {
      having =
          " HAVING CAST(k AS BINARY) > CAST(:k AS BINARY) OR (CAST(k AS BINARY) = CAST(:k AS "
          "BINARY) AND CAST(c AS BINARY) > CAST(:c AS BINARY))";
      parameters = {Text("k", after->first), Text("c", after->second)};
    }
    Result<PageResult> page = Page(
        "SELECT g.*, COALESCE(OCTET_LENGTH(JSON_QUOTE(g.k)), 4) * 2 + 200 AS row_bytes FROM "
        "(SELECT " +
            key +
            " AS k, d.currency AS c, COUNT(*) AS n, SUM(d.bill_amount) AS "
            "amount, SUM(d.bill_amount_usd) AS usd FROM billing_data d JOIN billing_files f ON "
            "f.file_id = d.file_id WHERE f.status = 'loaded' GROUP BY k, d.currency" +
            having + ") g ORDER BY CAST(g.k AS BINARY), CAST(g.c AS BINARY)",
        "CAST(k AS BINARY), CAST(c AS BINARY)", parameters, "report");
    if (!page) return tl::unexpected(page.error());
    for (const std::vector<SqlValue>& r : page->rows) {
      RowDecoder row(r, "the report of billing_data");
      GroupTotal total;
      BILLFLOW_ASSIGN(total.key, row.Text(0));
      BILLFLOW_ASSIGN(total.currency, row.Text(1));
      BILLFLOW_ASSIGN(total.rows, row.Count(2));
      BILLFLOW_ASSIGN(total.amount_total, row.Amount(3, 4));
      BILLFLOW_ASSIGN(total.usd_total, row.Amount(4, 2));
      after = std::make_pair(total.key, total.currency);
      out.push_back(std::move(total));
    }
    if (page->last) return out;
  }
}

Result<std::vector<StoredFile>> DataApiReader::Files() {
  std::vector<StoredFile> out;
  for (;;) {
    SqlParameterSet parameters;
    std::string where;
    if (!out.empty()) {
      where = " WHERE CAST(source AS BINARY) > CAST(:after AS BINARY)";
      parameters = {Text("after", out.back().source)};
    }
    Result<PageResult> page = Page(
        "SELECT file_id, source, status, rows_read, rows_loaded, rows_rejected, usd_total, "
        "COALESCE(DATE_FORMAT(finished_at, '%Y-%m-%dT%H:%i:%s.%fZ'), '') AS finished, "
        "COALESCE(error, '') AS error_text, "
        "OCTET_LENGTH(JSON_QUOTE(source)) + OCTET_LENGTH(JSON_QUOTE(COALESCE(error, ''))) + 400 "
        "AS row_bytes FROM billing_files" +
            where + " ORDER BY CAST(source AS BINARY)",
        "CAST(source AS BINARY)", parameters, "list files");
    if (!page) return tl::unexpected(page.error());
    for (const std::vector<SqlValue>& r : page->rows) {
      RowDecoder row(r, "billing_files");
      StoredFile file;
      BILLFLOW_ASSIGN(file.file_id, row.Long(0));
      BILLFLOW_ASSIGN(file.source, row.Text(1));
      BILLFLOW_ASSIGN(file.status, row.Text(2));
      BILLFLOW_ASSIGN(file.rows_read, row.Count(3));
      BILLFLOW_ASSIGN(file.rows_loaded, row.Count(4));
      BILLFLOW_ASSIGN(file.rows_rejected, row.Count(5));
      BILLFLOW_ASSIGN(file.usd_total, row.Text(6));
      BILLFLOW_ASSIGN(file.finished_at, row.Text(7));
      // Milliseconds and a Z, as the SQLite backend writes them.
      if (file.finished_at.size() > 24) file.finished_at = file.finished_at.substr(0, 23) + "Z";
      BILLFLOW_ASSIGN(file.error, row.Text(8));
      out.push_back(std::move(file));
    }
    if (page->last) return out;
  }
}

Result<std::string> DataApiReader::LongRawLine(std::int64_t file_id, std::int64_t line_number,
                                               std::int64_t bytes) {
  std::string raw;
  for (std::int64_t from = 1; from <= bytes; from += kRawLinePiece) {
    ++requests_;
    Result<ExecuteResult> piece = client_->Execute(
        "SELECT SUBSTRING(raw_line, :from, " + std::to_string(kRawLinePiece) +
            ") FROM billing_rejects WHERE file_id = :file_id AND line_number = :line",
        {Long("from", from), Long("file_id", file_id), Long("line", line_number)});
    if (!piece) return tl::unexpected(Named(piece.error(), "read a long reject line"));
    if (piece->records.size() != 1) {
      return Fail(ErrorCode::kInvalidData, "data-api: reject line " + std::to_string(line_number) +
                                               " went away while it was read");
    }
    Result<std::string> text = RowDecoder(piece->records[0], "billing_rejects").Text(0);
    if (!text) return tl::unexpected(text.error());
    raw += *text;
  }
  return raw;
}

Result<std::vector<StoredReject>> DataApiReader::Rejects(
    const std::optional<std::string>& source, const std::optional<std::string>& source_key) {
  // Sources by file_id; rejects page by their PRIMARY KEY (file_id, line_number).
  std::unordered_map<std::int64_t, std::string> sources;
  if (!source) {
    Result<std::vector<StoredFile>> files = Files();
    if (!files) return tl::unexpected(files.error());
    for (StoredFile& file : *files) sources.emplace(file.file_id, std::move(file.source));
  }
  std::vector<StoredReject> out;
  std::vector<std::int64_t> file_ids;
  std::optional<std::pair<std::int64_t, std::int64_t>> after;
  for (;;) {
    SqlParameterSet parameters;
    std::string where = " WHERE 1 = 1";
    if (source_key) {
      where +=
          " AND r.file_id = (SELECT file_id FROM billing_files WHERE source_sha256 = "
          "UNHEX(:key))";
      parameters.push_back(Text("key", *source_key));
    }
    if (after) {
      where += " AND (r.file_id > :f OR (r.file_id = :f AND r.line_number > :l))";
      parameters.push_back(Long("f", after->first));
      parameters.push_back(Long("l", after->second));
    }
    const std::string piece = std::to_string(kRawLinePiece);
    Result<PageResult> page = Page(
        "SELECT r.file_id AS f, r.line_number AS l, r.reason AS reason, IF(OCTET_LENGTH("
        "r.raw_line) > " +
            piece +
            ", NULL, r.raw_line) AS raw, OCTET_LENGTH(r.raw_line) AS "
            "raw_bytes, OCTET_LENGTH(JSON_QUOTE(r.reason)) + 4 * CEIL(LEAST(OCTET_LENGTH("
            "r.raw_line), " +
            piece + ") / 3) + 200 AS row_bytes FROM billing_rejects r" + where + " ORDER BY f, l",
        "f, l", parameters, "list rejects");
    if (!page) return tl::unexpected(page.error());
    for (const std::vector<SqlValue>& r : page->rows) {
      RowDecoder row(r, "billing_rejects");
      std::int64_t file_id = 0;
      std::int64_t line = 0;
      std::int64_t raw_bytes = 0;
      StoredReject reject;
      BILLFLOW_ASSIGN(file_id, row.Long(0));
      BILLFLOW_ASSIGN(line, row.Long(1));
      BILLFLOW_ASSIGN(reject.line_number, row.Count(1));
      BILLFLOW_ASSIGN(reject.reason, row.Text(2));
      BILLFLOW_ASSIGN(raw_bytes, row.Long(4));
      if (raw_bytes > kRawLinePiece) {
        BILLFLOW_ASSIGN(reject.raw_line, LongRawLine(file_id, line, raw_bytes));
      } else {
        BILLFLOW_ASSIGN(reject.raw_line, row.Text(3));
      }
      if (source) {
        reject.source = *source;
      } else if (auto it = sources.find(file_id); it != sources.end()) {
        reject.source = it->second;
      } else {
        return Fail(ErrorCode::kInvalidData, "data-api: billing_rejects has rows of file_id " +
                                                 std::to_string(file_id) +
                                                 ", which billing_files does not list");
      }
      after = std::make_pair(file_id, line);
      out.push_back(std::move(reject));
    }
    if (page->last) break;
  }
  std::stable_sort(out.begin(), out.end(), [](const StoredReject& a, const StoredReject& b) {
    if (a.source != b.source) return a.source < b.source;
    return a.line_number < b.line_number;
  });
  return out;
}

Result<std::vector<FxRate>> DataApiReader::Rates() {
  std::vector<FxRate> out;
  for (;;) {
    SqlParameterSet parameters;
    std::string where;
    if (!out.empty()) {
      where = " WHERE currency > :c OR (currency = :c AND valid_from > :d)";
      parameters = {Text("c", out.back().currency),
                    SqlParameter{"d", out.back().valid_from.ToString(), TypeHint::kDate}};
    }
    Result<PageResult> page = Page(
        "SELECT currency AS c, DATE_FORMAT(valid_from, '%Y-%m-%d') AS d, rate_to_usd AS r, "
        "COALESCE(source, '') AS s, valid_from AS v, OCTET_LENGTH(JSON_QUOTE(COALESCE(source, "
        "''))) + 200 AS row_bytes FROM fx_rates" +
            where + " ORDER BY c, v",
        "c, v", parameters, "load rates");
    if (!page) return tl::unexpected(page.error());
    for (const std::vector<SqlValue>& r : page->rows) {
      RowDecoder row(r, "fx_rates");
      std::string currency;
      std::string date;
      std::string value;
      std::string source;
      BILLFLOW_ASSIGN(currency, row.Text(0));
      BILLFLOW_ASSIGN(date, row.Text(1));
      BILLFLOW_ASSIGN(value, row.Text(2));
      BILLFLOW_ASSIGN(source, row.Text(3));
      Result<FxRate> rate =
          ParseStoredRate(currency, date, value, source, "data-api " + client_->target().database);
      if (!rate) return tl::unexpected(rate.error());
      out.push_back(std::move(*rate));
    }
    if (page->last) return out;
  }
}

Status DataApiReader::SaveRates(const std::vector<FxRate>& rates) {
  constexpr char kUpsert[] =
      "INSERT INTO fx_rates (currency, valid_from, rate_to_usd, source) VALUES (:currency, "
      ":valid_from, :rate, :source) ON DUPLICATE KEY UPDATE rate_to_usd = VALUES(rate_to_usd), "
      "source = VALUES(source)";
  // Requests of parameter sets within the budget.
  std::vector<std::vector<SqlParameterSet>> requests;
  std::size_t bytes = 0;
  for (const FxRate& rate : rates) {
    SqlParameterSet set = {Text("currency", rate.currency),
                           SqlParameter{"valid_from", rate.valid_from.ToString(), TypeHint::kDate},
                           SqlParameter{"rate", rate.rate_to_usd.ToString(), TypeHint::kDecimal},
                           Text("source", rate.source)};
    const std::size_t set_bytes = DataApiClient::ParameterSetJson(set).size() + 1;
    if (requests.empty() || bytes + set_bytes > limits_.max_request_bytes) {
      requests.emplace_back();
      bytes = 0;
    }
    bytes += set_bytes;
    requests.back().push_back(std::move(set));
  }
  if (requests.empty()) return Ok();
  if (requests.size() == 1) {
    // One statement, atomic on its own.
    ++requests_;
    Result<std::size_t> sent = client_->BatchExecute(kUpsert, requests.front());
    if (!sent) return tl::unexpected(Named(sent.error(), "save rates"));
    return Ok();
  }
  // Several requests: one transaction, so that an import is stored whole or not at all.
  Result<std::string> transaction = client_->BeginTransaction();
  if (!transaction) return tl::unexpected(Named(transaction.error(), "save rates"));
  for (const std::vector<SqlParameterSet>& sets : requests) {
    ++requests_;
    Result<std::size_t> sent = client_->BatchExecute(kUpsert, sets, *transaction);
    if (!sent) {
      (void)client_->RollbackTransaction(*transaction);
      return tl::unexpected(Named(sent.error(), "save rates"));
    }
  }
  Status committed = client_->CommitTransaction(*transaction);
  if (!committed) return tl::unexpected(Named(committed.error(), "save rates (commit)"));
  return Ok();
}

#undef BILLFLOW_ASSIGN

}  // namespace billflow
