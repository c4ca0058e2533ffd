#include "sinks/mysql_options.h"

#include "sinks/server_url.h"

namespace billflow {
namespace {

tl::unexpected<Error> BadMysqlUrl(std::string message) {
  return BadServerUrl("mysql", std::move(message));
}

}  // namespace

std::string_view MysqlTlsModeName(MysqlTlsMode mode) {
  switch (mode) {
    case MysqlTlsMode::kVerifyIdentity:
      return "verify-identity";
    case MysqlTlsMode::kVerifyCa:
      return "verify-ca";
    case MysqlTlsMode::kRequire:
      return "require";
    case MysqlTlsMode::kDisable:
      return "disable";
  }
  return "unknown";
}

bool ParseMysqlTlsMode(std::string_view text, MysqlTlsMode* out) {
  for (MysqlTlsMode mode : {MysqlTlsMode::kVerifyIdentity, MysqlTlsMode::kVerifyCa,
                            MysqlTlsMode::kRequire, MysqlTlsMode::kDisable}) {
    if (text == MysqlTlsModeName(mode)) {
      *out = mode;
      return true;
    }
  }
  return false;
}

std::string DescribeMysqlTarget(const MysqlOptions& options) {
  const bool ipv6 = options.host.find(':') != std::string::npos;
  return options.user + "@" + (ipv6 ? "[" + options.host + "]" : options.host) + ":" +
         std::to_string(options.port) + "/" + options.database;
}

Result<MysqlOptions> ParseMysqlUrl(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("mysql://")) {
    rest = url.substr(8);
  } else if (url.starts_with("mariadb://")) {
    rest = url.substr(10);
  } else {
    return BadMysqlUrl("must start with mysql:// (mysql://USER@HOST[:PORT]/DB[?tls=...&ca=PATH])");
  }
  auto parsed = ParseServerUrl(rest, "mysql", "mysql://USER@HOST/DB");
  if (!parsed) return tl::unexpected(parsed.error());
  MysqlOptions options;
  options.user = std::move(parsed->user);
  options.host = std::move(parsed->host);
  if (parsed->port) options.port = *parsed->port;
  options.database = std::move(parsed->database);

  options.tls =
      IsLoopbackHost(options.host) ? MysqlTlsMode::kDisable : MysqlTlsMode::kVerifyIdentity;
  for (const auto& [key, value] : parsed->params) {
    if (key == "tls" || key == "ssl-mode" || key == "sslmode") {
      if (!ParseMysqlTlsMode(value, &options.tls)) {
        return BadMysqlUrl("tls=\"" + value +
                           "\" is not one of verify-identity, verify-ca, require, disable");
      }
    } else if (key == "ca" || key == "ssl-ca") {
      options.ca_path = value;
    } else if (key == "secret") {
      options.secret_id = value;
    } else if (key == "connect-timeout") {
      const auto seconds = ParsePositiveSeconds(value);
      if (!seconds) {
        return BadMysqlUrl("connect-timeout=\"" + value + "\" is not a positive number of seconds");
      }
      options.connect_timeout_s = *seconds;
    } else {
      return BadMysqlUrl("unknown parameter \"" + key +
                         "\" (known: tls, ca, secret, connect-timeout)");
    }
  }
  if (!options.ca_path.empty() && options.tls == MysqlTlsMode::kDisable) {
    return BadMysqlUrl("ca= is set but tls=disable; use tls=verify-ca or tls=verify-identity");
  }
  return options;
}

}  // namespace billflow
