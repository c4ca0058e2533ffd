#ifndef BILLFLOW_CLI_OPEN_INPUT_H_
#define BILLFLOW_CLI_OPEN_INPUT_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "sources/byte_source.h"
#include "sources/gzip_source.h"

namespace billflow {

// Opens a local file for ingest: a FileSource, through GunzipIfNamed.
[[nodiscard]] Result<std::unique_ptr<ByteSource>> OpenLocalInput(const std::string& path,
                                                                 const GzipLimits& limits);

}  // namespace billflow

#endif  // BILLFLOW_CLI_OPEN_INPUT_H_
