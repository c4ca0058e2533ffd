#ifndef BILLFLOW_SOURCES_S3_SOURCE_H_
#define BILLFLOW_SOURCES_S3_SOURCE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/s3_client.h"
#include "sources/byte_source.h"

namespace billflow {

struct S3SourceOptions {
  // Bytes fetched per ranged GET: the most this source holds in memory at once.
  std::size_t chunk_bytes = 8 * 1024 * 1024;
  std::string version_id;  // read this version (from a versioned bucket's event); empty = current
};

// An S3 object read as a stream of ranged GetObject requests of `chunk_bytes`, each pinned
// with If-Match to the ETag seen by the opening HeadObject, so an object overwritten
// mid-read fails (kConflict) instead of mixing two versions. Its uri is "s3://bucket/key",
// version_tag "etag:<ETag>[ version:<VersionId>]", version_order the LastModified time
// ("2025-06-01T10:00:00Z"). Rewind re-reads from the start. `client` must outlive the source.
// Not thread-safe.
class S3Source : public ByteSource {
 public:
  // HEADs the object: kNotFound when it is gone, kPermissionDenied on 403.
  [[nodiscard]] static Result<std::unique_ptr<S3Source>> Open(S3Client* client,
                                                              const std::string& bucket,
                                                              const std::string& key,
                                                              S3SourceOptions options = {});

  const SourceInfo& Info() const override { return info_; }
  [[nodiscard]] Result<std::size_t> Read(std::span<char> buffer) override;
  [[nodiscard]] Status Rewind() override;
  bool CanRewind() const override { return true; }

  const S3ObjectInfo& object() const { return object_; }

 private:
  S3Source(S3Client* client, S3ObjectInfo object, S3SourceOptions options);
  S3Client* client_;
  S3ObjectInfo object_;
  S3SourceOptions options_;
  SourceInfo info_;
  std::string chunk_;
  std::size_t chunk_pos_ = 0;
  std::uint64_t next_offset_ = 0;
};

// The objects an `s3://bucket/key` argument names: that object, or for `s3://bucket/prefix/`
// (or a bare bucket) every CSV input key under the prefix (CsvInputSuffix), in key order.
[[nodiscard]] Result<std::vector<S3Location>> ExpandS3Uri(S3Client& s3, std::string_view uri);

}  // namespace billflow

#endif  // BILLFLOW_SOURCES_S3_SOURCE_H_
