#ifndef BILLFLOW_SINKS_SERVER_URL_H_
#define BILLFLOW_SINKS_SERVER_URL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace billflow {

// The parts of a database server URL `SCHEME://USER@HOST[:PORT]/DB[?KEY=VALUE&…]`, decoded.
// Shared by every server backend (mysql://, postgres://) so they read URLs alike.
struct ServerUrl {
  std::string user;                                         // percent-decoded, never empty
  std::string host;                                         // an IPv6 literal without its brackets
  std::optional<std::uint16_t> port;                        // nullopt: the backend's default
  std::string database;                                     // percent-decoded, never empty, no '/'
  std::vector<std::pair<std::string, std::string>> params;  // in order; values decoded
};

// The trusted CAs of a verified server connection whose URL names none: the system bundle of
// Debian's ca-certificates (never a client library's own default, such as libpq's
// ~/.postgresql/root.crt).
inline constexpr char kSystemCaBundle[] = "/etc/ssl/certs/ca-certificates.crt";

// Parses `rest`, the URL after its `SCHEME://`. `kind` names the backend in messages
// ("--db mysql URL: …") and `shape` is the example shown with them ("mysql://USER@HOST/DB").
// A password in the URL (`USER:PASS@`) is refused without echoing it. Fails with
// kInvalidArgument naming the problem.
[[nodiscard]] Result<ServerUrl> ParseServerUrl(std::string_view rest, std::string_view kind,
                                               std::string_view shape);

// `--db KIND URL: message`, kInvalidArgument.
tl::unexpected<Error> BadServerUrl(std::string_view kind, std::string message);

// `value` as a positive whole number of seconds; nullopt otherwise.
std::optional<int> ParsePositiveSeconds(std::string_view value);

bool IsLoopbackHost(std::string_view host);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_SERVER_URL_H_
