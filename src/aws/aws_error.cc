#include "aws/aws_error.h"

#include <nlohmann/json.hpp>

#include "aws/xml.h"

namespace billflow {
namespace {

std::string StripTypeDecoration(std::string type) {
  // "BadRequestException:http://internal.amazon.com/coral/…" and
  // "com.amazonaws.rdsdata#BadRequestException" both name BadRequestException.
  if (std::size_t colon = type.find(':'); colon != std::string::npos) type.resize(colon);
  if (std::size_t hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
  return type;
}

}  // namespace

AwsErrorInfo ParseJsonError(const HttpResponse& response) {
  AwsErrorInfo info;
  if (const std::string* header = response.FindHeader("x-amzn-ErrorType")) {
    info.type = StripTypeDecoration(*header);
  }
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) {
    for (const char* key : {"__type", "code", "Code"}) {
      if (info.type.empty() && body.contains(key) && body[key].is_string()) {
        info.type = StripTypeDecoration(body[key].get<std::string>());
      }
    }
    for (const char* key : {"message", "Message", "errorMessage"}) {
      if (info.message.empty() && body.contains(key) && body[key].is_string()) {
        info.message = body[key].get<std::string>();
      }
    }
  } else if (!response.body.empty()) {
    info.message = response.body.substr(0, 500);
  }
  return info;
}

AwsErrorInfo ParseXmlError(const HttpResponse& response) {
  AwsErrorInfo info;
  info.type = XmlText(response.body, "Code").value_or("");
  info.message = XmlText(response.body, "Message").value_or("");
  return info;
}

ErrorCode CodeForHttpStatus(int status) {
  if (status == 401 || status == 403) return ErrorCode::kPermissionDenied;
  if (status == 404) return ErrorCode::kNotFound;
  if (status == 408 || status == 429 || status >= 500) return ErrorCode::kUnavailable;
  return ErrorCode::kInvalidArgument;
}

}  // namespace billflow
