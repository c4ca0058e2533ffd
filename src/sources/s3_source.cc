#include "sources/s3_source.h"

#include <algorithm>
#include <cstring>

#include "sources/input_name.h"

namespace billflow {

Result<std::unique_ptr<S3Source>> S3Source::Open(S3Client* client, const std::string& bucket,
                                                 const std::string& key, S3SourceOptions options) {
  Result<S3ObjectInfo> object = client->HeadObject(bucket, key, options.version_id);
  if (!object) return tl::unexpected(object.error());
  if (object->version_id.empty()) object->version_id = options.version_id;
  return std::unique_ptr<S3Source>(new S3Source(client, std::move(*object), std::move(options)));
}

S3Source::S3Source(S3Client* client, S3ObjectInfo object, S3SourceOptions options)
    : client_(client), object_(std::move(object)), options_(std::move(options)) {
  if (options_.chunk_bytes == 0) options_.chunk_bytes = 8 * 1024 * 1024;
  info_.uri = "s3://" + object_.bucket + "/" + object_.key;
  info_.display_name = info_.uri;
  info_.size_bytes = object_.size_bytes;
  info_.version_tag = "etag:" + object_.etag;
  if (!object_.version_id.empty()) info_.version_tag += " version:" + object_.version_id;
  info_.version_order = object_.last_modified;
}

Result<std::size_t> S3Source::Read(std::span<char> buffer) {
  if (chunk_pos_ == chunk_.size()) {
    if (next_offset_ >= object_.size_bytes || buffer.empty()) return 0;
    std::uint64_t last =
        std::min<std::uint64_t>(next_offset_ + options_.chunk_bytes, object_.size_bytes) - 1;
    S3GetOptions get;
    get.version_id = object_.version_id;
    get.if_match = object_.etag;
    get.range = std::make_pair(next_offset_, last);
    chunk_.clear();
    chunk_pos_ = 0;
    Result<S3ObjectInfo> got = client_->GetObject(object_.bucket, object_.key, get,
                                                  [this](std::string_view piece) -> Status {
                                                    chunk_.append(piece);
                                                    return Ok();
                                                  });
    if (!got) return tl::unexpected(got.error());
    std::uint64_t expected = last - next_offset_ + 1;
    if (chunk_.size() != expected) {
      return Fail(ErrorCode::kUnavailable, info_.uri + ": expected " + std::to_string(expected) +
                                               " bytes at offset " + std::to_string(next_offset_) +
                                               ", got " + std::to_string(chunk_.size()));
    }
    next_offset_ = last + 1;
  }
  std::size_t count = std::min(buffer.size(), chunk_.size() - chunk_pos_);
  std::memcpy(buffer.data(), chunk_.data() + chunk_pos_, count);
  chunk_pos_ += count;
  return count;
}

Status S3Source::Rewind() {
  chunk_.clear();
  chunk_pos_ = 0;
  next_offset_ = 0;
  return Ok();
}

Result<std::vector<S3Location>> ExpandS3Uri(S3Client& s3, std::string_view uri) {
  Result<S3Location> location = ParseS3Uri(uri);
  if (!location) return tl::unexpected(location.error());
  if (!location->key.empty() && location->key.back() != '/') {
    return std::vector<S3Location>{*location};
  }
  Result<std::vector<S3ObjectInfo>> objects = s3.ListAll(location->bucket, location->key);
  if (!objects) return tl::unexpected(objects.error());
  std::vector<S3Location> out;
  for (const S3ObjectInfo& object : *objects) {
    if (!CsvInputSuffix(object.key).empty()) out.push_back(S3Location{object.bucket, object.key});
  }
  return out;
}

}  // namespace billflow
