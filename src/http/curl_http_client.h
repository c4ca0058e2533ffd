#ifndef BILLFLOW_HTTP_CURL_HTTP_CLIENT_H_
#define BILLFLOW_HTTP_CURL_HTTP_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>

#include "http/http_client.h"

namespace billflow {

struct CurlHttpOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // A transfer slower than 1 byte/s for this long fails (guards against stalled sockets
  // even when the request has no overall timeout).
  std::chrono::seconds stall_timeout{std::chrono::seconds(120)};
  // PEM bundle of trusted CAs; empty = libcurl's built-in default path. The Lambda package
  // ships Debian's bundle, since Amazon Linux keeps its own elsewhere.
  std::string ca_bundle_path;
};

// HttpClient over one reused libcurl easy handle (keep-alive between requests to the same
// host). Verifies TLS peers with the system CA store. Not thread-safe: one per thread.
// A request body is never sent twice: when a reused connection dies after the body was
// handed over and before an answer, Send fails with kUnavailable ("the request may have been
// received, and is not sent again") instead of letting libcurl replay it on a new connection.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  [[nodiscard]] Result<HttpResponse> Send(const HttpRequest& request) override;
  [[nodiscard]] Result<HttpResponse> SendStreaming(const HttpRequest& request,
                                                   const BodyCallback& on_body) override;

 private:
  struct Handle;
  [[nodiscard]] Result<HttpResponse> Perform(const HttpRequest& request,
                                             const BodyCallback* on_body);
  CurlHttpOptions options_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace billflow

#endif  // BILLFLOW_HTTP_CURL_HTTP_CLIENT_H_
