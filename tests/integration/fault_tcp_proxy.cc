#include "fault_tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

namespace billflow::testing {
namespace {

bool SendAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

FaultTcpProxy::FaultTcpProxy(std::string upstream_host, std::uint16_t upstream_port,
                             std::string_view commit_bytes)
    : upstream_host_(std::move(upstream_host)),
      upstream_port_(upstream_port),
      commit_bytes_(commit_bytes) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 64);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

FaultTcpProxy::~FaultTcpProxy() {
  stop_ = true;
  acceptor_.join();
  for (auto& t : threads_) t.join();
  ::close(listen_fd_);
}

void FaultTcpProxy::PlanNext(FaultPlan plan) {
  std::lock_guard lock(mutex_);
  plans_.push_back(plan);
}

void FaultTcpProxy::Accept() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(upstream_port_);
    ::inet_pton(AF_INET, upstream_host_.c_str(), &addr.sin_addr);
    if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(server);
      ::close(client);
      continue;
    }
    FaultPlan plan;
    {
      std::lock_guard lock(mutex_);
      if (!plans_.empty()) {
        plan = plans_.front();
        plans_.pop_front();
      }
    }
    threads_.emplace_back([this, client, server, plan] { Pump(client, server, plan); });
  }
}

void FaultTcpProxy::Pump(int client, int server, FaultPlan plan) {
  std::size_t client_bytes = 0;
  std::vector<char> buffer(1 << 16);
  bool cut = false;
  bool awaiting_commit_answer = false;
  while (!stop_ && !cut) {
    pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (::poll(p, 2, 50) <= 0) continue;
    if (p[0].revents != 0) {
      const ssize_t n = ::recv(client, buffer.data(), buffer.size(), 0);
      if (n <= 0) break;
      std::size_t size = static_cast<std::size_t>(n);
      const std::string_view chunk(buffer.data(), size);
      const bool has_commit = chunk.find(commit_bytes_) != std::string_view::npos;
      if (plan.fault == Fault::kCutAfterClientBytes && client_bytes + size >= plan.bytes) {
        SendAll(server, buffer.data(), plan.bytes - client_bytes);  // part of it, then cut
        cut = true;
        break;
      }
      if (plan.fault == Fault::kDropCommit && has_commit) {
        cut = true;
        break;
      }
      client_bytes += size;
      if (!SendAll(server, buffer.data(), size)) break;
      if (plan.fault == Fault::kCutAfterCommit && has_commit) awaiting_commit_answer = true;
    }
    if (p[1].revents != 0) {
      const ssize_t n = ::recv(server, buffer.data(), buffer.size(), 0);
      if (n <= 0) break;
      if (awaiting_commit_answer) {  // the server committed; the client never hears it
        cut = true;
        break;
      }
      if (!SendAll(client, buffer.data(), static_cast<std::size_t>(n))) break;
    }
  }
  if (cut) ++cuts_;
  ::shutdown(client, SHUT_RDWR);
  ::shutdown(server, SHUT_RDWR);
  ::close(client);
  ::close(server);
}

}  // namespace billflow::testing
