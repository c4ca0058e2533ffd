#include "sinks/mysql_options.h"

#include <charconv>

#include "http/url.h"

namespace billflow {
namespace {

// Percent-decodes `text`; false on a malformed escape or an encoded NUL (which would end the
// C string libmariadb is handed).
bool DecodeUrlPart(std::string_view text, std::string* out) {
  Result<std::string> decoded = PercentDecode(text, /*plus_as_space=*/false);
  if (!decoded || decoded->find('\0') != std::string::npos) return false;
  *out = std::move(*decoded);
  return true;
}

tl::unexpected<Error> Bad(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, "--db mysql URL: " + std::move(message));
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

bool IsLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
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
    return Bad("must start with mysql:// (mysql://USER@HOST[:PORT]/DB[?tls=...&ca=PATH])");
  }
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return Bad("database name missing (mysql://USER@HOST/DB)");
  std::string_view authority = rest.substr(0, slash);
  const std::string_view db = rest.substr(slash + 1);

  MysqlOptions options;
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return Bad("user missing (mysql://USER@HOST/DB)");
  const std::string_view userinfo = authority.substr(0, at);
  if (userinfo.find(':') != std::string_view::npos) {
    // Deliberately not echoing the URL: it holds a password.
    return Bad(
        "a password in the URL is refused; pass it in BILLFLOW_DB_PASSWORD or "
        "--password-file");
  }
  if (!DecodeUrlPart(userinfo, &options.user) || options.user.empty()) {
    return Bad("user is empty or badly percent-encoded");
  }
  std::string_view hostport = authority.substr(at + 1);
  std::string_view port_text;
  bool has_port = false;
  if (hostport.starts_with('[')) {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return Bad("IPv6 host lacks its closing ']'");
    options.host = std::string(hostport.substr(1, close - 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Bad("unexpected text after the IPv6 host");
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    const auto colon = hostport.rfind(':');
    options.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
      has_port = true;
    }
  }
  if (options.host.empty()) return Bad("host missing (mysql://USER@HOST/DB)");
  if (has_port) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return Bad("port \"" + std::string(port_text) + "\" is not a number from 1 to 65535");
    }
    options.port = static_cast<std::uint16_t>(port);
  }
  if (!DecodeUrlPart(db, &options.database) || options.database.empty() ||
      options.database.find('/') != std::string::npos) {
    return Bad("database name is empty or invalid (mysql://USER@HOST/DB)");
  }

  options.tls =
      IsLoopbackHost(options.host) ? MysqlTlsMode::kDisable : MysqlTlsMode::kVerifyIdentity;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    std::string value;
    if (eq == std::string_view::npos || !DecodeUrlPart(pair.substr(eq + 1), &value)) {
      return Bad("parameter \"" + std::string(key) + "\" needs a value");
    }
    if (key == "tls" || key == "ssl-mode" || key == "sslmode") {
      if (!ParseMysqlTlsMode(value, &options.tls)) {
        return Bad("tls=\"" + value +
                   "\" is not one of verify-identity, verify-ca, require, disable");
      }
    } else if (key == "ca" || key == "ssl-ca") {
      options.ca_path = value;
    } else if (key == "secret") {
      options.secret_id = value;
    } else if (key == "connect-timeout") {
      int seconds = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || end != value.data() + value.size() || seconds <= 0) {
        return Bad("connect-timeout=\"" + value + "\" is not a positive number of seconds");
      }
      options.connect_timeout_s = seconds;
    } else {
      return Bad("unknown parameter \"" + std::string(key) +
                 "\" (known: tls, ca, secret, connect-timeout)");
    }
  }
  if (!options.ca_path.empty() && options.tls == MysqlTlsMode::kDisable) {
    return Bad("ca= is set but tls=disable; use tls=verify-ca or tls=verify-identity");
  }
  return options;
}

}  // namespace billflow
