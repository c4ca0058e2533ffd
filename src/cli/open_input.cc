#include "cli/open_input.h"

#include <algorithm>
#include <cctype>

#include "sources/file_source.h"

namespace billflow {

bool IsGzipName(std::string_view path) {
  constexpr std::string_view kSuffix = ".gz";
  if (path.size() < kSuffix.size()) return false;
  return std::equal(
      kSuffix.begin(), kSuffix.end(), path.end() - static_cast<long>(kSuffix.size()),
      [](char a, char b) { return std::tolower(static_cast<unsigned char>(b)) == a; });
}

Result<std::unique_ptr<ByteSource>> GunzipIfNamed(std::unique_ptr<ByteSource> source,
                                                  std::string_view name, const GzipLimits& limits) {
  if (!IsGzipName(name)) return source;
  auto gzip = GzipSource::Open(std::move(source), limits);
  if (!gzip) return tl::unexpected(gzip.error());
  return std::unique_ptr<ByteSource>(std::move(*gzip));
}

Result<std::unique_ptr<ByteSource>> OpenLocalInput(const std::string& path,
                                                   const GzipLimits& limits) {
  auto file = FileSource::Open(path);
  if (!file) return tl::unexpected(file.error());
  return GunzipIfNamed(std::move(*file), path, limits);
}

}  // namespace billflow
