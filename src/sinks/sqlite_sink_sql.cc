// SqliteSink's SQL hooks (FileLedger::QueryText / ExecText): each query steps to SQLITE_DONE or
// fails; a step error is never mistaken for the end of the rows.
#include "sinks/sqlite_sink_impl.h"

namespace billflow {
namespace {

void BindArgs(sqlite3_stmt* stmt, std::span<const SqlArg> args) {
  sqlite3_clear_bindings(stmt);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const SqlArg& arg = args[i];
    const int index = static_cast<int>(i + 1);
    switch (arg.kind) {
      case SqlArg::Kind::kNull:
        sqlite3_bind_null(stmt, index);
        break;
      case SqlArg::Kind::kInt:
        sqlite3_bind_int64(stmt, index, arg.number);
        break;
      case SqlArg::Kind::kBytes:
        sqlite3_bind_blob(stmt, index, arg.text.data(), static_cast<int>(arg.text.size()),
                          SQLITE_TRANSIENT);
        break;
      case SqlArg::Kind::kText:
      case SqlArg::Kind::kDate:
      case SqlArg::Kind::kDecimal:
        // Dates and decimals are stored as their canonical text (sqlite_schema.h).
        BindText(stmt, index, arg.text);
        break;
    }
  }
}

TextCell Cell(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
      return std::nullopt;
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, column));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, column));
      return bytes == nullptr ? std::string() : std::string(bytes, size);
    }
    default:
      return ColumnText(stmt, column);
  }
}

}  // namespace

SqlDialect SqliteSink::dialect() const { return SqlDialect::kSqlite; }

Result<TextRows> SqliteSink::QueryText(std::string_view sql, std::span<const SqlArg> args,
                                       std::string_view what) {
  auto stmt =
      impl_->Prepare(RewritePlaceholders(sql, PlaceholderStyle::kQuestionNumbered, nullptr));
  if (!stmt) return tl::unexpected(stmt.error());
  BindArgs(stmt->get(), args);
  TextRows rows;
  const int columns = sqlite3_column_count(stmt->get());
  for (;;) {
    auto row = impl_->Next(stmt->get(), what);
    if (!row) return tl::unexpected(row.error());
    if (!*row) return rows;
    TextRow& out = rows.emplace_back();
    out.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) out.push_back(Cell(stmt->get(), c));
  }
}

Status SqliteSink::ExecText(std::string_view sql, std::span<const SqlArgs> sets,
                            std::string_view what) {
  Impl& s = *impl_;
  const bool own_transaction = !s.in_transaction;
  if (own_transaction) {
    BILLFLOW_TRY(s.Exec("BEGIN IMMEDIATE"));
    s.in_transaction = true;
  }
  Status done = [&]() -> Status {
    auto stmt = s.Prepare(RewritePlaceholders(sql, PlaceholderStyle::kQuestionNumbered, nullptr));
    if (!stmt) return tl::unexpected(stmt.error());
    for (const SqlArgs& set : sets) {
      BindArgs(stmt->get(), set);
      BILLFLOW_TRY(s.StepDone(stmt->get(), what));
    }
    return Ok();
  }();
  if (!own_transaction) return done;
  if (!done) {
    s.Rollback();
    return done;
  }
  s.in_transaction = false;
  return s.Exec("COMMIT");
}

}  // namespace billflow
