#ifndef BILLFLOW_AWS_SIGV4_SIGNER_H_
#define BILLFLOW_AWS_SIGV4_SIGNER_H_

#include <chrono>
#include <string>
#include <string_view>

#include "aws/aws_config.h"
#include "core/result.h"
#include "http/http_client.h"

namespace billflow {

// AWS Signature Version 4, in the steps the AWS documentation names, each a pure function
// so tests can check them separately at a fixed time.
struct SigV4Options {
  std::string region;   // "us-east-1"
  std::string service;  // signing name: "s3", "rds-data", "secretsmanager"
  // S3 rules: the path is signed as sent (already encoded once, never encoded again), and
  // the payload hash travels in x-amz-content-sha256. Other services encode the path twice.
  bool s3_rules = false;
  // S3 only: sign "UNSIGNED-PAYLOAD" instead of hashing the body.
  bool unsigned_payload = false;
};

// "20150830T123600Z".
std::string FormatAmzDate(std::chrono::system_clock::time_point time);

// The canonical URI of an encoded request path under the given rules.
std::string CanonicalUri(std::string_view encoded_path, bool s3_rules);

// Query parameters decoded, re-encoded strictly, sorted by name then value, each as
// "name=value" ("name=" when empty), joined by '&'.
std::string CanonicalQuery(std::string_view query);

struct CanonicalRequest {
  std::string text;            // the six lines joined by '\n'
  std::string signed_headers;  // "host;x-amz-date"
};

// Builds the canonical request from `request` as it stands: every header in it is signed
// (names lower-cased, values trimmed with inner runs of spaces collapsed).
[[nodiscard]] Result<CanonicalRequest> BuildCanonicalRequest(const HttpRequest& request,
                                                             bool s3_rules,
                                                             std::string_view payload_hash);

// "20150830/us-east-1/service/aws4_request".
std::string CredentialScope(std::string_view amz_date, std::string_view region,
                            std::string_view service);

std::string BuildStringToSign(std::string_view amz_date, std::string_view credential_scope,
                              std::string_view canonical_request);

// Lower-case hex HMAC of `string_to_sign` under the key derived from the secret.
std::string ComputeSignature(std::string_view secret_access_key, std::string_view amz_date,
                             std::string_view region, std::string_view service,
                             std::string_view string_to_sign);

// Adds Host, X-Amz-Date, X-Amz-Security-Token (with a session token),
// X-Amz-Content-Sha256 (S3 rules) and Authorization to `request`.
[[nodiscard]] Status SignRequest(HttpRequest* request, const Credentials& credentials,
                                 const SigV4Options& options,
                                 std::chrono::system_clock::time_point now);

}  // namespace billflow

#endif  // BILLFLOW_AWS_SIGV4_SIGNER_H_
