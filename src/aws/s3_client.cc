#include "aws/s3_client.h"

#include <array>
#include <charconv>
#include <cstdio>

#include "aws/aws_error.h"
#include "aws/sigv4_signer.h"
#include "aws/xml.h"
#include "http/url.h"

namespace billflow {
namespace {

std::string Unquote(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    return etag.substr(1, etag.size() - 2);
  }
  return etag;
}

// Virtual-hosted addressing needs a bucket name that is a single DNS label.
bool IsVirtualHostable(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return bucket.front() != '-' && bucket.back() != '-';
}

std::uint64_t ParseSize(std::string_view text) {
  std::uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

Error S3Error(const HttpResponse& response, const std::string& what) {
  AwsErrorInfo info = ParseXmlError(response);
  ErrorCode code = CodeForHttpStatus(response.status);
  if (response.status == 412) code = ErrorCode::kConflict;
  if (info.type == "SlowDown" || info.type == "InternalError") code = ErrorCode::kUnavailable;
  std::string message = what + ": HTTP " + std::to_string(response.status);
  if (!info.type.empty()) message += " " + info.type;
  if (!info.message.empty()) message += ": " + info.message;
  if (info.type.empty() && response.status == 404) message += " (no such bucket or key)";
  if (info.type.empty() && response.status == 403) message += " (access denied)";
  if (response.status == 412) message += " (the object changed while it was being read)";
  return Error{code, message};
}

S3ObjectInfo InfoFromHeaders(const HttpResponse& response, const std::string& bucket,
                             const std::string& key) {
  S3ObjectInfo info;
  info.bucket = bucket;
  info.key = key;
  if (const std::string* length = response.FindHeader("Content-Length")) {
    info.size_bytes = ParseSize(*length);
  }
  if (const std::string* etag = response.FindHeader("ETag")) info.etag = Unquote(*etag);
  if (const std::string* modified = response.FindHeader("Last-Modified")) {
    info.last_modified = NormalizeS3Time(*modified);
  }
  if (const std::string* version = response.FindHeader("x-amz-version-id")) {
    if (*version != "null") info.version_id = *version;
  }
  return info;
}

int MonthNumber(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == name) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace

std::string NormalizeS3Time(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char month_name[4] = {};
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%d-%d-%dT%d:%d:%d", &year, &month, &day, &hour, &minute,
                  &second) == 6) {
    // ISO 8601 as in ListObjectsV2.
  } else if (std::sscanf(copy.c_str(), "%*3s, %d %3s %d %d:%d:%d", &day, month_name, &year, &hour,
                         &minute, &second) == 6) {
    month = MonthNumber(month_name);
  } else {
    return {};
  }
  if (month < 1 || month > 12) return {};
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour,
                minute, second);
  return buffer;
}

Result<S3Location> ParseS3Uri(std::string_view uri) {
  if (!uri.starts_with("s3://")) {
    return Fail(ErrorCode::kInvalidArgument,
                "\"" + std::string(uri) + "\" is not an S3 URI; expected s3://bucket/key");
  }
  std::string_view rest = uri.substr(5);
  std::size_t slash = rest.find('/');
  S3Location location;
  location.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) location.key = std::string(rest.substr(slash + 1));
  if (location.bucket.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "\"" + std::string(uri) + "\" names no bucket; expected s3://bucket/key");
  }
  return location;
}

S3Client::S3Client(HttpClient* http, AwsConfig config, Clock clock)
    : http_(http), config_(std::move(config)), clock_(std::move(clock)) {}

std::string S3Client::ObjectUrl(const std::string& bucket, const std::string& key,
                                const std::string& query) const {
  ServiceEndpoint endpoint = config_.Endpoint(AwsService::kS3);
  std::string url;
  if (endpoint.path_style || !IsVirtualHostable(bucket)) {
    url = endpoint.origin + "/" + PercentEncode(bucket, false) + "/";
  } else {
    std::size_t scheme_end = endpoint.origin.find("://") + 3;
    url = endpoint.origin.substr(0, scheme_end) + bucket + "." +
          endpoint.origin.substr(scheme_end) + "/";
  }
  url += PercentEncode(key, /*keep_slash=*/true);
  if (!query.empty()) url += "?" + query;
  return url;
}

Result<HttpResponse> S3Client::Perform(HttpRequest request, const BodyCallback* on_body) {
  SigV4Options options{config_.region, "s3", /*s3_rules=*/true, /*unsigned_payload=*/false};
  BILLFLOW_TRY(SignRequest(&request, config_.credentials, options, clock_()));
  return on_body != nullptr ? http_->SendStreaming(request, *on_body) : http_->Send(request);
}

Result<S3ObjectInfo> S3Client::HeadObject(const std::string& bucket, const std::string& key,
                                          const std::string& version_id) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = ObjectUrl(
      bucket, key, version_id.empty() ? "" : "versionId=" + PercentEncode(version_id, false));
  Result<HttpResponse> response = Perform(std::move(request), nullptr);
  if (!response) return tl::unexpected(response.error());
  if (!response->ok())
    return tl::unexpected(S3Error(*response, "HeadObject s3://" + bucket + "/" + key));
  return InfoFromHeaders(*response, bucket, key);
}

Result<S3ObjectInfo> S3Client::GetObject(const std::string& bucket, const std::string& key,
                                         const S3GetOptions& options, const BodyCallback& on_body) {
  HttpRequest request;
  request.url = ObjectUrl(
      bucket, key,
      options.version_id.empty() ? "" : "versionId=" + PercentEncode(options.version_id, false));
  // Large objects stream for as long as they need; only a stall aborts them.
  request.timeout = std::chrono::milliseconds(0);
  if (options.range) {
    request.headers.push_back(HttpHeader{"Range", "bytes=" + std::to_string(options.range->first) +
                                                      "-" + std::to_string(options.range->second)});
  }
  if (!options.if_match.empty()) {
    request.headers.push_back(HttpHeader{"If-Match", "\"" + options.if_match + "\""});
  }
  Result<HttpResponse> response = Perform(std::move(request), &on_body);
  if (!response) return tl::unexpected(response.error());
  if (!response->ok())
    return tl::unexpected(S3Error(*response, "GetObject s3://" + bucket + "/" + key));
  return InfoFromHeaders(*response, bucket, key);
}

Result<S3ListPage> S3Client::ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                           const std::string& continuation_token, int max_keys) {
  std::string query = "list-type=2&encoding-type=url&max-keys=" + std::to_string(max_keys);
  if (!prefix.empty()) query += "&prefix=" + PercentEncode(prefix, false);
  if (!continuation_token.empty()) {
    query += "&continuation-token=" + PercentEncode(continuation_token, false);
  }
  HttpRequest request;
  request.url = ObjectUrl(bucket, "", query);
  Result<HttpResponse> response = Perform(std::move(request), nullptr);
  if (!response) return tl::unexpected(response.error());
  std::string what = "ListObjectsV2 s3://" + bucket + "/" + prefix;
  if (!response->ok()) return tl::unexpected(S3Error(*response, what));

  const std::string& xml = response->body;
  // S3 honours encoding-type=url and says so; servers that ignore it send keys as they are.
  bool url_encoded = XmlText(xml, "EncodingType").value_or("") == "url";
  S3ListPage page;
  for (std::string_view contents : XmlElements(xml, "Contents")) {
    S3ObjectInfo info;
    info.bucket = bucket;
    std::string key = XmlText(contents, "Key").value_or("");
    if (url_encoded) {
      Result<std::string> decoded = PercentDecode(key, /*plus_as_space=*/true);
      if (!decoded) return Fail(ErrorCode::kInvalidData, what + ": " + decoded.error().message);
      key = std::move(*decoded);
    }
    info.key = std::move(key);
    info.size_bytes = ParseSize(XmlText(contents, "Size").value_or("0"));
    info.etag = Unquote(XmlText(contents, "ETag").value_or(""));
    info.last_modified = NormalizeS3Time(XmlText(contents, "LastModified").value_or(""));
    page.objects.push_back(std::move(info));
  }
  if (XmlText(xml, "IsTruncated").value_or("false") == "true") {
    page.next_continuation_token = XmlText(xml, "NextContinuationToken").value_or("");
    if (page.next_continuation_token.empty()) {
      return Fail(ErrorCode::kInvalidData,
                  what + ": truncated listing without a NextContinuationToken");
    }
  }
  return page;
}

Result<std::vector<S3ObjectInfo>> S3Client::ListAll(const std::string& bucket,
                                                    const std::string& prefix,
                                                    int max_keys_per_page) {
  std::vector<S3ObjectInfo> all;
  std::string token;
  do {
    Result<S3ListPage> page = ListObjectsV2(bucket, prefix, token, max_keys_per_page);
    if (!page) return tl::unexpected(page.error());
    for (S3ObjectInfo& info : page->objects) all.push_back(std::move(info));
    token = std::move(page->next_continuation_token);
  } while (!token.empty());
  return all;
}

}  // namespace billflow
