#ifndef BILLFLOW_AWS_SECRETS_CLIENT_H_
#define BILLFLOW_AWS_SECRETS_CLIENT_H_

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "aws/aws_config.h"
#include "core/result.h"
#include "http/http_client.h"

namespace billflow {

// Database credentials as the original's Terraform stored them in Secrets Manager:
// {"username","password","host","port","dbname"} (port as a number or a string).
struct DbSecret {
  std::string username;
  std::string password;
  std::string host;
  int port = 3306;
  std::string dbname;
};

// Fails with kInvalidData naming the missing field; never echoes the password.
[[nodiscard]] Result<DbSecret> ParseDbSecret(std::string_view secret_string);

// Secrets Manager GetSecretValue (x-amz-json-1.1, SigV4 "secretsmanager"), with a per-secret
// cache. `http` must outlive the client. Not thread-safe.
class SecretsClient {
 public:
  SecretsClient(HttpClient* http, AwsConfig config, Clock clock,
                std::chrono::seconds ttl = std::chrono::seconds(300));

  // SecretString of the current version, always fetched. kNotFound for an unknown secret,
  // kPermissionDenied for access problems, kUnavailable for throttling and 5xx.
  [[nodiscard]] Result<std::string> GetSecretString(const std::string& secret_id);
  // The parsed database secret, from the cache while younger than the TTL.
  [[nodiscard]] Result<DbSecret> GetDbSecret(const std::string& secret_id);
  // Fetches again and replaces the cached copy: call once after an authentication failure,
  // since the secret may have been rotated.
  [[nodiscard]] Result<DbSecret> RefreshDbSecret(const std::string& secret_id);

 private:
  struct CacheEntry {
    DbSecret secret;
    std::chrono::system_clock::time_point fetched_at;
  };
  HttpClient* http_;
  AwsConfig config_;
  Clock clock_;
  std::chrono::seconds ttl_;
  std::map<std::string, CacheEntry> cache_;
};

}  // namespace billflow

#endif  // BILLFLOW_AWS_SECRETS_CLIENT_H_
