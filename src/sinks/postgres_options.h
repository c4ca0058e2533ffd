#ifndef BILLFLOW_SINKS_POSTGRES_OPTIONS_H_
#define BILLFLOW_SINKS_POSTGRES_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace billflow {

// libpq's sslmode values billflow accepts (allow/prefer are refused: they fall back to clear
// text without saying so).
enum class PgSslMode {
  kVerifyFull,  // TLS required, chain checked against the CA, host name checked (default for a
                // non-loopback host)
  kVerifyCa,    // TLS required, chain checked, host name not checked
  kRequire,     // TLS required, certificate not checked (encryption only)
  kDisable,     // no TLS (default for 127.0.0.1, ::1, localhost)
};

std::string_view PgSslModeName(PgSslMode mode);  // "verify-full", ...

struct PostgresOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5432;
  std::string user;
  std::string database;
  PgSslMode ssl_mode = PgSslMode::kDisable;
  // PEM bundle of trusted CAs for kVerifyCa/kVerifyFull; empty = the system bundle
  // (/etc/ssl/certs/ca-certificates.crt), never libpq's ~/.postgresql/root.crt. Amazon
  // RDS/Aurora: the regional RDS bundle.
  std::string ca_path;
  // Asked once per connection; empty = no password. Never logged or put into a message.
  std::function<Result<std::string>()> password_provider;
  // `?secret=ARN`: user and password come from this Secrets Manager secret (the CLI fills
  // user and password_provider; the sink never talks to AWS).
  std::string secret_id;
  int connect_timeout_s = 10;
  // lock_timeout of the session: how long a loader waits for another loader of the same source.
  int lock_wait_timeout_s = 600;
  std::size_t batch_bytes = 4u << 20;  // encoded rows buffered before one COPY
};

// Parses `postgres://USER@HOST[:PORT]/DB[?sslmode=MODE&sslrootcert=PATH&secret=ARN&
// connect-timeout=S]` (also `postgresql://`), with the URL rules of sinks/server_url.h.
// sslmode defaults to `disable` for a loopback host and `verify-full` otherwise. Fails with
// kInvalidArgument naming the problem.
[[nodiscard]] Result<PostgresOptions> ParsePostgresUrl(std::string_view url);

// "USER@HOST:PORT/DB" for messages and logs.
std::string DescribePostgresTarget(const PostgresOptions& options);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_POSTGRES_OPTIONS_H_
