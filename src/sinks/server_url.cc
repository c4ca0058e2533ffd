#include "sinks/server_url.h"

#include <charconv>

#include "http/url.h"

namespace billflow {
namespace {

// Percent-decodes `text`; false on a malformed escape or an encoded NUL (which would end the
// C string a client library is handed).
bool PercentDecode(std::string_view text, std::string* out) {
  Result<std::string> decoded = billflow::PercentDecode(text, /*plus_as_space=*/false);
  if (!decoded || decoded->find('\0') != std::string::npos) return false;
  *out = std::move(*decoded);
  return true;
}

}  // namespace

tl::unexpected<Error> BadServerUrl(std::string_view kind, std::string message) {
  return Fail(ErrorCode::kInvalidArgument,
              "--db " + std::string(kind) + " URL: " + std::move(message));
}

std::optional<int> ParsePositiveSeconds(std::string_view value) {
  int seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size() || seconds <= 0) return std::nullopt;
  return seconds;
}

bool IsLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

Result<ServerUrl> ParseServerUrl(std::string_view rest, std::string_view kind,
                                 std::string_view shape) {
  const auto bad = [kind](std::string message) { return BadServerUrl(kind, std::move(message)); };
  const std::string example = " (" + std::string(shape) + ")";
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return bad("database name missing" + example);
  std::string_view authority = rest.substr(0, slash);
  const std::string_view db = rest.substr(slash + 1);

  ServerUrl url;
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return bad("user missing" + example);
  const std::string_view userinfo = authority.substr(0, at);
  if (userinfo.find(':') != std::string_view::npos) {
    // Deliberately not echoing the URL: it holds a password.
    return bad(
        "a password in the URL is refused; pass it in BILLFLOW_DB_PASSWORD or "
        "--password-file");
  }
  if (!PercentDecode(userinfo, &url.user) || url.user.empty()) {
    return bad("user is empty or badly percent-encoded");
  }
  std::string_view hostport = authority.substr(at + 1);
  std::string_view port_text;
  bool has_port = false;
  if (hostport.starts_with('[')) {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return bad("IPv6 host lacks its closing ']'");
    url.host = std::string(hostport.substr(1, close - 1));
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("unexpected text after the IPv6 host");
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    const auto colon = hostport.rfind(':');
    url.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
      has_port = true;
    }
  }
  if (url.host.empty()) return bad("host missing" + example);
  if (has_port) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return bad("port \"" + std::string(port_text) + "\" is not a number from 1 to 65535");
    }
    url.port = static_cast<std::uint16_t>(port);
  }
  if (!PercentDecode(db, &url.database) || url.database.empty() ||
      url.database.find('/') != std::string::npos) {
    return bad("database name is empty or invalid" + example);
  }
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    std::string value;
    if (eq == std::string_view::npos || !PercentDecode(pair.substr(eq + 1), &value)) {
      return bad("parameter \"" + std::string(key) + "\" needs a value");
    }
    url.params.emplace_back(std::string(key), std::move(value));
  }
  return url;
}

}  // namespace billflow
