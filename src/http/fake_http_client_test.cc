#include "http/fake_http_client.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(FakeHttpClientTest, RecordsRequestsAndReplaysQueueThenHandler) {
  FakeHttpClient http;
  http.Enqueue(200, "first", {{"ETag", "\"abc\""}});
  http.EnqueueError(ErrorCode::kUnavailable, "connection refused");
  http.SetHandler([](const HttpRequest& request) -> Result<HttpResponse> {
    HttpResponse response;
    response.status = 404;
    response.body = request.url;
    return response;
  });
  HttpRequest request;
  request.url = "http://h/1";
  Result<HttpResponse> first = http.Send(request);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "first");
  ASSERT_NE(first->FindHeader("etag"), nullptr);
  EXPECT_EQ(*first->FindHeader("etag"), "\"abc\"");
  Result<HttpResponse> second = http.Send(request);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  Result<HttpResponse> third = http.Send(request);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 404);
  EXPECT_EQ(http.requests().size(), 3u);
}

TEST(FakeHttpClientTest, StreamingDeliversBodyInPieces) {
  FakeHttpClient http;
  http.set_chunk_size(3);
  http.Enqueue(200, "abcdefgh");
  std::vector<std::string> pieces;
  Result<HttpResponse> response =
      http.SendStreaming(HttpRequest{}, [&](std::string_view chunk) -> Status {
        pieces.emplace_back(chunk);
        return Ok();
      });
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->body.empty());
  EXPECT_EQ(pieces, (std::vector<std::string>{"abc", "def", "gh"}));
}

TEST(FakeHttpClientTest, StreamingCallbackErrorAbortsTransfer) {
  FakeHttpClient http;
  http.Enqueue(200, "abcdefgh");
  Result<HttpResponse> response = http.SendStreaming(
      HttpRequest{}, [](std::string_view) -> Status { return Fail(ErrorCode::kIo, "disk full"); });
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().message, "disk full");
}

}  // namespace
}  // namespace billflow
