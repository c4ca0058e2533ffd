#include "sources/gzip_source.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <string>

#include "sources/input_name.h"

namespace billflow {

struct GzipSource::Stream {
  z_stream z{};
  ~Stream() { inflateEnd(&z); }
};

namespace {

constexpr std::size_t kInputBufferBytes = std::size_t{64} * 1024;

std::string Human(std::uint64_t bytes) {
  char text[32];
  if (bytes >= (std::uint64_t{1} << 30)) {
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1 << 30));
  } else if (bytes >= (std::uint64_t{1} << 20)) {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  } else {
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  }
  return text;
}

}  // namespace

Result<std::unique_ptr<GzipSource>> GzipSource::Open(std::unique_ptr<ByteSource> inner,
                                                     GzipLimits limits) {
  auto stream = std::make_unique<Stream>();
  // 16 + MAX_WBITS: gzip wrapper only (a zlib or raw deflate stream is not a .gz file).
  if (inflateInit2(&stream->z, 16 + MAX_WBITS) != Z_OK) {
    return Fail(ErrorCode::kInternal, inner->Info().display_name + ": cannot initialise zlib");
  }
  return std::unique_ptr<GzipSource>(new GzipSource(std::move(inner), limits, std::move(stream)));
}

GzipSource::GzipSource(std::unique_ptr<ByteSource> inner, GzipLimits limits,
                       std::unique_ptr<Stream> stream)
    : inner_(std::move(inner)),
      limits_(limits),
      stream_(std::move(stream)),
      info_(inner_->Info()),
      input_(kInputBufferBytes) {
  info_.size_bytes.reset();
}

GzipSource::~GzipSource() = default;

Status GzipSource::Refill() {
  auto got = inner_->Read(input_);
  if (!got) return tl::unexpected(got.error());
  if (*got == 0) inner_eof_ = true;
  stream_->z.next_in = reinterpret_cast<Bytef*>(input_.data());
  stream_->z.avail_in = static_cast<uInt>(*got);
  return Ok();
}

Status GzipSource::CheckLimits() const {
  const std::string& name = info_.display_name;
  if (inflated_bytes_ > limits_.max_inflated_bytes) {
    return Fail(ErrorCode::kLimitExceeded, name + ": decompresses to more than " +
                                               Human(limits_.max_inflated_bytes) +
                                               " (--max-inflated-bytes); refusing it");
  }
  if (inflated_bytes_ > limits_.ratio_grace_bytes &&
      inflated_bytes_ / std::max<std::uint64_t>(compressed_bytes_, 1) >= limits_.max_ratio) {
    return Fail(ErrorCode::kLimitExceeded,
                name + ": decompresses to more than " + std::to_string(limits_.max_ratio) +
                    " times its compressed size (" + Human(inflated_bytes_) + " from " +
                    Human(compressed_bytes_) + "); refusing a likely gzip bomb");
  }
  return Ok();
}

Result<std::size_t> GzipSource::Read(std::span<char> buffer) {
  if (finished_ || buffer.empty()) return 0;
  z_stream& z = stream_->z;
  const auto out_size = static_cast<uInt>(std::min<std::size_t>(buffer.size(), UINT_MAX));
  z.next_out = reinterpret_cast<Bytef*>(buffer.data());
  z.avail_out = out_size;
  const std::string& name = info_.display_name;
  // Loop until at least one byte is produced or the stream is over: a Read of 0 means end.
  while (z.avail_out == out_size) {
    if (member_done_) {
      if (z.avail_in == 0 && !inner_eof_) BILLFLOW_TRY(Refill());
      if (z.avail_in == 0) {
        finished_ = true;
        break;
      }
      if (z.next_in[0] != 0x1f) {
        return Fail(ErrorCode::kInvalidData,
                    name + ": unexpected data after the end of the gzip stream");
      }
      inflateReset(&z);  // another member follows (as `cat a.gz b.gz` makes)
      member_done_ = false;
    }
    if (z.avail_in == 0 && !inner_eof_) BILLFLOW_TRY(Refill());
    if (compressed_bytes_ == 0 && z.avail_in >= 2 &&
        (z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)) {
      return Fail(ErrorCode::kInvalidData, name + ": not gzip data (no gzip header)");
    }
    if (z.avail_in == 0) {
      return Fail(ErrorCode::kInvalidData, name + ": truncated gzip stream (input ended after " +
                                               std::to_string(compressed_bytes_) +
                                               " compressed bytes)");
    }
    const uInt in_before = z.avail_in;
    const int rc = inflate(&z, Z_NO_FLUSH);
    compressed_bytes_ += in_before - z.avail_in;
    if (rc == Z_STREAM_END) {
      member_done_ = true;
    } else if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR) {
      return Fail(ErrorCode::kInvalidData,
                  name + ": corrupt gzip data (" +
                      (z.msg != nullptr ? z.msg : "invalid deflate stream") + ")");
    } else if (rc == Z_MEM_ERROR) {
      return Fail(ErrorCode::kLimitExceeded, name + ": zlib ran out of memory");
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Fail(ErrorCode::kInternal, name + ": zlib error " + std::to_string(rc));
    }
  }
  const std::size_t produced = out_size - z.avail_out;
  inflated_bytes_ += produced;
  BILLFLOW_TRY(CheckLimits());
  return produced;
}

Status GzipSource::Rewind() {
  BILLFLOW_TRY(inner_->Rewind());
  inflateReset(&stream_->z);
  stream_->z.avail_in = 0;
  inner_eof_ = false;
  member_done_ = false;
  finished_ = false;
  compressed_bytes_ = 0;
  inflated_bytes_ = 0;
  return Ok();
}

Result<std::unique_ptr<ByteSource>> GunzipIfNamed(std::unique_ptr<ByteSource> source,
                                                  std::string_view name, const GzipLimits& limits) {
  if (!IsGzipName(name)) return source;
  auto gzip = GzipSource::Open(std::move(source), limits);
  if (!gzip) return tl::unexpected(gzip.error());
  return std::unique_ptr<ByteSource>(std::move(*gzip));
}

}  // namespace billflow
