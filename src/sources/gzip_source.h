#ifndef BILLFLOW_SOURCES_GZIP_SOURCE_H_
#define BILLFLOW_SOURCES_GZIP_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "sources/byte_source.h"

namespace billflow {

// Bounds on what a compressed input may expand to (gzip bombs).
struct GzipLimits {
  std::uint64_t max_inflated_bytes = std::uint64_t{20} << 30;  // 20 GiB of CSV
  // Output may be at most this many times the compressed bytes consumed so far...
  std::uint64_t max_ratio = 1000;
  // ...once more than this much has been produced (tiny files compress wildly).
  std::uint64_t ratio_grace_bytes = std::uint64_t{1} << 20;
};

// Streams the decompressed bytes of a gzip file (RFC 1952; concatenated members are read in
// turn) held in another ByteSource. Memory is bounded: zlib's 32 KiB window plus a 64 KiB
// input buffer, whatever the sizes involved.
//
// Errors (all kInvalidData unless noted, messages start with the source's display name):
//   not gzip data, corrupt data, "truncated gzip stream" when the input ends mid-stream,
//   data after the last member, and kLimitExceeded when a GzipLimits bound is crossed.
//
// Info() is the inner source's, except size_bytes, which is unknown (the inflated size is
// not known before reading). Rewind() rewinds the inner source and starts over. Not
// thread-safe; owns `inner`.
class GzipSource : public ByteSource {
 public:
  [[nodiscard]] static Result<std::unique_ptr<GzipSource>> Open(std::unique_ptr<ByteSource> inner,
                                                                GzipLimits limits = {});
  ~GzipSource() override;

  const SourceInfo& Info() const override { return info_; }
  [[nodiscard]] Result<std::size_t> Read(std::span<char> buffer) override;
  [[nodiscard]] Status Rewind() override;
  bool CanRewind() const override { return inner_->CanRewind(); }

  // Compressed bytes handed to zlib so far, and bytes produced so far.
  std::uint64_t compressed_bytes() const { return compressed_bytes_; }
  std::uint64_t inflated_bytes() const { return inflated_bytes_; }

 private:
  struct Stream;  // zlib's z_stream, kept out of this header
  GzipSource(std::unique_ptr<ByteSource> inner, GzipLimits limits, std::unique_ptr<Stream> stream);
  [[nodiscard]] Status Refill();
  [[nodiscard]] Status CheckLimits() const;

  std::unique_ptr<ByteSource> inner_;
  GzipLimits limits_;
  std::unique_ptr<Stream> stream_;
  SourceInfo info_;
  std::vector<char> input_;
  bool inner_eof_ = false;
  bool member_done_ = false;  // the last inflate() reached a member's end
  bool finished_ = false;     // every member read and no bytes follow
  std::uint64_t compressed_bytes_ = 0;
  std::uint64_t inflated_bytes_ = 0;
};

// `source` wrapped in a GzipSource when `name` ends in .gz (IsGzipName), else unchanged. The
// content hash of a .csv.gz is then that of its decompressed CSV, so the same CSV gzipped or
// not has the same content_sha256.
[[nodiscard]] Result<std::unique_ptr<ByteSource>> GunzipIfNamed(std::unique_ptr<ByteSource> source,
                                                                std::string_view name,
                                                                const GzipLimits& limits);

}  // namespace billflow

#endif  // BILLFLOW_SOURCES_GZIP_SOURCE_H_
