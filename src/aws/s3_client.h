#ifndef BILLFLOW_AWS_S3_CLIENT_H_
#define BILLFLOW_AWS_S3_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_config.h"
#include "core/result.h"
#include "http/http_client.h"

namespace billflow {

// "s3://bucket/key" split into its parts; the key may be empty or a prefix ending in '/'.
struct S3Location {
  std::string bucket;
  std::string key;
  std::string Uri() const { return "s3://" + bucket + "/" + key; }
};
[[nodiscard]] Result<S3Location> ParseS3Uri(std::string_view uri);

struct S3ObjectInfo {
  std::string bucket;
  std::string key;
  std::uint64_t size_bytes = 0;
  std::string etag;           // without the surrounding quotes
  std::string last_modified;  // normalized "YYYY-MM-DDTHH:MM:SSZ" (sorts as text); may be empty
  std::string version_id;     // empty when the bucket is not versioned
};

struct S3GetOptions {
  std::string version_id;  // a specific version; empty = the current one
  std::string if_match;    // ETag the object must still have (412 → kConflict)
  // Inclusive byte range [first, last]; nullopt = the whole object.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
};

struct S3ListPage {
  std::vector<S3ObjectInfo> objects;
  std::string next_continuation_token;  // empty on the last page
};

// A small S3 client: HeadObject, streaming GetObject and ListObjectsV2, every request signed
// with SigV4 (S3 rules). `http` must outlive the client. Not thread-safe. Errors name the
// object and carry S3's own code: kNotFound (NoSuchKey/NoSuchBucket), kPermissionDenied
// (403, e.g. SignatureDoesNotMatch), kConflict (If-Match failed), kUnavailable (5xx, 503
// SlowDown), transport errors from the HttpClient as they are.
class S3Client {
 public:
  S3Client(HttpClient* http, AwsConfig config, Clock clock);

  [[nodiscard]] Result<S3ObjectInfo> HeadObject(const std::string& bucket, const std::string& key,
                                                const std::string& version_id = {});
  // Streams the object's bytes (or the requested range) to `on_body`; never buffers the
  // body. The returned info carries the headers of this answer (size = bytes in it).
  [[nodiscard]] Result<S3ObjectInfo> GetObject(const std::string& bucket, const std::string& key,
                                               const S3GetOptions& options,
                                               const BodyCallback& on_body);
  // One page of keys under `prefix`, up to `max_keys` (S3 caps it at 1000).
  [[nodiscard]] Result<S3ListPage> ListObjectsV2(const std::string& bucket,
                                                 const std::string& prefix,
                                                 const std::string& continuation_token,
                                                 int max_keys = 1000);
  // Every key under `prefix`, following continuation tokens.
  [[nodiscard]] Result<std::vector<S3ObjectInfo>> ListAll(const std::string& bucket,
                                                          const std::string& prefix,
                                                          int max_keys_per_page = 1000);

  // The request URL of an object (or of the bucket when key is empty), with `query` appended.
  std::string ObjectUrl(const std::string& bucket, const std::string& key,
                        const std::string& query) const;

 private:
  [[nodiscard]] Result<HttpResponse> Perform(HttpRequest request, const BodyCallback* on_body);
  HttpClient* http_;
  AwsConfig config_;
  Clock clock_;
};

// Normalizes an RFC 1123 ("Wed, 12 Oct 2009 17:50:00 GMT") or ISO 8601
// ("2009-10-12T17:50:00.000Z") time to "2009-10-12T17:50:00Z"; empty when unparseable.
std::string NormalizeS3Time(std::string_view text);

}  // namespace billflow

#endif  // BILLFLOW_AWS_S3_CLIENT_H_
