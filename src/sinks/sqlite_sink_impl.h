#ifndef BILLFLOW_SINKS_SQLITE_SINK_IMPL_H_
#define BILLFLOW_SINKS_SQLITE_SINK_IMPL_H_

// SqliteSink's state and its sqlite3 helpers, shared by sqlite_sink.cc (the write path and the
// ledger hooks) and sqlite_sink_reads.cc (the queries). Included by nothing else: sqlite3.h
// stays inside the adapter.
#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sinks/sqlite_sink.h"
#include "sinks/stored_values.h"

namespace billflow {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

inline ErrorCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kConflict;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      return ErrorCode::kIo;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kInvalidData;
    default:
      return ErrorCode::kDatabase;
  }
}

inline void BindText(sqlite3_stmt* stmt, int index, std::string_view text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

inline std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return text == nullptr
             ? std::string()
             : std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
}

// An empty value is stored as NULL (no profile, default settings).
inline void BindOptionalText(sqlite3_stmt* stmt, int index, std::string_view text) {
  if (text.empty()) {
    sqlite3_bind_null(stmt, index);
  } else {
    BindText(stmt, index, text);
  }
}

inline std::uint64_t ColumnU64(sqlite3_stmt* stmt, int column) {
  return static_cast<std::uint64_t>(sqlite3_column_int64(stmt, column));
}

struct SqliteSink::Impl {
  std::unique_ptr<sqlite3, DbCloser> db;
  std::string path;
  Stmt insert_row;
  Stmt insert_reject;
  Stmt find_line;
  bool in_transaction = false;

  Error Fail(std::string_view what, int rc) const {
    return Error{CodeFor(rc),
                 "sqlite " + path + ": " + std::string(what) + ": " + sqlite3_errmsg(db.get())};
  }
  Status Exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return Ok();
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return tl::unexpected(Error{CodeFor(rc), "sqlite " + path + ": " + text});
  }
  Result<Stmt> Prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(db.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return tl::unexpected(Fail("prepare", rc));
    return Stmt(stmt);
  }
  // Steps a statement that returns no rows, then resets it for reuse.
  Status StepDone(sqlite3_stmt* stmt, std::string_view what) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return tl::unexpected(Fail(what, rc));
    return Ok();
  }
  // Steps a query: true with a row, false at the end, an error otherwise (never a partial
  // answer passed off as the whole one).
  Result<bool> Next(sqlite3_stmt* stmt, std::string_view what) const {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return tl::unexpected(Fail(what, rc));
  }
  Result<std::optional<LedgerEntry>> Lookup(const std::string& source) {
    auto stmt = Prepare(
        "SELECT file_id, status, content_sha256, size_bytes, COALESCE(version_order,''), "
        "COALESCE(profile_sha256,'') FROM billing_files WHERE source = ?");
    if (!stmt) return tl::unexpected(stmt.error());
    BindText(stmt->get(), 1, source);
    const int rc = sqlite3_step(stmt->get());
    if (rc == SQLITE_DONE) return std::optional<LedgerEntry>{};
    if (rc != SQLITE_ROW) return tl::unexpected(Fail("read ledger", rc));
    LedgerEntry entry;
    entry.file_id = sqlite3_column_int64(stmt->get(), 0);
    const std::string status = ColumnText(stmt->get(), 1);
    Result<LedgerStatus> parsed = StoredLedgerStatus(status, source, "sqlite " + path);
    if (!parsed) return tl::unexpected(parsed.error());
    entry.status = *parsed;
    entry.content_sha256 = ColumnText(stmt->get(), 2);
    entry.size_bytes = ColumnU64(stmt->get(), 3);
    entry.version_order = ColumnText(stmt->get(), 4);
    entry.settings_sha256 = ColumnText(stmt->get(), 5);
    return std::optional<LedgerEntry>{std::move(entry)};
  }
  void Rollback() noexcept {
    if (!in_transaction) return;
    sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    in_transaction = false;
  }
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_SQLITE_SINK_IMPL_H_
