#ifndef BILLFLOW_HTTP_FAKE_HTTP_CLIENT_H_
#define BILLFLOW_HTTP_FAKE_HTTP_CLIENT_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "http/http_client.h"

namespace billflow {

// A scripted HttpClient for tests: records every request and answers from a queue of
// responses (or transport errors), or from a handler when one is set. Streaming delivers a
// 2xx body in pieces of `chunk_size` bytes so callers see several callbacks.
class FakeHttpClient final : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  // Queues an answer: status, body and headers.
  void Enqueue(int status, std::string body = {}, std::vector<HttpHeader> headers = {});
  // Queues a transport failure (no HTTP answer).
  void EnqueueError(ErrorCode code, std::string message);
  // Answers every request not served by the queue.
  void SetHandler(Handler handler) { handler_ = std::move(handler); }
  void set_chunk_size(std::size_t chunk_size) { chunk_size_ = chunk_size; }

  const std::vector<HttpRequest>& requests() const { return requests_; }
  std::size_t pending() const { return queue_.size(); }

  [[nodiscard]] Result<HttpResponse> Send(const HttpRequest& request) override;
  [[nodiscard]] Result<HttpResponse> SendStreaming(const HttpRequest& request,
                                                   const BodyCallback& on_body) override;

 private:
  std::deque<Result<HttpResponse>> queue_;
  Handler handler_;
  std::vector<HttpRequest> requests_;
  std::size_t chunk_size_ = 7;
};

}  // namespace billflow

#endif  // BILLFLOW_HTTP_FAKE_HTTP_CLIENT_H_
