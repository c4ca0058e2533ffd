#include "sources/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace billflow {
namespace {

Result<std::size_t> ReadFd(int fd, std::span<char> buffer, const std::string& name) {
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    return Fail(ErrorCode::kIo, name + ": read failed: " + std::strerror(errno));
  }
}

}  // namespace

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return Fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                path + ": cannot open: " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kIo, path + ": not a regular file");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(path, ec).lexically_normal();
  SourceInfo info;
  info.uri = "file://" + (ec ? path : absolute.string());
  info.display_name = path;
  info.size_bytes = static_cast<std::uint64_t>(st.st_size);
  const auto mtime_ns =
      static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  char order[32];
  std::snprintf(order, sizeof order, "%020lld", mtime_ns);
  info.version_order = order;
  info.version_tag = "mtime_ns=" + std::to_string(mtime_ns);
  return std::unique_ptr<FileSource>(new FileSource(fd, std::move(info)));
}

FileSource::~FileSource() { ::close(fd_); }

Result<std::size_t> FileSource::Read(std::span<char> buffer) {
  return ReadFd(fd_, buffer, info_.display_name);
}

Status FileSource::Rewind() {
  if (::lseek(fd_, 0, SEEK_SET) != 0) {
    return Fail(ErrorCode::kIo, info_.display_name + ": cannot rewind: " + std::strerror(errno));
  }
  return Ok();
}

StdinSource::StdinSource(int fd) : fd_(fd) {
  info_.uri = "stdin:";
  info_.display_name = "-";
}

Result<std::size_t> StdinSource::Read(std::span<char> buffer) {
  return ReadFd(fd_, buffer, "stdin");
}

Status StdinSource::Rewind() {
  return Fail(ErrorCode::kInvalidArgument, "stdin cannot be rewound");
}

}  // namespace billflow
