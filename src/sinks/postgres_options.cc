#include "sinks/postgres_options.h"

#include "sinks/server_url.h"

namespace billflow {
namespace {

tl::unexpected<Error> BadPostgresUrl(std::string message) {
  return BadServerUrl("postgres", std::move(message));
}

bool ParsePgSslMode(std::string_view text, PgSslMode* out) {
  for (PgSslMode mode :
       {PgSslMode::kVerifyFull, PgSslMode::kVerifyCa, PgSslMode::kRequire, PgSslMode::kDisable}) {
    if (text == PgSslModeName(mode)) {
      *out = mode;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view PgSslModeName(PgSslMode mode) {
  switch (mode) {
    case PgSslMode::kVerifyFull:
      return "verify-full";
    case PgSslMode::kVerifyCa:
      return "verify-ca";
    case PgSslMode::kRequire:
      return "require";
    case PgSslMode::kDisable:
      return "disable";
  }
  return "unknown";
}

std::string DescribePostgresTarget(const PostgresOptions& options) {
  const bool ipv6 = options.host.find(':') != std::string::npos;
  return options.user + "@" + (ipv6 ? "[" + options.host + "]" : options.host) + ":" +
         std::to_string(options.port) + "/" + options.database;
}

Result<PostgresOptions> ParsePostgresUrl(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("postgres://")) {
    rest = url.substr(11);
  } else if (url.starts_with("postgresql://")) {
    rest = url.substr(13);
  } else {
    return BadPostgresUrl(
        "must start with postgres:// "
        "(postgres://USER@HOST[:PORT]/DB[?sslmode=...&sslrootcert=PATH])");
  }
  auto parsed = ParseServerUrl(rest, "postgres", "postgres://USER@HOST/DB");
  if (!parsed) return tl::unexpected(parsed.error());
  PostgresOptions options;
  options.user = std::move(parsed->user);
  options.host = std::move(parsed->host);
  if (parsed->port) options.port = *parsed->port;
  options.database = std::move(parsed->database);
  options.ssl_mode = IsLoopbackHost(options.host) ? PgSslMode::kDisable : PgSslMode::kVerifyFull;
  for (const auto& [key, value] : parsed->params) {
    if (key == "sslmode") {
      if (!ParsePgSslMode(value, &options.ssl_mode)) {
        return BadPostgresUrl("sslmode=\"" + value +
                              "\" is not one of verify-full, verify-ca, require, disable");
      }
    } else if (key == "sslrootcert") {
      options.ca_path = value;
    } else if (key == "secret") {
      options.secret_id = value;
    } else if (key == "connect-timeout" || key == "connect_timeout") {
      const auto seconds = ParsePositiveSeconds(value);
      if (!seconds) {
        std::string message(key);
        message.append("=\"").append(value).append("\" is not a positive number of seconds");
        return BadPostgresUrl(std::move(message));
      }
      options.connect_timeout_s = *seconds;
    } else {
      return BadPostgresUrl("unknown parameter \"" + key +
                            "\" (known: sslmode, sslrootcert, secret, connect-timeout)");
    }
  }
  if (!options.ca_path.empty() &&
      (options.ssl_mode == PgSslMode::kDisable || options.ssl_mode == PgSslMode::kRequire)) {
    return BadPostgresUrl(
        "sslrootcert= is set but sslmode=" + std::string(PgSslModeName(options.ssl_mode)) +
        " does not check certificates; use sslmode=verify-ca or sslmode=verify-full");
  }
  return options;
}

}  // namespace billflow
