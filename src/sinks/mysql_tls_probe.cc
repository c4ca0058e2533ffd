#include "sinks/mysql_tls_probe.h"

#include <mysql.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <string>

namespace billflow {

std::optional<bool> MysqlServerOffersTls(const MysqlOptions& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options.port);
  if (getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found) != 0) return std::nullopt;
  std::optional<bool> offered;
  for (addrinfo* a = found; a != nullptr && !offered; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    timeval timeout{options.connect_timeout_s, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    std::array<unsigned char, 512> greeting{};
    std::size_t got = 0;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      while (got < greeting.size()) {
        const ssize_t n = ::recv(fd, greeting.data() + got, greeting.size() - got, 0);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
        if (got >= 4 &&
            got >= 4 + static_cast<std::size_t>(greeting[0] | greeting[1] << 8 | greeting[2] << 16))
          break;
      }
    }
    ::close(fd);
    // Header (4) + protocol 10 + NUL-terminated version + thread id (4) + scramble (8) +
    // filler (1) + capability flags, low 16 bits.
    if (got < 6 || greeting[4] != 10) continue;
    const unsigned char* end = greeting.data() + got;
    const auto* p = static_cast<const unsigned char*>(std::memchr(greeting.data() + 5, 0, got - 5));
    if (p == nullptr || end - p < 1 + 4 + 8 + 1 + 2) continue;
    p += 1 + 4 + 8 + 1;
    const auto capabilities = static_cast<unsigned>(p[0] | p[1] << 8);
    offered = (capabilities & CLIENT_SSL) != 0;
  }
  freeaddrinfo(found);
  return offered;
}

}  // namespace billflow
