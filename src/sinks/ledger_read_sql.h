#ifndef BILLFLOW_SINKS_LEDGER_READ_SQL_H_
#define BILLFLOW_SINKS_LEDGER_READ_SQL_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fx_rate_table.h"
#include "core/group_total.h"
#include "sinks/group_key_sql.h"
#include "sinks/ledger_sql.h"

namespace billflow {

// The SQL of the ledger's shared reads and writes (FileLedger's Totals, Files, Rejects,
// LoadRates, SaveRates), per dialect. Where dialects differ, the function says why. It never
// contains user data: values are parameters ($1…, sinks/ledger_sql.h).

// A column of a read's unique ordering key.
struct ReadKey {
  enum class Kind {
    kText,          // a stored text column: its collation orders it byte by byte in every schema
    kComputedText,  // a computed text value: ordered and compared as bytes explicitly
    kInt,
    kDate,  // ISO text in the answer (every backend's session answers dates as YYYY-MM-DD)
  };
  std::size_t column = 0;  // index in KeysetRead::columns
  Kind kind = Kind::kText;
};

// One read: `base` is a SELECT whose output columns are named `columns`, without ORDER BY;
// it is ordered by `key` (unique) and, on a backend whose answers are limited, read in pages
// by key (keyset paging), each page's size estimated by `row_bytes`, an SQL expression over
// the columns of alias `b` giving the row's encoded size.
struct KeysetRead {
  std::string base;
  SqlArgs args;       // $1… of base
  std::string table;  // for error messages: "billing_files"
  std::vector<std::string_view> columns;
  std::vector<ReadKey> key;
  std::string row_bytes;
};

// The statement that reads one page of `read` (all of it when `limits.page_rows` is 0). With
// `after_key`, the page starts after the key whose values are the parameters following
// read.args. A paged answer's rows end with three more columns: row_bytes, running_bytes and
// the number of candidate rows (all rows the page could have held) — the last page is the one
// with fewer candidates than limits.page_rows.
[[nodiscard]] std::string PageSql(SqlDialect dialect, const KeysetRead& read,
                                  const ReadLimits& limits, bool after_key);

// Sums of loaded rows by `by` and currency: group_key, currency, row_count, sum_bill_amount,
// sum_bill_amount_usd.
[[nodiscard]] KeysetRead TotalsRead(SqlDialect dialect, GroupBy by);
// billing_files by source: file_id, source, status, rows_read, rows_loaded, rows_rejected,
// usd_total, finished_at (YYYY-MM-DDTHH:MM:SS.mmmZ or NULL), error.
[[nodiscard]] KeysetRead FilesRead(SqlDialect dialect);
// billing_rejects with their source, of `source` or of all, by source and line: source,
// line_number, reason, raw_line, raw_bytes, file_id. With `piece_bytes` > 0, raw_line is NULL
// when longer than that (RejectPieceSql reads it).
[[nodiscard]] KeysetRead RejectsRead(SqlDialect dialect, const std::optional<std::string>& source,
                                     std::size_t piece_bytes);
// Bytes $1 … $1 + piece_bytes - 1 (1-based) of the raw line of file $2, line $3; $1 may be
// bound as a 64-bit integer (the Data API's longValue) on every dialect.
[[nodiscard]] std::string RejectPieceSql(SqlDialect dialect, std::size_t piece_bytes);
// fx_rates by currency and date, all or those of `currency`: currency, valid_date (YYYY-MM-DD),
// rate_to_usd, source, v (valid_from as stored).
[[nodiscard]] KeysetRead RatesRead(SqlDialect dialect,
                                   const std::optional<std::string>& currency = std::nullopt);
// The fx_rates of `currency` in `window` (Database::LoadCurrencyRates): those with valid_from
// in [window.first, window.last] and the latest before window.first, with RatesRead's columns.
[[nodiscard]] KeysetRead WindowRatesRead(SqlDialect dialect, const std::string& currency,
                                         const RateWindow& window);
// One row when fx_rates holds any rate, none when it is empty (every dialect).
[[nodiscard]] std::string_view AnyRateSql();
// Upserts one rate by (currency, valid_from): $1 currency, $2 valid_from (date), $3 rate
// (decimal), $4 source.
[[nodiscard]] std::string_view UpsertRateSql(SqlDialect dialect);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_LEDGER_READ_SQL_H_
