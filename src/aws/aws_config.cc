#include "aws/aws_config.h"

#include <fstream>
#include <sstream>

#include "core/ascii.h"

namespace billflow {
namespace {

std::string NonEmpty(const EnvLookup& env, std::string_view name) {
  std::optional<std::string> value = env(name);
  return value ? *value : std::string();
}

std::string StripTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

EnvLookup EnvFromMap(std::map<std::string, std::string, std::less<>> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

Clock SystemClock() {
  return [] { return std::chrono::system_clock::now(); };
}

Result<Credentials> ParseSharedCredentials(std::string_view ini_text, std::string_view profile) {
  Credentials credentials;
  bool in_profile = false;
  bool found_profile = false;
  while (!ini_text.empty()) {
    std::size_t newline = ini_text.find('\n');
    std::string_view line = TrimAscii(ini_text.substr(0, newline), " \t\r");
    ini_text =
        newline == std::string_view::npos ? std::string_view() : ini_text.substr(newline + 1);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      std::string_view name = TrimAscii(line.substr(1, line.size() - 2), " \t\r");
      if (name.starts_with("profile ")) name = TrimAscii(name.substr(8), " \t\r");
      in_profile = name == profile;
      found_profile = found_profile || in_profile;
      continue;
    }
    if (!in_profile) continue;
    std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view key = TrimAscii(line.substr(0, equals), " \t\r");
    std::string value(TrimAscii(line.substr(equals + 1), " \t\r"));
    if (key == "aws_access_key_id") credentials.access_key_id = value;
    if (key == "aws_secret_access_key") credentials.secret_access_key = value;
    if (key == "aws_session_token") credentials.session_token = value;
  }
  if (!found_profile) {
    return Fail(ErrorCode::kNotFound, "profile [" + std::string(profile) + "] not found");
  }
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Fail(
        ErrorCode::kPermissionDenied,
        "profile [" + std::string(profile) + "] lacks aws_access_key_id or aws_secret_access_key");
  }
  return credentials;
}

Result<Credentials> ResolveCredentials(const EnvLookup& env) {
  std::string key_id = NonEmpty(env, "AWS_ACCESS_KEY_ID");
  std::string secret = NonEmpty(env, "AWS_SECRET_ACCESS_KEY");
  if (!key_id.empty() && !secret.empty()) {
    return Credentials{key_id, secret, NonEmpty(env, "AWS_SESSION_TOKEN"), "environment"};
  }
  std::string path = NonEmpty(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (path.empty()) {
    std::string home = NonEmpty(env, "HOME");
    if (!home.empty()) path = home + "/.aws/credentials";
  }
  std::string profile = NonEmpty(env, "AWS_PROFILE");
  if (profile.empty()) profile = "default";
  std::string why = "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  if (path.empty()) return Fail(ErrorCode::kPermissionDenied, why);
  std::ifstream file(path);
  if (!file) {
    return Fail(ErrorCode::kPermissionDenied, why + ", or write " + path);
  }
  std::stringstream text;
  text << file.rdbuf();
  Result<Credentials> credentials = ParseSharedCredentials(text.str(), profile);
  if (!credentials) {
    return Fail(ErrorCode::kPermissionDenied,
                why + "; " + path + ": " + credentials.error().message);
  }
  credentials->source = "shared credentials file " + path;
  return credentials;
}

std::string_view SigningName(AwsService service) {
  switch (service) {
    case AwsService::kS3:
      return "s3";
    case AwsService::kRdsData:
      return "rds-data";
    case AwsService::kSecretsManager:
      return "secretsmanager";
  }
  return "";
}

ServiceEndpoint AwsConfig::Endpoint(AwsService service) const {
  const std::string* specific = nullptr;
  switch (service) {
    case AwsService::kS3:
      specific = &endpoint_url_s3;
      break;
    case AwsService::kRdsData:
      specific = &endpoint_url_rds_data;
      break;
    case AwsService::kSecretsManager:
      specific = &endpoint_url_secrets_manager;
      break;
  }
  std::string custom = !specific->empty() ? *specific : endpoint_url;
  if (!custom.empty()) return ServiceEndpoint{StripTrailingSlash(custom), true, true};
  std::string host = service == AwsService::kS3 ? "s3" : std::string(SigningName(service));
  return ServiceEndpoint{"https://" + host + "." + region + ".amazonaws.com", false, false};
}

Result<AwsConfig> AwsConfigFromEnv(const EnvLookup& env) {
  AwsConfig config;
  config.region = NonEmpty(env, "AWS_REGION");
  if (config.region.empty()) config.region = NonEmpty(env, "AWS_DEFAULT_REGION");
  if (config.region.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "no AWS region: set AWS_REGION (Lambda sets it) or AWS_DEFAULT_REGION");
  }
  BILLFLOW_TRY(
      ResolveCredentials(env).map([&](Credentials c) { config.credentials = std::move(c); }));
  config.endpoint_url = NonEmpty(env, "AWS_ENDPOINT_URL");
  config.endpoint_url_s3 = NonEmpty(env, "AWS_ENDPOINT_URL_S3");
  config.endpoint_url_rds_data = NonEmpty(env, "AWS_ENDPOINT_URL_RDS_DATA");
  config.endpoint_url_secrets_manager = NonEmpty(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER");
  return config;
}

}  // namespace billflow
