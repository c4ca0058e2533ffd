#include "sinks/ledger_read_sql.h"

#include "sinks/stored_values.h"

namespace billflow {
namespace {

// `expr` compared and ordered byte by byte. SQLite's default collation (BINARY) already does;
// MySQL compares a computed string under the connection's collation, hence the cast;
// PostgreSQL under the database's locale, hence "C".
std::string ByteOrder(SqlDialect dialect, const std::string& expr) {
  switch (dialect) {
    case SqlDialect::kSqlite:
      return expr;
    case SqlDialect::kMysql:
      return "CAST(" + expr + " AS BINARY)";
    case SqlDialect::kPostgres:
      return "(" + expr + ") COLLATE \"C\"";
  }
  return expr;
}

// The length of `text` as the Data API's JSON answer encodes it (quotes and escapes).
std::string JsonBytes(SqlDialect dialect, const std::string& text) {
  switch (dialect) {
    case SqlDialect::kSqlite:
      return "length(CAST(json_quote(" + text + ") AS BLOB))";
    case SqlDialect::kMysql:
      return "OCTET_LENGTH(JSON_QUOTE(" + text + "))";
    case SqlDialect::kPostgres:
      return "octet_length(to_json(" + text + ")::text)";
  }
  return "0";
}

// The length in bytes of a binary column (SQLite's length() counts characters of text).
std::string Octets(SqlDialect dialect, const std::string& blob) {
  switch (dialect) {
    case SqlDialect::kSqlite:
      return "length(CAST(" + blob + " AS BLOB))";
    case SqlDialect::kMysql:
      return "OCTET_LENGTH(" + blob + ")";
    case SqlDialect::kPostgres:
      return "octet_length(" + blob + ")";
  }
  return "0";
}

// SQLite's two-argument min() is the others' LEAST().
std::string Least(SqlDialect dialect, const std::string& a, const std::string& b) {
  return (dialect == SqlDialect::kSqlite ? "min(" : "LEAST(") + a + ", " + b + ")";
}

std::string KeyExpr(SqlDialect dialect, const KeysetRead& read, const ReadKey& key,
                    std::string_view alias) {
  std::string column = std::string(alias) + "." + std::string(read.columns[key.column]);
  return key.kind == ReadKey::Kind::kComputedText ? ByteOrder(dialect, column) : column;
}

std::string OrderBy(SqlDialect dialect, const KeysetRead& read, std::string_view alias) {
  std::string out;
  for (const ReadKey& key : read.key) {
    if (!out.empty()) out += ", ";
    out += KeyExpr(dialect, read, key, alias);
  }
  return out;
}

// (k1, k2, …) > (after1, after2, …), spelled out: a row-value comparison would not take the
// byte order of KeyExpr. The column side alone decides it: MySQL compares binary if either
// side is binary, PostgreSQL takes the explicit collation.
std::string AfterKey(SqlDialect dialect, const KeysetRead& read, std::size_t first_param,
                     std::size_t i) {
  const std::string column = KeyExpr(dialect, read, read.key[i], "b");
  const std::string param = "$" + std::to_string(first_param + i);
  if (i + 1 == read.key.size()) return column + " > " + param;
  return "(" + column + " > " + param + " OR (" + column + " = " + param + " AND " +
         AfterKey(dialect, read, first_param, i + 1) + "))";
}

// fx_rates' columns as RatesRead names them. SQLite stores dates as text already; the others
// format their DATE column. v, the stored column itself, is the key, so that a page starts on
// the primary key index.
std::string RateColumns(SqlDialect dialect) {
  std::string date = "valid_from";
  if (dialect == SqlDialect::kMysql) date = "DATE_FORMAT(valid_from, '%Y-%m-%d')";
  if (dialect == SqlDialect::kPostgres) date = "to_char(valid_from, 'YYYY-MM-DD')";
  return "currency, " + date + " AS valid_date, rate_to_usd, source, valid_from AS v";
}

}  // namespace

std::string PageSql(SqlDialect dialect, const KeysetRead& read, const ReadLimits& limits,
                    bool after_key) {
  std::string where;
  if (after_key) where = " WHERE " + AfterKey(dialect, read, read.args.size() + 1, 0);
  if (limits.page_rows == 0) {
    return "SELECT * FROM (" + read.base + ") b" + where + " ORDER BY " +
           OrderBy(dialect, read, "b");
  }
  // The running sum of the rows' estimated size keeps the rows that fit (and always the
  // first: an estimate over a NULL counts 0, so no row is ever left out unseen); the count of the
  // rows the page could have held tells whether another follows.
  return "SELECT * FROM (SELECT p.*, SUM(p.row_bytes) OVER (ORDER BY " +
         OrderBy(dialect, read, "p") +
         " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_bytes, COUNT(*) OVER "
         "() AS candidates FROM (SELECT b.*, COALESCE(" +
         read.row_bytes + ", 0) AS row_bytes FROM (" + read.base + ") b" + where + " ORDER BY " +
         OrderBy(dialect, read, "b") + " LIMIT " + std::to_string(limits.page_rows) +
         ") p) s WHERE s.running_bytes - s.row_bytes < " + std::to_string(limits.page_bytes) +
         " ORDER BY " + OrderBy(dialect, read, "s");
}

KeysetRead TotalsRead(SqlDialect dialect, GroupBy by) {
  // SQLite's SUM adds 64-bit integers or doubles; billflow_sum adds the stored decimal text in
  // 128 bits (sqlite_decimal_sum.h). MySQL's and PostgreSQL's SUM over DECIMAL is exact.
  const std::string sum = dialect == SqlDialect::kSqlite ? "billflow_sum" : "SUM";
  KeysetRead read;
  read.base =
      "SELECT " + std::string(GroupKeySql(by, dialect)) +
      " AS group_key, d.currency AS currency, COUNT(*) AS row_count, " + sum +
      "(d.bill_amount) AS sum_bill_amount, " + sum +
      "(d.bill_amount_usd) AS sum_bill_amount_usd FROM billing_data d JOIN billing_files f ON "
      "f.file_id = d.file_id WHERE f.status = 'loaded' GROUP BY 1, 2";
  read.table = "billing_data";
  read.columns = {"group_key", "currency", "row_count", "sum_bill_amount", "sum_bill_amount_usd"};
  read.key = {{0, ReadKey::Kind::kComputedText}, {1, ReadKey::Kind::kComputedText}};
  read.row_bytes = JsonBytes(dialect, "b.group_key") + " * 2 + 200";
  return read;
}

KeysetRead FilesRead(SqlDialect dialect) {
  // Milliseconds and a Z, as SQLite stores finished_at.
  std::string finished = "finished_at";
  if (dialect == SqlDialect::kMysql) {
    finished = "CONCAT(LEFT(DATE_FORMAT(finished_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')";
  } else if (dialect == SqlDialect::kPostgres) {
    finished = "to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
  }
  KeysetRead read;
  read.base = "SELECT file_id, source, status, rows_read, rows_loaded, rows_rejected, usd_total, " +
              finished + " AS finished_at, error FROM billing_files";
  read.table = "billing_files";
  read.columns = {"file_id",       "source",    "status",      "rows_read", "rows_loaded",
                  "rows_rejected", "usd_total", "finished_at", "error"};
  read.key = {{1, ReadKey::Kind::kText}};
  read.row_bytes = JsonBytes(dialect, "b.source") + " + " +
                   JsonBytes(dialect, "COALESCE(b.error, '')") + " + 400";
  return read;
}

KeysetRead RejectsRead(SqlDialect dialect, const std::optional<std::string>& source,
                       std::size_t piece_bytes) {
  const std::string octets = Octets(dialect, "r.raw_line");
  const std::string raw = piece_bytes == 0
                              ? "r.raw_line"
                              : "CASE WHEN " + octets + " > " + std::to_string(piece_bytes) +
                                    " THEN NULL ELSE r.raw_line END";
  KeysetRead read;
  read.base = "SELECT f.source, r.line_number, r.reason, " + raw + " AS raw_line, " + octets +
              " AS raw_bytes, r.file_id FROM billing_rejects r JOIN billing_files f ON "
              "f.file_id = r.file_id";
  if (source) {
    // MySQL's unique key is SHA-256(source) (a TEXT column cannot be one).
    if (dialect == SqlDialect::kMysql) {
      read.base += " WHERE f.source_sha256 = UNHEX($1)";
      read.args.push_back(SqlArg::Text(SourceSha256Hex(*source)));
    } else {
      read.base += " WHERE f.source = $1";
      read.args.push_back(SqlArg::Text(*source));
    }
  }
  read.table = "billing_rejects";
  read.columns = {"source", "line_number", "reason", "raw_line", "raw_bytes", "file_id"};
  read.key = {{0, ReadKey::Kind::kText}, {1, ReadKey::Kind::kInt}};
  const std::string piece = std::to_string(piece_bytes == 0 ? 1 : piece_bytes);
  // base64 of the raw line's bytes in the answer (4 per 3).
  read.row_bytes = JsonBytes(dialect, "b.source") + " + " + JsonBytes(dialect, "b.reason") +
                   " + 4 * (" + Least(dialect, "b.raw_bytes", piece) + " + 2) / 3 + 200";
  return read;
}

std::string RejectPieceSql(SqlDialect dialect, std::size_t piece_bytes) {
  // substr() takes a binary value and 1-based positions on all three dialects. PostgreSQL has
  // only substr(bytea, integer, integer), and the Data API binds a longValue as bigint.
  const std::string from = dialect == SqlDialect::kPostgres ? "CAST($1 AS integer)" : "$1";
  return "SELECT substr(raw_line, " + from + ", " + std::to_string(piece_bytes) +
         ") FROM billing_rejects WHERE file_id = $2 AND line_number = $3";
}

KeysetRead RatesRead(SqlDialect dialect, const std::optional<std::string>& currency) {
  KeysetRead read;
  read.base = "SELECT " + RateColumns(dialect) + " FROM fx_rates";
  if (currency) {
    // A range of the primary key (currency, valid_from).
    read.base += " WHERE currency = $1";
    read.args.push_back(SqlArg::Text(*currency));
  }
  read.table = "fx_rates";
  read.columns = {"currency", "valid_from", "rate_to_usd", "source", "v"};
  read.key = {{0, ReadKey::Kind::kText}, {4, ReadKey::Kind::kDate}};
  read.row_bytes = JsonBytes(dialect, "COALESCE(b.source, '')") + " + 200";
  return read;
}

KeysetRead WindowRatesRead(SqlDialect dialect, const std::string& currency,
                           const RateWindow& window) {
  KeysetRead read = RatesRead(dialect, currency);
  // Two ranges of the primary key (currency, valid_from): the window's, and one step back
  // from its start. Written as one bound (valid_from >= the latest before the window) MariaDB
  // would scan the currency's history from its first rate, using only the constant bound.
  const std::string columns = RateColumns(dialect);
  read.base = "SELECT " + columns +
              " FROM fx_rates WHERE currency = $1 AND valid_from >= $2 AND valid_from <= $3 "
              "UNION ALL SELECT * FROM (SELECT " +
              columns +
              " FROM fx_rates WHERE currency = $1 AND valid_from < $2 ORDER BY valid_from DESC "
              "LIMIT 1) c";
  read.args.push_back(SqlArg::Date(window.first));
  read.args.push_back(SqlArg::Date(window.last));
  return read;
}

std::string_view AnyRateSql() { return "SELECT 1 FROM fx_rates LIMIT 1"; }

std::string_view UpsertRateSql(SqlDialect dialect) {
  switch (dialect) {
    case SqlDialect::kSqlite:
      return "INSERT INTO fx_rates (currency, valid_from, rate_to_usd, source) VALUES ($1, $2, "
             "$3, $4) ON CONFLICT (currency, valid_from) DO UPDATE SET rate_to_usd = "
             "excluded.rate_to_usd, source = excluded.source";
    case SqlDialect::kMysql:
      return "INSERT INTO fx_rates (currency, valid_from, rate_to_usd, source) VALUES ($1, $2, "
             "$3, $4) ON DUPLICATE KEY UPDATE rate_to_usd = VALUES(rate_to_usd), source = "
             "VALUES(source)";
    case SqlDialect::kPostgres:
      return "INSERT INTO fx_rates (currency, valid_from, rate_to_usd, source) VALUES ($1, $2, "
             "$3, $4) ON CONFLICT (currency, valid_from) DO UPDATE SET rate_to_usd = "
             "EXCLUDED.rate_to_usd, source = EXCLUDED.source";
  }
  return {};
}

}  // namespace billflow
