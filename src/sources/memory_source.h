#ifndef BILLFLOW_SOURCES_MEMORY_SOURCE_H_
#define BILLFLOW_SOURCES_MEMORY_SOURCE_H_

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>

#include "sources/byte_source.h"

namespace billflow {

// Bytes held in memory, served at most `chunk_bytes` per Read so that tests can exercise
// every buffer boundary. Header-only: tests and fuzzers of any layer use it.
class MemorySource : public ByteSource {
 public:
  struct Options {
    std::string uri = "file:///t/bills.csv";
    std::string display_name = "bills.csv";
    std::size_t chunk_bytes = std::numeric_limits<std::size_t>::max();
    bool can_rewind = true;
  };

  explicit MemorySource(std::string bytes) : MemorySource(std::move(bytes), Options{}) {}
  MemorySource(std::string bytes, Options options)
      : bytes_(std::move(bytes)), options_(std::move(options)) {
    info_.uri = options_.uri;
    info_.display_name = options_.display_name;
    info_.size_bytes = bytes_.size();
  }

  const SourceInfo& Info() const override { return info_; }
  [[nodiscard]] Result<std::size_t> Read(std::span<char> buffer) override {
    const std::size_t n = std::min({buffer.size(), options_.chunk_bytes, bytes_.size() - pos_});
    std::copy_n(bytes_.data() + pos_, n, buffer.data());
    pos_ += n;
    return n;
  }
  [[nodiscard]] Status Rewind() override {
    if (!options_.can_rewind) return Fail(ErrorCode::kInvalidArgument, "source cannot rewind");
    pos_ = 0;
    return Ok();
  }
  bool CanRewind() const override { return options_.can_rewind; }

 private:
  std::string bytes_;
  Options options_;
  SourceInfo info_;
  std::size_t pos_ = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_SOURCES_MEMORY_SOURCE_H_
