#ifndef BILLFLOW_AWS_AWS_CONFIG_H_
#define BILLFLOW_AWS_AWS_CONFIG_H_

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace billflow {

// Looks up one environment variable; nullopt when unset. The CLI passes one backed by
// getenv; tests pass a map. Nothing under src/aws reads the process environment itself.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// An EnvLookup over a fixed map (tests, and the CLI after it snapshots the environment).
EnvLookup EnvFromMap(std::map<std::string, std::string, std::less<>> values);

// Wall-clock source; tests pass a fixed time. Used for signing and deadlines.
using Clock = std::function<std::chrono::system_clock::time_point()>;
Clock SystemClock();

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys; Lambda always provides one
  std::string source;         // "environment" | "shared credentials file ~/.aws/credentials"
};

// The credentials chain: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN),
// which is what Lambda provides; then the shared credentials file
// (AWS_SHARED_CREDENTIALS_FILE or $HOME/.aws/credentials, profile AWS_PROFILE or "default").
// Fails with kPermissionDenied naming both places when neither has keys.
[[nodiscard]] Result<Credentials> ResolveCredentials(const EnvLookup& env);

// Parses the INI text of a shared credentials file and returns `profile`'s keys.
[[nodiscard]] Result<Credentials> ParseSharedCredentials(std::string_view ini_text,
                                                         std::string_view profile);

// AWS services billflow talks to.
enum class AwsService { kS3, kRdsData, kSecretsManager };

struct ServiceEndpoint {
  std::string origin;       // "https://rds-data.us-east-1.amazonaws.com", no trailing '/'
  bool path_style = false;  // S3 only: bucket in the path instead of the host name
  bool custom = false;      // came from an AWS_ENDPOINT_URL* variable
};

// Everything the AWS clients need, resolved once from the environment.
struct AwsConfig {
  std::string region;  // AWS_REGION, else AWS_DEFAULT_REGION
  Credentials credentials;
  // Endpoint overrides ("http://127.0.0.1:4566"); empty = the public AWS endpoint.
  std::string endpoint_url;                  // AWS_ENDPOINT_URL (all services)
  std::string endpoint_url_s3;               // AWS_ENDPOINT_URL_S3
  std::string endpoint_url_rds_data;         // AWS_ENDPOINT_URL_RDS_DATA
  std::string endpoint_url_secrets_manager;  // AWS_ENDPOINT_URL_SECRETS_MANAGER

  // The endpoint of `service`: its specific override, else the global one, else AWS's.
  // With an override S3 uses path-style addressing.
  ServiceEndpoint Endpoint(AwsService service) const;
};

// Resolves region, credentials and endpoint overrides. Fails with kInvalidArgument when no
// region is set, kPermissionDenied when no credentials are found.
[[nodiscard]] Result<AwsConfig> AwsConfigFromEnv(const EnvLookup& env);

// The SigV4 signing name of a service: "s3", "rds-data", "secretsmanager".
std::string_view SigningName(AwsService service);

}  // namespace billflow

#endif  // BILLFLOW_AWS_AWS_CONFIG_H_
