#ifndef BILLFLOW_SINKS_LEDGER_SQL_H_
#define BILLFLOW_SINKS_LEDGER_SQL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "core/decimal.h"

namespace billflow {

// The values that cross FileLedger's SQL hooks (QueryText, ExecText): the statements written
// once for every backend, their parameters and their answers.

// One parameter of a statement, typed so that each backend binds it natively (the Data API
// needs DATE and DECIMAL type hints; the others bind text that the server converts).
struct SqlArg {
  enum class Kind { kNull, kText, kBytes, kInt, kDate, kDecimal };
  Kind kind = Kind::kNull;
  std::string text;  // kText (UTF-8), kBytes (any bytes), kDate (YYYY-MM-DD), kDecimal (canonical)
  std::int64_t number = 0;  // kInt

  static SqlArg Null() { return {}; }
  static SqlArg Text(std::string_view value) { return {Kind::kText, std::string(value), 0}; }
  static SqlArg Bytes(std::string_view value) { return {Kind::kBytes, std::string(value), 0}; }
  static SqlArg Int(std::int64_t value) { return {Kind::kInt, {}, value}; }
  static SqlArg Date(const CivilDate& value) { return {Kind::kDate, value.ToString(), 0}; }
  static SqlArg Dec(const Decimal& value) { return {Kind::kDecimal, value.ToString(), 0}; }
};
using SqlArgs = std::vector<SqlArg>;

// One column of an answer row as text: its bytes for text and binary columns, decimal digits
// for numbers, nullopt for SQL NULL.
using TextCell = std::optional<std::string>;
using TextRow = std::vector<TextCell>;
using TextRows = std::vector<TextRow>;

// `rows` with NULL read as "" (for callers that COALESCE where it matters).
[[nodiscard]] std::vector<std::vector<std::string>> WithoutNulls(TextRows rows);

// What a backend's answers may hold (the RDS Data API: 1 MiB per answer, 64 KB per row). Zero
// means no limit: the shared reads then run each query once, unpaged.
struct ReadLimits {
  std::size_t page_rows = 0;    // rows per answer
  std::size_t page_bytes = 0;   // estimated encoded bytes per answer (one row always fits)
  std::size_t piece_bytes = 0;  // binary values longer than this are read in pieces this long
};

// Statements are written with PostgreSQL's placeholders `$1`…`$n` (params[0]…params[n-1]; a
// placeholder may repeat). A backend whose driver wants another form rewrites them with this:
// `?` (MySQL: `order` receives, per `?`, the index of the parameter it stands for), `?N`
// (SQLite) or `:pN` (the Data API). `$` inside a quoted literal or identifier is left alone.
enum class PlaceholderStyle { kQuestion, kQuestionNumbered, kColonNamed };
[[nodiscard]] std::string RewritePlaceholders(std::string_view sql, PlaceholderStyle style,
                                              std::vector<std::size_t>* order);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_LEDGER_SQL_H_
