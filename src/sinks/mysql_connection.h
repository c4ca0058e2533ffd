#ifndef BILLFLOW_SINKS_MYSQL_CONNECTION_H_
#define BILLFLOW_SINKS_MYSQL_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sinks/ledger_sql.h"
#include "sinks/mysql_options.h"

namespace billflow {

// One result set; NULL reads as an empty string (queries COALESCE where it matters).
using MysqlRows = std::vector<std::vector<std::string>>;

// One value bound to a `?` of a prepared statement. Text and bytes are views: what they point
// at must outlive the call they are passed to.
struct MysqlParam {
  enum class Kind { kNull, kText, kBytes, kInt };
  Kind kind = Kind::kNull;
  std::string_view text;  // kText (in the connection's utf8mb4) and kBytes (binary string)
  std::int64_t number = 0;

  static MysqlParam Text(std::string_view value) { return {Kind::kText, value, 0}; }
  static MysqlParam Bytes(std::string_view value) { return {Kind::kBytes, value, 0}; }
  static MysqlParam Int(std::int64_t value) { return {Kind::kInt, {}, value}; }
  static MysqlParam Null() { return {}; }
};
using MysqlParams = std::vector<MysqlParam>;

// What the server reported for one LOAD DATA statement.
struct MysqlLoadInfo {
  std::uint64_t records = 0;   // rows read from the data
  std::uint64_t inserted = 0;  // affected rows
  std::uint64_t skipped = 0;   // rows skipped on a duplicate key (LOCAL implies IGNORE)
  std::uint64_t warnings = 0;
};

// One libmariadb connection with billflow's session settings (strict SQL mode, utf8mb4, UTC,
// READ COMMITTED). The MYSQL handle stays inside mysql_connection.cc. Not thread-safe.
//
// Errors map the server/client error number to an ErrorCode: lost connection (2002, 2003,
// 2006, 2013, 2055, 1053, 1927) and read-only after failover (1290, 1836) -> kUnavailable;
// deadlock/lock wait (1205, 1213) -> kConflict; access denied and TLS failures ->
// kPermissionDenied; anything else -> kDatabase. Messages read
// `mysql USER@HOST:PORT/DB: WHAT: SERVER TEXT (errno N)`, and never hold the password.
class MysqlConnection {
 public:
  // Connects, negotiating TLS as `options.tls` demands, then sets up the session.
  [[nodiscard]] static Result<std::unique_ptr<MysqlConnection>> Open(const MysqlOptions& options);
  ~MysqlConnection();
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  // Runs a statement that returns no rows; the affected row count is then in affected_rows().
  [[nodiscard]] Status Exec(std::string_view sql, std::string_view what);
  [[nodiscard]] Result<MysqlRows> Query(std::string_view sql, std::string_view what);
  // The same as prepared statements: `sql` holds `?` placeholders and `params` their values,
  // sent apart from the SQL text (binary protocol), so no value is ever parsed as SQL. Every
  // result column reads as text (NULL as "").
  [[nodiscard]] Status Exec(std::string_view sql, const MysqlParams& params, std::string_view what);
  [[nodiscard]] Result<MysqlRows> Query(std::string_view sql, const MysqlParams& params,
                                        std::string_view what);
  // The same as Query, with NULL kept as nullopt.
  [[nodiscard]] Result<TextRows> QueryText(std::string_view sql, const MysqlParams& params,
                                           std::string_view what);
  std::uint64_t affected_rows() const;
  std::uint64_t last_insert_id() const;

  // Runs `LOAD DATA LOCAL INFILE 'billflow:stream' ...` (`sql`) with `data` as the file's
  // bytes, served from memory by a local-infile handler. The handler refuses any other
  // request, so a hostile server cannot read local files.
  [[nodiscard]] Result<MysqlLoadInfo> LoadLocal(std::string_view sql, std::string_view data,
                                                std::string_view what);
  // First warnings of the last statement as "Level Code Message; ...".
  std::string WarningsText();

  // Appends `'text'`, escaped for the connection's character set.
  void AppendQuoted(std::string_view text, std::string* out) const;
  // Appends `X'hex'` (exact bytes, any content).
  static void AppendHex(std::string_view bytes, std::string* out);

  // Whether the session negotiated TLS, and its cipher ("" when not).
  std::string TlsCipher() const;
  const std::string& target() const { return target_; }
  // The server's version string, e.g. "10.11.6-MariaDB-0+deb12u1" or "8.0.36".
  std::string ServerVersion() const;
  bool IsMariaDb() const;

 private:
  struct Handle;
  MysqlConnection(std::unique_ptr<Handle> handle, std::string target);
  Error Failure(std::string_view what) const;
  struct Statement;
  // Prepares, binds and executes `sql`; the statement is left open for its results.
  Status Run(Statement& stmt, std::string_view sql, const MysqlParams& params,
             std::string_view what);

  std::unique_ptr<Handle> handle_;
  std::string target_;
};

// The ErrorCode for a MySQL client or server error number (see MysqlConnection).
ErrorCode MysqlErrorCode(unsigned error_number);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_MYSQL_CONNECTION_H_
