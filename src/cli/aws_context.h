#ifndef BILLFLOW_CLI_AWS_CONTEXT_H_
#define BILLFLOW_CLI_AWS_CONTEXT_H_

#include <memory>

#include "aws/aws_config.h"
#include "aws/s3_client.h"
#include "cli/config.h"
#include "http/curl_http_client.h"

namespace billflow {

// The AWS clients one CLI process needs, built on first use from Config::environment (the
// standard AWS_* variables). Not thread-safe.
class AwsContext {
 public:
  explicit AwsContext(const Config& config) : config_(config) {}

  // Region, credentials and endpoints; kInvalidArgument when they are incomplete.
  [[nodiscard]] Result<AwsConfig> Aws();
  [[nodiscard]] Result<S3Client*> S3();
  // HTTP settings for every AWS client (CA bundle from SSL_CERT_FILE / CURL_CA_BUNDLE).
  CurlHttpOptions HttpOptions() const;

 private:
  const Config& config_;
  std::unique_ptr<CurlHttpClient> http_;
  std::unique_ptr<S3Client> s3_;
};

}  // namespace billflow

#endif  // BILLFLOW_CLI_AWS_CONTEXT_H_
