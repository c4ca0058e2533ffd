#ifndef BILLFLOW_HTTP_HTTP_CLIENT_H_
#define BILLFLOW_HTTP_HTTP_CLIENT_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace billflow {

struct HttpHeader {
  std::string name;
  std::string value;
};

// One HTTP request. `url` is absolute (`http://127.0.0.1:4566/bucket/a%20b.csv?x=1`) and
// already percent-encoded: clients send it byte for byte, and SigV4 signs exactly it.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  // Limit for the whole exchange; zero means none (the Lambda runtime's long poll).
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};

  // The first header with this name (case-insensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
  // Replaces every header with this name by one with `value`.
  void SetHeader(std::string_view name, std::string value);
};

struct HttpResponse {
  int status = 0;                   // e.g. 200; never 0 in a successful Result
  std::vector<HttpHeader> headers;  // as received, names in their original case
  std::string body;                 // empty when streamed to a BodyCallback

  const std::string* FindHeader(std::string_view name) const;
  bool ok() const { return status >= 200 && status < 300; }
};

// Receives a 2xx body piece by piece. Returning an error aborts the transfer and becomes the
// result of SendStreaming.
using BodyCallback = std::function<Status(std::string_view chunk)>;

// Sends HTTP requests. A Result error means no HTTP answer was received (connection refused,
// reset, timeout): kUnavailable for connection failures, kDeadlineExceeded for timeouts. Any
// HTTP status, including 4xx/5xx, is a successful Result. Implementations are not thread-safe.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  [[nodiscard]] virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
  // Like Send, but a 2xx body goes to `on_body` as it arrives and is never held whole;
  // any other status keeps its (error) body in the response, up to kMaxErrorBodyBytes.
  [[nodiscard]] virtual Result<HttpResponse> SendStreaming(const HttpRequest& request,
                                                           const BodyCallback& on_body) = 0;

  static constexpr std::size_t kMaxErrorBodyBytes = 64 * 1024;
};

// ASCII case-insensitive equality (header names).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace billflow

#endif  // BILLFLOW_HTTP_HTTP_CLIENT_H_
