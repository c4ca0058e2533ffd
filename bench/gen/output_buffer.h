// Where billflow_gen's rows go: one large UTF-8 buffer handed to stdio in chunks, encoded on
// the way out (windows-1252, or UTF-16LE after a byte order mark).
#ifndef BILLFLOW_BENCH_GEN_OUTPUT_BUFFER_H_
#define BILLFLOW_BENCH_GEN_OUTPUT_BUFFER_H_

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "gen/file_dialect.h"

namespace billflow_gen {

// Rows are far shorter than kFlushMargin, so checking once per row is enough, and a flush
// always falls between rows (never inside a UTF-8 sequence). `file` must outlive the buffer.
class OutputBuffer {
 public:
  static constexpr size_t kCapacity = size_t{8} << 20;
  static constexpr size_t kFlushMargin = 4096;

  OutputBuffer(std::FILE* file, Encoding encoding);

  void Append(std::string_view text) {
    std::memcpy(data_.data() + used_, text.data(), text.size());
    used_ += text.size();
  }
  void Append(char c) { data_[used_++] = c; }
  void AppendUnsigned(uint64_t value) {
    const auto result = std::to_chars(data_.data() + used_, data_.data() + data_.size(), value);
    used_ = static_cast<size_t>(result.ptr - data_.data());
  }
  // Zero-padded to exactly `width` digits; value < 10^width.
  void AppendPadded(uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      data_[used_ + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    used_ += static_cast<size_t>(width);
  }
  // `value` with `separator` between groups of three digits ("1.234.567").
  void AppendGrouped(uint64_t value, char separator);

  // Returns false on a write error.
  [[nodiscard]] bool FlushIfNearlyFull() { return used_ + kFlushMargin < kCapacity || Flush(); }
  [[nodiscard]] bool Flush();

 private:
  std::FILE* file_;
  Encoding encoding_;
  bool wrote_bom_ = false;
  std::vector<char> data_;
  size_t used_ = 0;
  std::string encoded_;
};

// `utf8` (valid UTF-8) in `encoding`, appended to *out.
void Encode(std::string_view utf8, Encoding encoding, std::string* out);

}  // namespace billflow_gen

#endif  // BILLFLOW_BENCH_GEN_OUTPUT_BUFFER_H_
