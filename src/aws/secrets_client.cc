#include "aws/secrets_client.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "aws/aws_error.h"
#include "aws/sigv4_signer.h"

namespace billflow {
namespace {

using nlohmann::json;

ErrorCode SecretsErrorCode(const AwsErrorInfo& info, int status) {
  const std::string& type = info.type;
  if (type == "ResourceNotFoundException") return ErrorCode::kNotFound;
  if (type == "AccessDeniedException" || type == "UnrecognizedClientException" ||
      type == "InvalidSignatureException" || type == "DecryptionFailure" ||
      type == "ExpiredTokenException") {
    return ErrorCode::kPermissionDenied;
  }
  if (type == "InternalServiceError" || type == "ThrottlingException") {
    return ErrorCode::kUnavailable;
  }
  if (type == "InvalidParameterException" || type == "InvalidRequestException") {
    return ErrorCode::kInvalidArgument;
  }
  return CodeForHttpStatus(status);
}

}  // namespace

Result<DbSecret> ParseDbSecret(std::string_view secret_string) {
  json document = json::parse(secret_string, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) {
    return Fail(ErrorCode::kInvalidData,
                "database secret is not a JSON object with username, password, host, port, "
                "dbname");
  }
  DbSecret secret;
  auto text = [&](const char* key, std::string* out) -> Status {
    auto it = document.find(key);
    if (it == document.end() || !it->is_string() || it->get<std::string>().empty()) {
      return Fail(ErrorCode::kInvalidData,
                  std::string("database secret lacks a string \"") + key + "\"");
    }
    *out = it->get<std::string>();
    return Ok();
  };
  BILLFLOW_TRY(text("username", &secret.username));
  BILLFLOW_TRY(text("password", &secret.password));
  BILLFLOW_TRY(text("host", &secret.host));
  if (document.contains("dbname") && document["dbname"].is_string()) {
    secret.dbname = document["dbname"].get<std::string>();
  }
  if (auto it = document.find("port"); it != document.end()) {
    if (it->is_number_integer()) {
      secret.port = it->get<int>();
    } else if (it->is_string()) {
      std::string port = it->get<std::string>();
      auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), secret.port);
      if (ec != std::errc() || ptr != port.data() + port.size()) secret.port = 0;
    }
    if (secret.port <= 0 || secret.port > 65535) {
      return Fail(ErrorCode::kInvalidData, "database secret has an invalid \"port\"");
    }
  }
  return secret;
}

SecretsClient::SecretsClient(HttpClient* http, AwsConfig config, Clock clock,
                             std::chrono::seconds ttl)
    : http_(http), config_(std::move(config)), clock_(std::move(clock)), ttl_(ttl) {}

Result<std::string> SecretsClient::GetSecretString(const std::string& secret_id) {
  HttpRequest request;
  request.method = "POST";
  request.url = config_.Endpoint(AwsService::kSecretsManager).origin + "/";
  request.timeout = std::chrono::seconds(30);
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "secretsmanager.GetSecretValue"}};
  request.body = json{{"SecretId", secret_id}}.dump();
  BILLFLOW_TRY(SignRequest(&request, config_.credentials,
                           SigV4Options{config_.region, "secretsmanager", false, false}, clock_()));
  Result<HttpResponse> response = http_->Send(request);
  if (!response) return tl::unexpected(response.error());
  std::string what = "GetSecretValue " + secret_id;
  if (!response->ok()) {
    AwsErrorInfo info = ParseJsonError(*response);
    return Fail(SecretsErrorCode(info, response->status),
                what + ": HTTP " + std::to_string(response->status) + " " + info.type +
                    (info.message.empty() ? "" : ": " + info.message));
  }
  json document = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("SecretString") ||
      !document["SecretString"].is_string()) {
    return Fail(ErrorCode::kInvalidData, what +
                                             ": answer has no SecretString (binary secrets "
                                             "are not supported)");
  }
  return document["SecretString"].get<std::string>();
}

Result<DbSecret> SecretsClient::GetDbSecret(const std::string& secret_id) {
  auto it = cache_.find(secret_id);
  if (it != cache_.end() && clock_() - it->second.fetched_at < ttl_) return it->second.secret;
  return RefreshDbSecret(secret_id);
}

Result<DbSecret> SecretsClient::RefreshDbSecret(const std::string& secret_id) {
  Result<std::string> text = GetSecretString(secret_id);
  if (!text) return tl::unexpected(text.error());
  Result<DbSecret> secret = ParseDbSecret(*text);
  if (!secret) return Fail(secret.error().code, secret_id + ": " + secret.error().message);
  cache_[secret_id] = CacheEntry{*secret, clock_()};
  return secret;
}

}  // namespace billflow
