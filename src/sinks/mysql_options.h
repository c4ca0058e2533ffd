#ifndef BILLFLOW_SINKS_MYSQL_OPTIONS_H_
#define BILLFLOW_SINKS_MYSQL_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "sinks/server_url.h"

namespace billflow {

// How the connection to a MySQL-family server is protected. libmariadb enables neither TLS nor
// certificate checks on its own; MysqlSink sets every option explicitly for each mode.
enum class MysqlTlsMode {
  kVerifyIdentity,  // TLS required, chain checked against the CA, host name checked against the
                    // certificate's SAN/CN (default for a non-loopback host)
  kVerifyCa,        // TLS required, chain checked against the CA, host name not checked
  kRequire,         // TLS required, certificate not checked (encryption only)
  kDisable,         // no TLS (explicit opt-out; default for 127.0.0.1, ::1, localhost)
};

std::string_view MysqlTlsModeName(MysqlTlsMode mode);  // "verify-identity", ...
[[nodiscard]] bool ParseMysqlTlsMode(std::string_view text, MysqlTlsMode* out);

// How rows reach the server (see the measurements in mysql_sink.cc). kLoadDirect is the
// default; the others stay for the benchmark and for servers that refuse LOCAL INFILE.
enum class MysqlBulkMode {
  kLoadDirect,  // LOAD DATA LOCAL INFILE from memory straight into billing_data
  kLoadStaged,  // LOAD DATA LOCAL INFILE into a TEMPORARY staging table, then INSERT ... SELECT
  kInsert,      // multi-row INSERT statements of about `batch_bytes`
};

struct MysqlOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3306;
  std::string user;
  std::string database;
  MysqlTlsMode tls = MysqlTlsMode::kDisable;
  // PEM bundle of trusted CAs for kVerifyCa/kVerifyIdentity; empty = the system bundle
  // (/etc/ssl/certs/ca-certificates.crt). Amazon RDS/Aurora: the regional RDS bundle.
  std::string ca_path;
  // Where the password comes from, asked once per connection (so a rotated secret is picked
  // up on reconnect). Empty = no password. The CLI supplies BILLFLOW_DB_PASSWORD or a
  // --password-file; the AWS layer can supply a Secrets Manager lookup. The password is never
  // put into an error message or log line.
  std::function<Result<std::string>()> password_provider;
  // `?secret=ARN`: the credentials live in this Secrets Manager secret (the CLI looks it up
  // and fills user and password_provider; the sink itself never talks to AWS).
  std::string secret_id;
  int connect_timeout_s = 10;
  int read_timeout_s = 600;  // per network read: a long statement must finish within it
  int write_timeout_s = 600;
  int lock_wait_timeout_s = 600;  // innodb_lock_wait_timeout and the per-source GET_LOCK wait
  MysqlBulkMode bulk_mode = MysqlBulkMode::kLoadDirect;
  std::size_t batch_bytes = 4u << 20;  // encoded rows buffered before one bulk statement
};

// Parses `mysql://USER@HOST[:PORT]/DB[?tls=MODE&ca=PATH]` (also `mariadb://`). HOST may be a
// bracketed IPv6 literal. USER and DB may be percent-encoded. A password in the URL
// (`USER:PASS@`) is refused: passwords never travel on the command line. tls defaults to
// `disable` for a loopback host and `verify-identity` otherwise. Fails with kInvalidArgument and
// a message naming the problem; the message never echoes the URL's user-info part beyond USER.
[[nodiscard]] Result<MysqlOptions> ParseMysqlUrl(std::string_view url);

// "USER@HOST:PORT/DB" for messages and logs.
std::string DescribeMysqlTarget(const MysqlOptions& options);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_MYSQL_OPTIONS_H_
