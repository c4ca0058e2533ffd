#include "cli/aws_context.h"

namespace billflow {

Result<AwsConfig> AwsContext::Aws() {
  std::map<std::string, std::string, std::less<>> env(config_.environment.begin(),
                                                      config_.environment.end());
  return AwsConfigFromEnv(EnvFromMap(std::move(env)));
}

CurlHttpOptions AwsContext::HttpOptions() const {
  CurlHttpOptions options;
  for (const char* name : {"SSL_CERT_FILE", "CURL_CA_BUNDLE"}) {
    const auto found = config_.environment.find(name);
    if (found != config_.environment.end() && !found->second.empty()) {
      options.ca_bundle_path = found->second;
      break;
    }
  }
  return options;
}

Result<S3Client*> AwsContext::S3() {
  if (s3_) return s3_.get();
  auto aws = Aws();
  if (!aws) return tl::unexpected(aws.error());
  http_ = std::make_unique<CurlHttpClient>(HttpOptions());
  s3_ = std::make_unique<S3Client>(http_.get(), std::move(*aws), SystemClock());
  return s3_.get();
}

}  // namespace billflow
