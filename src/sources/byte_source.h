#ifndef BILLFLOW_SOURCES_BYTE_SOURCE_H_
#define BILLFLOW_SOURCES_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/result.h"

namespace billflow {

// What is known about a source before its bytes are read.
struct SourceInfo {
  std::string uri;                          // 'file:///abs/path', 's3://bucket/key', 'stdin:'
  std::string display_name;                 // for messages: the path or key as the user gave it
  std::optional<std::uint64_t> size_bytes;  // when known up front
  std::string version_tag;                  // e.g. mtime, ETag/VersionId; informational
  // Orders versions of the same uri (S3 sequencer, LastModified, mtime): a larger value is
  // newer; compared as strings of equal width. Empty = unknown (never considered stale).
  std::string version_order;
};

// A stream of bytes read once from the start. Not thread-safe.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual const SourceInfo& Info() const = 0;
  // Reads up to buffer.size() bytes; returns 0 at the end of the stream.
  [[nodiscard]] virtual Result<std::size_t> Read(std::span<char> buffer) = 0;
  // Starts again from the first byte, if the source can (files can; stdin cannot).
  [[nodiscard]] virtual Status Rewind() = 0;
  virtual bool CanRewind() const = 0;
};

}  // namespace billflow

#endif  // BILLFLOW_SOURCES_BYTE_SOURCE_H_
