#ifndef BILLFLOW_AWS_LAMBDA_RUNTIME_H_
#define BILLFLOW_AWS_LAMBDA_RUNTIME_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "aws/aws_config.h"
#include "core/result.h"
#include "http/http_client.h"

namespace billflow {

// One invocation as the Runtime API hands it out.
struct Invocation {
  std::string request_id;              // Lambda-Runtime-Aws-Request-Id
  std::int64_t deadline_epoch_ms = 0;  // Lambda-Runtime-Deadline-Ms
  std::string function_arn;            // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;                // Lambda-Runtime-Trace-Id (may be empty)
  std::string payload;                 // the event JSON

  std::chrono::system_clock::time_point Deadline() const {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline_epoch_ms));
  }
  // Time left at `now`; negative once the deadline has passed.
  std::chrono::milliseconds Remaining(std::chrono::system_clock::time_point now) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Deadline() - now);
  }
};

// The handler's answer is the response JSON; an error is reported to /error so that the
// invocation counts as failed (and S3/SQS deliver it again).
using InvocationHandler = std::function<Result<std::string>(const Invocation&)>;

struct LambdaRuntimeOptions {
  std::string runtime_api;  // AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001"
  // Stop after this many invocations (tests); 0 = serve until /next fails.
  std::size_t max_invocations = 0;
  // Polled before each /next; true ends Run() with Ok (a shutdown signal arrived while an
  // invocation was being handled).
  std::function<bool()> should_stop;
  // Told true just before Run() blocks in /next and false once /next returns: while it is
  // true nothing is in progress, so a shutdown signal may end the process at once.
  std::function<void(bool waiting)> on_waiting;
};

// The Lambda Runtime API client and loop (API version 2018-06-01). `http` must outlive it.
class LambdaRuntime {
 public:
  LambdaRuntime(HttpClient* http, LambdaRuntimeOptions options);

  // Long-polls /runtime/invocation/next.
  [[nodiscard]] Result<Invocation> Next();
  [[nodiscard]] Status PostResponse(const std::string& request_id, const std::string& body);
  [[nodiscard]] Status PostError(const std::string& request_id, const Error& error);
  // Reports a failure before the first invocation (bad configuration).
  [[nodiscard]] Status PostInitError(const Error& error);

  // Next → handler → response or error, until max_invocations, should_stop, or until /next
  // fails (the error of which is returned; in Lambda the sandbox is being shut down).
  [[nodiscard]] Status Run(const InvocationHandler& handler);

  // The error document the runtime API expects:
  // {"errorMessage":…,"errorType":"billflow.<code>","stackTrace":[]}.
  static std::string ErrorJson(const Error& error);

 private:
  [[nodiscard]] Status Post(const std::string& path, const std::string& body,
                            const std::string& error_type);
  std::string BaseUrl() const;
  HttpClient* http_;
  LambdaRuntimeOptions options_;
};

}  // namespace billflow

#endif  // BILLFLOW_AWS_LAMBDA_RUNTIME_H_
