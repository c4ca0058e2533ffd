#ifndef BILLFLOW_SINKS_POSTGRES_CONNECTION_H_
#define BILLFLOW_SINKS_POSTGRES_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sinks/ledger_sql.h"
#include "sinks/postgres_options.h"

namespace billflow {

// One result set, every column as text; NULL reads as "" (queries COALESCE where it matters).
using PgRows = std::vector<std::vector<std::string>>;

// One value bound to `$n`, sent apart from the SQL text. Copies what it is given.
struct PgParam {
  bool is_null = false;
  bool binary = false;  // raw bytes (for BYTEA); otherwise text in the client encoding
  std::string value;

  static PgParam Text(std::string_view text) { return {false, false, std::string(text)}; }
  static PgParam Bytes(std::string_view bytes) { return {false, true, std::string(bytes)}; }
  static PgParam Int(std::int64_t number) { return {false, false, std::to_string(number)}; }
  static PgParam Null() { return {true, false, {}}; }
};
using PgParams = std::vector<PgParam>;

// One libpq connection with billflow's session settings (UTF8, UTC, ISO dates, READ
// COMMITTED, lock_timeout). Every connection parameter is passed explicitly — sslmode,
// sslrootcert, passfile — so PG* environment variables and ~/.postgresql cannot weaken TLS or
// supply a password. The PGconn stays inside postgres_connection.cc. Not thread-safe.
//
// Errors map the SQLSTATE to an ErrorCode (see SqlstateErrorCode in core/sqlstate.h); a broken
// connection is kUnavailable. Messages read `postgres USER@HOST:PORT/DB: WHAT: SERVER TEXT
// (SQLSTATE X)` and never hold the password.
class PgConnection {
 public:
  [[nodiscard]] static Result<std::unique_ptr<PgConnection>> Open(const PostgresOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  [[nodiscard]] Status Exec(std::string_view sql, std::string_view what);
  [[nodiscard]] Status Exec(std::string_view sql, const PgParams& params, std::string_view what);
  [[nodiscard]] Result<PgRows> Query(std::string_view sql, std::string_view what);
  [[nodiscard]] Result<PgRows> Query(std::string_view sql, const PgParams& params,
                                     std::string_view what);
  // The same as Query, with NULL kept as nullopt. BYTEA columns (in both) read as their bytes.
  [[nodiscard]] Result<TextRows> QueryText(std::string_view sql, const PgParams& params,
                                           std::string_view what);
  // Rows affected by the last Exec (PQcmdTuples).
  std::uint64_t affected_rows() const { return affected_rows_; }
  // The command tag of the last Exec ("COMMIT", or "ROLLBACK" for a COMMIT of an aborted
  // transaction).
  const std::string& command_status() const { return command_status_; }

  // Runs `COPY … FROM STDIN` (`sql`) with `data` as its input; returns the rows copied.
  [[nodiscard]] Result<std::uint64_t> CopyIn(std::string_view sql, std::string_view data,
                                             std::string_view what);
  // The same in steps, so the server copies one part while the caller makes the next: between
  // BeginCopy and EndCopy (or AbortCopy) the connection runs no other statement. PutCopyData
  // blocks only while the socket is full; a server-side error (a duplicate key) shows at
  // EndCopy. AbortCopy ends an open COPY with an error, discarding what it stored (a no-op when
  // none is open).
  [[nodiscard]] Status BeginCopy(std::string_view sql, std::string_view what);
  [[nodiscard]] Status PutCopyData(std::string_view data, std::string_view what);
  [[nodiscard]] Result<std::uint64_t> EndCopy(std::string_view what);
  void AbortCopy() noexcept;
  [[nodiscard]] bool InCopy() const { return in_copy_; }

  // Whether the session is encrypted, and its cipher ("" when not).
  std::string TlsCipher() const;
  const std::string& target() const { return target_; }

 private:
  struct Handle;
  PgConnection(std::unique_ptr<Handle> handle, std::string target);
  [[nodiscard]] Result<TextRows> Run(std::string_view sql, const PgParams* params,
                                     std::string_view what, bool want_rows);

  std::unique_ptr<Handle> handle_;
  std::string target_;
  std::uint64_t affected_rows_ = 0;
  std::string command_status_;
  bool in_copy_ = false;
  bool copy_send_failed_ = false;  // PQputCopyData failed: EndCopy reports it
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_POSTGRES_CONNECTION_H_
