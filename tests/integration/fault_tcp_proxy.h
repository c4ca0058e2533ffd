#ifndef BILLFLOW_TESTS_INTEGRATION_FAULT_TCP_PROXY_H_
#define BILLFLOW_TESTS_INTEGRATION_FAULT_TCP_PROXY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace billflow::testing {

// The bytes a client sends for COMMIT: MySQL's COM_QUERY packet (payload length 7, sequence 0,
// command 0x03) and PostgreSQL's simple Query message ('Q', length 11, "COMMIT\0").
inline constexpr std::string_view kMysqlCommitBytes(
    "\x07\x00\x00\x00\x03"
    "COMMIT",
    11);
inline constexpr std::string_view kPostgresCommitBytes(
    "Q\x00\x00\x00\x0b"
    "COMMIT\x00",
    12);

// A TCP proxy on 127.0.0.1 in front of a MySQL or PostgreSQL server that breaks connections on
// cue, to test what a client sees when the network fails. `commit_bytes` is how the protocol
// spells COMMIT (the two constants above). Each accepted connection takes the next planned
// fault (or none). Threads: one acceptor plus one per connection; all joined by the destructor.
class FaultTcpProxy {
 public:
  enum class Fault {
    kNone,
    kCutAfterClientBytes,  // close both sides once the client has sent `bytes` bytes
    kDropCommit,           // close both sides instead of forwarding the client's COMMIT
    kCutAfterCommit,       // forward COMMIT, wait for the server's answer, close without it
  };
  struct FaultPlan {
    Fault fault = Fault::kNone;
    std::size_t bytes = 0;
  };

  FaultTcpProxy(std::string upstream_host, std::uint16_t upstream_port,
                std::string_view commit_bytes = kMysqlCommitBytes);
  ~FaultTcpProxy();
  FaultTcpProxy(const FaultTcpProxy&) = delete;
  FaultTcpProxy& operator=(const FaultTcpProxy&) = delete;

  std::uint16_t port() const { return port_; }
  // The fault for the next connection accepted.
  void PlanNext(FaultPlan plan);
  // Connections cut so far, and the faults that fired.
  int cuts() const { return cuts_.load(); }

 private:
  void Accept();
  void Pump(int client, int server, FaultPlan plan);

  std::string upstream_host_;
  std::uint16_t upstream_port_;
  std::string_view commit_bytes_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> cuts_{0};
  std::mutex mutex_;
  std::deque<FaultPlan> plans_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace billflow::testing

#endif  // BILLFLOW_TESTS_INTEGRATION_FAULT_TCP_PROXY_H_
