// FileLedger's read paths and SaveRates, written once over the SQL hooks: the SQL of each
// dialect comes from sinks/ledger_read_sql.h, the decoding rule from StoredRow.
#include "sinks/file_ledger.h"
#include "sinks/stored_values.h"

namespace billflow {
namespace {

#define BILLFLOW_ASSIGN(lhs, expr)                                      \
  do {                                                                  \
    auto billflow_value = (expr);                                       \
    if (!billflow_value) return tl::unexpected(billflow_value.error()); \
    lhs = std::move(*billflow_value);                                   \
  } while (false)

const std::vector<std::string_view> kPageColumns = {"row_bytes", "running_bytes", "candidates"};

}  // namespace

Status FileLedger::ForEachRow(const KeysetRead& read, std::string_view what,
                              const std::function<Status(const TextRow&)>& each) {
  const ReadLimits limits = read_limits();
  const std::string label = Label();
  SqlArgs args = read.args;
  bool after_key = false;
  for (;;) {
    Result<TextRows> rows = QueryText(PageSql(dialect(), read, limits, after_key), args, what);
    if (!rows) return tl::unexpected(rows.error());
    if (limits.page_rows == 0) {
      for (const TextRow& row : *rows) BILLFLOW_TRY(each(row));
      return Ok();
    }
    if (rows->empty()) return Ok();
    // The page's own columns follow the read's: candidates is the last.
    const TextRow& first = rows->front();
    if (first.size() != read.columns.size() + kPageColumns.size()) {
      return Fail(ErrorCode::kInvalidData, label + ": a page of " + read.table + " has " +
                                               std::to_string(first.size()) + " columns, not " +
                                               std::to_string(read.columns.size() + 3));
    }
    const TextRow page_columns(first.end() - 3, first.end());
    Result<std::uint64_t> candidates =
        StoredRow(page_columns, label, read.table, kPageColumns).Count(2);
    if (!candidates) return tl::unexpected(candidates.error());
    for (const TextRow& row : *rows) BILLFLOW_TRY(each(row));
    if (*candidates == rows->size() && *candidates < limits.page_rows) return Ok();
    // The next page starts after the last row's key.
    const TextRow& last = rows->back();
    StoredRow key_row(last, label, read.table, read.columns);
    args = read.args;
    for (const ReadKey& key : read.key) {
      switch (key.kind) {
        case ReadKey::Kind::kInt: {
          Result<std::int64_t> value = key_row.Int(key.column);
          if (!value) return tl::unexpected(value.error());
          args.push_back(SqlArg::Int(*value));
          break;
        }
        case ReadKey::Kind::kDate: {
          Result<std::string> value = key_row.Text(key.column);
          if (!value) return tl::unexpected(value.error());
          args.push_back(SqlArg{SqlArg::Kind::kDate, std::move(*value), 0});
          break;
        }
        case ReadKey::Kind::kText:
        case ReadKey::Kind::kComputedText: {
          Result<std::string> value = key_row.Text(key.column);
          if (!value) return tl::unexpected(value.error());
          args.push_back(SqlArg::Text(*value));
          break;
        }
      }
    }
    after_key = true;
  }
}

template <typename T>
Result<std::vector<T>> FileLedger::ReadAll(
    const KeysetRead& read, std::string_view what,
    const std::function<Result<T>(const StoredRow&)>& decode) {
  const std::string label = Label();
  std::vector<T> out;
  Status done = ForEachRow(read, what, [&](const TextRow& r) -> Status {
    StoredRow row(r, label, read.table, read.columns);
    BILLFLOW_TRY(row.CheckWidth());
    Result<T> value = decode(row);
    if (!value) return tl::unexpected(value.error());
    out.push_back(std::move(*value));
    return Ok();
  });
  if (!done) return tl::unexpected(done.error());
  return out;
}

Result<std::vector<GroupTotal>> FileLedger::Totals(GroupBy by) {
  return ReadAll<GroupTotal>(TotalsRead(dialect(), by), "report",
                             [](const StoredRow& row) -> Result<GroupTotal> {
                               GroupTotal total;
                               BILLFLOW_ASSIGN(total.key, row.Text(0));
                               BILLFLOW_ASSIGN(total.currency, row.Text(1));
                               BILLFLOW_ASSIGN(total.rows, row.Count(2));
                               BILLFLOW_ASSIGN(total.amount_total, row.Amount(3, 4));
                               BILLFLOW_ASSIGN(total.usd_total, row.Amount(4, 2));
                               return total;
                             });
}

Result<std::vector<StoredFile>> FileLedger::Files() {
  return ReadAll<StoredFile>(FilesRead(dialect()), "list files",
                             [](const StoredRow& row) -> Result<StoredFile> {
                               StoredFile file;
                               BILLFLOW_ASSIGN(file.file_id, row.Int(0));
                               BILLFLOW_ASSIGN(file.source, row.Text(1));
                               BILLFLOW_ASSIGN(file.status, row.Text(2));
                               BILLFLOW_ASSIGN(file.rows_read, row.Count(3));
                               BILLFLOW_ASSIGN(file.rows_loaded, row.Count(4));
                               BILLFLOW_ASSIGN(file.rows_rejected, row.Count(5));
                               Decimal usd;
                               BILLFLOW_ASSIGN(usd, row.Amount(6, 2));
                               file.usd_total = usd.ToString();
                               BILLFLOW_ASSIGN(file.finished_at, row.NullableText(7));
                               BILLFLOW_ASSIGN(file.error, row.NullableText(8));
                               return file;
                             });
}

Result<std::vector<StoredReject>> FileLedger::Rejects(const std::optional<std::string>& source) {
  const ReadLimits limits = read_limits();
  const std::string label = Label();
  return ReadAll<StoredReject>(
      RejectsRead(dialect(), source, limits.piece_bytes), "list rejects",
      [&](const StoredRow& row) -> Result<StoredReject> {
        StoredReject reject;
        std::uint64_t raw_bytes = 0;
        BILLFLOW_ASSIGN(reject.source, row.Text(0));
        BILLFLOW_ASSIGN(reject.line_number, row.Count(1));
        BILLFLOW_ASSIGN(reject.reason, row.Text(2));
        BILLFLOW_ASSIGN(raw_bytes, row.Count(4));
        if (limits.piece_bytes == 0 || raw_bytes <= limits.piece_bytes) {
          BILLFLOW_ASSIGN(reject.raw_line, row.Text(3));
          return reject;
        }
        // Too long for one answer row: read in pieces.
        std::int64_t file_id = 0;
        BILLFLOW_ASSIGN(file_id, row.Int(5));
        const std::string sql = RejectPieceSql(dialect(), limits.piece_bytes);
        const std::vector<std::string_view> piece_columns = {"raw_line"};
        for (std::uint64_t from = 1; from <= raw_bytes; from += limits.piece_bytes) {
          const SqlArgs args = {SqlArg::Int(static_cast<std::int64_t>(from)), SqlArg::Int(file_id),
                                SqlArg::Int(static_cast<std::int64_t>(reject.line_number))};
          Result<TextRows> piece = QueryText(sql, args, "read a long reject line");
          if (!piece) return tl::unexpected(piece.error());
          if (piece->size() != 1) {
            return Fail(ErrorCode::kInvalidData,
                        label + ": billing_rejects line " + std::to_string(reject.line_number) +
                            " of " + reject.source + " went away while it was read");
          }
          std::string bytes;
          BILLFLOW_ASSIGN(
              bytes, StoredRow(piece->front(), label, "billing_rejects", piece_columns).Text(0));
          reject.raw_line += bytes;
        }
        return reject;
      });
}

Result<std::vector<FxRate>> FileLedger::LoadRates() { return ReadRates(RatesRead(dialect())); }

Result<std::vector<FxRate>> FileLedger::LoadCurrencyRates(const std::string& currency,
                                                          const RateWindow& window) {
  return ReadRates(WindowRatesRead(dialect(), currency, window));
}

Result<bool> FileLedger::HasRates() {
  Result<TextRows> rows = QueryText(AnyRateSql(), {}, "check for stored rates");
  if (!rows) return tl::unexpected(rows.error());
  return !rows->empty();
}

Result<std::vector<FxRate>> FileLedger::ReadRates(const KeysetRead& read) {
  const std::string label = Label();
  return ReadAll<FxRate>(read, "read rates", [&](const StoredRow& row) -> Result<FxRate> {
    std::string currency;
    std::string valid_from;
    std::string rate;
    std::string source;
    BILLFLOW_ASSIGN(currency, row.Text(0));
    BILLFLOW_ASSIGN(valid_from, row.Text(1));
    BILLFLOW_ASSIGN(rate, row.Text(2));
    BILLFLOW_ASSIGN(source, row.NullableText(3));
    return ParseStoredRate(currency, valid_from, rate, source, label);
  });
}

Status FileLedger::SaveRates(const std::vector<FxRate>& rates) {
  std::vector<SqlArgs> sets;
  sets.reserve(rates.size());
  for (const FxRate& rate : rates) {
    sets.push_back({SqlArg::Text(rate.currency), SqlArg::Date(rate.valid_from),
                    SqlArg::Dec(rate.rate_to_usd), SqlArg::Text(rate.source)});
  }
  if (sets.empty()) return Ok();
  return ExecText(UpsertRateSql(dialect()), sets, "save rates");
}

#undef BILLFLOW_ASSIGN

}  // namespace billflow
