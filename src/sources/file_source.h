#ifndef BILLFLOW_SOURCES_FILE_SOURCE_H_
#define BILLFLOW_SOURCES_FILE_SOURCE_H_

#include <memory>
#include <string>

#include "sources/byte_source.h"

namespace billflow {

// A local file read with plain read(2) calls. Its uri is 'file://' + absolute path; its
// version is the modification time in nanoseconds.
class FileSource : public ByteSource {
 public:
  // Fails with kNotFound / kIo naming the path.
  [[nodiscard]] static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  ~FileSource() override;

  const SourceInfo& Info() const override { return info_; }
  [[nodiscard]] Result<std::size_t> Read(std::span<char> buffer) override;
  [[nodiscard]] Status Rewind() override;
  bool CanRewind() const override { return true; }

 private:
  FileSource(int fd, SourceInfo info) : fd_(fd), info_(std::move(info)) {}
  int fd_;
  SourceInfo info_;
};

// Standard input (or any already-open descriptor); cannot rewind.
class StdinSource : public ByteSource {
 public:
  explicit StdinSource(int fd = 0);
  const SourceInfo& Info() const override { return info_; }
  [[nodiscard]] Result<std::size_t> Read(std::span<char> buffer) override;
  [[nodiscard]] Status Rewind() override;
  bool CanRewind() const override { return false; }

 private:
  int fd_;
  SourceInfo info_;
};

}  // namespace billflow

#endif  // BILLFLOW_SOURCES_FILE_SOURCE_H_
