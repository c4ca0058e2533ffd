#ifndef BILLFLOW_CLI_OPEN_INPUT_H_
#define BILLFLOW_CLI_OPEN_INPUT_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "sources/byte_source.h"
#include "sources/gzip_source.h"

namespace billflow {

// True for names ending in ".gz" (any case).
bool IsGzipName(std::string_view path);

// Opens a local file for ingest: a FileSource, wrapped in a GzipSource when the name ends in
// .gz. The content hash of a .csv.gz is that of its decompressed CSV, so the same CSV gzipped
// or not has the same content_sha256.
// Wraps `source` in a GzipSource when `name` ends in .gz; returns it unchanged otherwise.
[[nodiscard]] Result<std::unique_ptr<ByteSource>> GunzipIfNamed(std::unique_ptr<ByteSource> source,
                                                                std::string_view name,
                                                                const GzipLimits& limits);

[[nodiscard]] Result<std::unique_ptr<ByteSource>> OpenLocalInput(const std::string& path,
                                                                 const GzipLimits& limits);

}  // namespace billflow

#endif  // BILLFLOW_CLI_OPEN_INPUT_H_
