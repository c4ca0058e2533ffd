#include "aws/lambda_runtime.h"

#include <gtest/gtest.h>

#include "http/fake_http_client.h"

namespace billflow {
namespace {

LambdaRuntimeOptions Options(std::size_t max_invocations) {
  LambdaRuntimeOptions options;
  options.runtime_api = "127.0.0.1:9001";
  options.max_invocations = max_invocations;
  return options;
}

std::vector<HttpHeader> NextHeaders(const std::string& id) {
  return {{"Lambda-Runtime-Aws-Request-Id", id},
          {"Lambda-Runtime-Deadline-Ms", "1748779230000"},
          {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:1:function:billflow"},
          {"Lambda-Runtime-Trace-Id",
           "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"}};
}

TEST(LambdaRuntimeTest, NextReadsEveryHeader) {
  FakeHttpClient http;
  http.Enqueue(200, R"({"Records":[]})", NextHeaders("req-1"));
  LambdaRuntime runtime(&http, Options(0));
  Result<Invocation> invocation = runtime.Next();
  ASSERT_TRUE(invocation) << invocation.error().message;
  EXPECT_EQ(invocation->request_id, "req-1");
  EXPECT_EQ(invocation->deadline_epoch_ms, 1748779230000);
  EXPECT_EQ(invocation->function_arn, "arn:aws:lambda:us-east-1:1:function:billflow");
  EXPECT_EQ(invocation->trace_id,
            "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
  EXPECT_EQ(invocation->payload, R"({"Records":[]})");
  auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(1748779229000));
  EXPECT_EQ(invocation->Remaining(now), std::chrono::milliseconds(1000));
  const HttpRequest& sent = http.requests().at(0);
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.url, "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next");
  EXPECT_EQ(sent.timeout, std::chrono::milliseconds(0));
}

TEST(LambdaRuntimeTest, BadDeadlineHeaderIsInvalidData) {
  FakeHttpClient http;
  std::vector<HttpHeader> headers = NextHeaders("req-1");
  headers[1].value = "soon";
  http.Enqueue(200, "{}", headers);
  LambdaRuntime runtime(&http, Options(0));
  Result<Invocation> invocation = runtime.Next();
  ASSERT_FALSE(invocation);
  EXPECT_EQ(invocation.error().message,
            "Lambda runtime API /next: bad Lambda-Runtime-Deadline-Ms \"soon\"");
}

TEST(LambdaRuntimeTest, RunPostsResponsesAndErrors) {
  FakeHttpClient http;
  http.Enqueue(200, "ok-event", NextHeaders("req-1"));
  http.Enqueue(202, R"({"status":"OK"})");
  http.Enqueue(200, "bad-event", NextHeaders("req-2"));
  http.Enqueue(202, R"({"status":"OK"})");
  LambdaRuntime runtime(&http, Options(2));
  std::vector<std::string> seen;
  Status status = runtime.Run([&](const Invocation& invocation) -> Result<std::string> {
    seen.push_back(invocation.request_id);
    if (invocation.payload == "bad-event") {
      return Fail(ErrorCode::kInvalidData, "s3://b/k.csv: required column \"currency\" is missing");
    }
    return std::string(R"({"files":1})");
  });
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(seen, (std::vector<std::string>{"req-1", "req-2"}));
  const auto& requests = http.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[1].url, "http://127.0.0.1:9001/2018-06-01/runtime/invocation/req-1/response");
  EXPECT_EQ(requests[1].body, R"({"files":1})");
  EXPECT_EQ(requests[3].url, "http://127.0.0.1:9001/2018-06-01/runtime/invocation/req-2/error");
  EXPECT_EQ(requests[3].body,
            R"({"errorMessage":"s3://b/k.csv: required column \"currency\" is missing",)"
            R"("errorType":"billflow.invalid_data","stackTrace":[]})");
  EXPECT_EQ(*requests[3].FindHeader("Lambda-Runtime-Function-Error-Type"), "billflow.invalid_data");
}

TEST(LambdaRuntimeTest, StopRequestedDuringAnInvocationEndsRunBeforeTheNextWait) {
  FakeHttpClient http;
  http.Enqueue(200, "event", NextHeaders("req-1"));
  http.Enqueue(202, R"({"status":"OK"})");
  bool stop = false;
  std::vector<bool> waiting;
  LambdaRuntimeOptions options = Options(0);
  options.should_stop = [&stop] { return stop; };
  options.on_waiting = [&waiting](bool now_waiting) { waiting.push_back(now_waiting); };
  LambdaRuntime runtime(&http, options);
  Status status = runtime.Run([&](const Invocation&) -> Result<std::string> {
    stop = true;  // SIGTERM while handling: finish this one, then no more /next
    return std::string("{}");
  });
  ASSERT_TRUE(status) << status.error().message;
  ASSERT_EQ(http.requests().size(), 2u);
  EXPECT_EQ(http.requests()[1].url,
            "http://127.0.0.1:9001/2018-06-01/runtime/invocation/req-1/response");
  EXPECT_EQ(waiting, (std::vector<bool>{true, false, true, false}));
}

TEST(LambdaRuntimeTest, InitErrorGoesToInitPath) {
  FakeHttpClient http;
  http.Enqueue(202, "{}");
  LambdaRuntime runtime(&http, Options(0));
  ASSERT_TRUE(runtime.PostInitError(Error{ErrorCode::kInvalidArgument, "BILLFLOW_DB is not set"}));
  EXPECT_EQ(http.requests().at(0).url, "http://127.0.0.1:9001/2018-06-01/runtime/init/error");
}

TEST(LambdaRuntimeTest, RunStopsWhenNextFails) {
  FakeHttpClient http;
  http.EnqueueError(ErrorCode::kUnavailable, "connection refused");
  LambdaRuntime runtime(&http, Options(0));
  Status status =
      runtime.Run([](const Invocation&) -> Result<std::string> { return std::string(); });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace billflow
