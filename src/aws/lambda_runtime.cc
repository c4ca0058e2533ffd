#include "aws/lambda_runtime.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace billflow {
namespace {

constexpr std::string_view kApiVersion = "/2018-06-01";

std::string HeaderOr(const HttpResponse& response, std::string_view name) {
  const std::string* value = response.FindHeader(name);
  return value != nullptr ? *value : std::string();
}

}  // namespace

LambdaRuntime::LambdaRuntime(HttpClient* http, LambdaRuntimeOptions options)
    : http_(http), options_(std::move(options)) {}

std::string LambdaRuntime::BaseUrl() const {
  return "http://" + options_.runtime_api + std::string(kApiVersion);
}

std::string LambdaRuntime::ErrorJson(const Error& error) {
  nlohmann::json body{{"errorMessage", error.message},
                      {"errorType", "billflow." + std::string(ErrorCodeName(error.code))},
                      {"stackTrace", nlohmann::json::array()}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Invocation> LambdaRuntime::Next() {
  HttpRequest request;
  request.url = BaseUrl() + "/runtime/invocation/next";
  request.timeout = std::chrono::milliseconds(0);  // blocks until an event arrives
  Result<HttpResponse> response = http_->Send(request);
  if (!response) return tl::unexpected(response.error());
  if (!response->ok()) {
    return Fail(ErrorCode::kUnavailable, "Lambda runtime API /next answered HTTP " +
                                             std::to_string(response->status) + ": " +
                                             response->body.substr(0, 300));
  }
  Invocation invocation;
  invocation.request_id = HeaderOr(*response, "Lambda-Runtime-Aws-Request-Id");
  if (invocation.request_id.empty()) {
    return Fail(ErrorCode::kInvalidData,
                "Lambda runtime API /next: no Lambda-Runtime-Aws-Request-Id header");
  }
  std::string deadline = HeaderOr(*response, "Lambda-Runtime-Deadline-Ms");
  auto [ptr, ec] = std::from_chars(deadline.data(), deadline.data() + deadline.size(),
                                   invocation.deadline_epoch_ms);
  if (ec != std::errc() || ptr != deadline.data() + deadline.size()) {
    return Fail(ErrorCode::kInvalidData,
                "Lambda runtime API /next: bad Lambda-Runtime-Deadline-Ms \"" + deadline + "\"");
  }
  invocation.function_arn = HeaderOr(*response, "Lambda-Runtime-Invoked-Function-Arn");
  invocation.trace_id = HeaderOr(*response, "Lambda-Runtime-Trace-Id");
  invocation.payload = std::move(response->body);
  return invocation;
}

Status LambdaRuntime::Post(const std::string& path, const std::string& body,
                           const std::string& error_type) {
  HttpRequest request;
  request.method = "POST";
  request.url = BaseUrl() + path;
  request.timeout = std::chrono::seconds(30);
  request.headers = {{"Content-Type", "application/json"}};
  if (!error_type.empty()) {
    request.headers.push_back(HttpHeader{"Lambda-Runtime-Function-Error-Type", error_type});
  }
  request.body = body;
  Result<HttpResponse> response = http_->Send(request);
  if (!response) return tl::unexpected(response.error());
  if (!response->ok()) {
    return Fail(ErrorCode::kUnavailable, "Lambda runtime API " + path + " answered HTTP " +
                                             std::to_string(response->status) + ": " +
                                             response->body.substr(0, 300));
  }
  return Ok();
}

Status LambdaRuntime::PostResponse(const std::string& request_id, const std::string& body) {
  return Post("/runtime/invocation/" + request_id + "/response", body, "");
}

Status LambdaRuntime::PostError(const std::string& request_id, const Error& error) {
  return Post("/runtime/invocation/" + request_id + "/error", ErrorJson(error),
              "billflow." + std::string(ErrorCodeName(error.code)));
}

Status LambdaRuntime::PostInitError(const Error& error) {
  return Post("/runtime/init/error", ErrorJson(error),
              "billflow." + std::string(ErrorCodeName(error.code)));
}

Status LambdaRuntime::Run(const InvocationHandler& handler) {
  for (std::size_t served = 0; options_.max_invocations == 0 || served < options_.max_invocations;
       ++served) {
    // Announced before the stop check, so a stop request lands either before the check or
    // while waiting, never in between unseen.
    if (options_.on_waiting) options_.on_waiting(true);
    if (options_.should_stop && options_.should_stop()) {
      if (options_.on_waiting) options_.on_waiting(false);
      return Ok();
    }
    Result<Invocation> invocation = Next();
    if (options_.on_waiting) options_.on_waiting(false);
    if (!invocation) return tl::unexpected(invocation.error());
    Result<std::string> answer = handler(*invocation);
    if (answer) {
      // A response the API refuses (e.g. too large) is still reported, as an error.
      Status posted = PostResponse(invocation->request_id, *answer);
      if (!posted) BILLFLOW_TRY(PostError(invocation->request_id, posted.error()));
    } else {
      BILLFLOW_TRY(PostError(invocation->request_id, answer.error()));
    }
  }
  return Ok();
}

}  // namespace billflow
