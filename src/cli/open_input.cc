#include "cli/open_input.h"

#include "sources/file_source.h"

namespace billflow {

Result<std::unique_ptr<ByteSource>> OpenLocalInput(const std::string& path,
                                                   const GzipLimits& limits) {
  auto file = FileSource::Open(path);
  if (!file) return tl::unexpected(file.error());
  return GunzipIfNamed(std::move(*file), path, limits);
}

}  // namespace billflow
