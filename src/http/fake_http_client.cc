#include "http/fake_http_client.h"

#include <algorithm>

namespace billflow {

void FakeHttpClient::Enqueue(int status, std::string body, std::vector<HttpHeader> headers) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  queue_.emplace_back(std::move(response));
}

void FakeHttpClient::EnqueueError(ErrorCode code, std::string message) {
  queue_.emplace_back(Fail(code, std::move(message)));
}

Result<HttpResponse> FakeHttpClient::Send(const HttpRequest& request) {
  requests_.push_back(request);
  if (!queue_.empty()) {
    Result<HttpResponse> next = std::move(queue_.front());
    queue_.pop_front();
    return next;
  }
  if (handler_) return handler_(request);
  return Fail(ErrorCode::kUnavailable,
              "FakeHttpClient: no scripted response for " + request.method + " " + request.url);
}

Result<HttpResponse> FakeHttpClient::SendStreaming(const HttpRequest& request,
                                                   const BodyCallback& on_body) {
  Result<HttpResponse> response = Send(request);
  if (!response || !response->ok()) return response;
  std::string body = std::move(response->body);
  response->body.clear();
  for (std::size_t offset = 0; offset < body.size(); offset += chunk_size_) {
    std::size_t length = std::min(chunk_size_, body.size() - offset);
    BILLFLOW_TRY(on_body(std::string_view(body).substr(offset, length)));
  }
  return response;
}

}  // namespace billflow
